// Hostile plugins under load through the real dev server (serve-arena.ts), with small counts:
// the four well-behaved examples alone, then beside safeguard-stress and the hostile fixtures
// while an attack runs. Asserts containment and correctness; timing only as generous ceilings
// (bench/hostile-serve.bench.ts measures).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  ALWAYS_FAILING,
  HOSTILE,
  WELL_BEHAVED,
  attack,
  containment,
  holdSse,
  slowUpstream,
  startArena,
  wellBehavedLoad,
  wellBehavedState,
  wellBehavedStrikes,
  type AttackRecord,
  type LoadResult,
  type ServeArena,
  type SseHold,
} from './serve-arena.js';

const LOAD = { messages: 60, requests: 60, clients: 3 };
const SSE_CLIENTS = 80;

let upstream: Awaited<ReturnType<typeof slowUpstream>>;
let arena: ServeArena;
let sse: SseHold;
let clean: LoadResult;
let beside: LoadResult;
let attacked: AttackRecord;
let state: Awaited<ReturnType<typeof wellBehavedState>>;

beforeAll(async () => {
  upstream = await slowUpstream(500);
  const alone = await startArena({ hostile: false });
  try {
    clean = await wellBehavedLoad(alone.server.url, { ...LOAD, tag: 'clean' });
  } finally {
    await alone.close();
  }
  arena = await startArena({ hostile: true });
  const base = arena.server.url;
  sse = await holdSse(base, SSE_CLIENTS);
  [beside, attacked] = await Promise.all([
    wellBehavedLoad(base, { ...LOAD, tag: 'beside' }),
    attack(base, { storms: 3, upstreamCalls: 2, burns: 1, upstreamPort: upstream.port }),
  ]);
  state = await wellBehavedState(base, 'beside');
}, 180_000);

afterAll(async () => {
  sse?.close();
  await arena?.close();
  await upstream?.close();
});

describe('serve with hostile plugins beside well-behaved ones, under load', () => {
  it('the well-behaved four answered correctly throughout, took no strike and stayed enabled', () => {
    expect(clean.wrong).toEqual([]);
    expect(clean.timeouts).toBe(0);
    expect(beside.wrong).toEqual([]);
    // a plugin route may time out (504) only when its own call waited past the 5 s handler
    // deadline: at most one request per client
    expect(beside.timeouts).toBeLessThanOrEqual(LOAD.clients);
    expect(wellBehavedStrikes(arena)).toEqual(Object.fromEntries(WELL_BEHAVED.map((s) => [s, 0])));
    for (const slug of WELL_BEHAVED) expect(state.statuses[slug], slug).toBe('running');
    expect(state.echo).toBe('beside-final said: final beside');
    // every accepted human message was counted once, hostile triggers included
    const triggers = 10; // safeguard-stress's chat triggers, all accepted (fail-open)
    expect(state.total).toBe(beside.accepted + triggers + 1);
    expect(state.overlay).toBe(state.total);
  });

  it('every always-failing hostile plugin was stopped call by call with a named error and auto-disabled after 5 strikes on one path', () => {
    const rows = containment(arena, state.statuses);
    for (const slug of ALWAYS_FAILING) {
      const row = rows.find((r) => r.slug === slug)!;
      expect(row.status, slug).toBe('disabled');
      expect(row.disabled?.by, slug).toBe('strikes');
      expect(row.disabled?.reason, slug).toMatch(/^5 consecutive failures; the last, on the (filter|notification|http|timer) path: /);
      expect(row.firstError, slug).toMatch(new RegExp(`^${slug}: on_\\w+\\(\\) failed: |output too large`));
    }
    const failure = (slug: string) => rows.find((r) => r.slug === slug)!.disabled!.reason;
    expect(failure('spinner')).toMatch(/filter path: .*deadline exceeded: on_filter ran past its 50 ms budget/);
    // its own 1.2 MB answers can queue its next calls past the 50 ms (the wait counts)
    expect(failure('flooder')).toMatch(/filter path: (on_filter output too large: \d+ bytes \(max 1048576\)|.*on_filter waited \d+ ms for the plugin)/);
    expect(failure('hog')).toMatch(/http path: .*out of memory/);
    expect(failure('recurser')).toMatch(/notification path: .*stack overflow/);
    // its 64 intervals fire 640 calls a second into its own thread: on a loaded machine they can
    // queue past the 500 ms budget, and the wait counts against it (either is its own failure)
    expect(failure('timer-bomb')).toMatch(/timer path: .*(exploded|waited \d+ ms for the plugin)/);
    // the rule, both ways: disabled exactly when five failures on one path came in a row
    for (const row of rows) expect(row.status === 'disabled', row.slug).toBe(row.maxConsecutive >= 5);
    // no call needed the watchdog: the engine stopped each one itself
    expect(arena.feed.hostEvents).toEqual([]);
  });

  it('the others were contained without strikes where the rules give none', () => {
    const rows = containment(arena, state.statuses);
    const row = (slug: string) => rows.find((r) => r.slug === slug)!;
    // safeguard-stress: every misbehaviour failed named (flood is allowed: chat.send within budget)
    expect(attacked.safeguard[0]).toBe('notify flood: ok');
    // Its filter triggers fail one after another; the well-behaved load's messages passing its
    // filter in between reset the count. When that load has finished first (each plugin in its
    // own thread, it goes fast), five in a row disable it, as the rule says, and the last
    // trigger finds it off.
    const safeguardOff = row('safeguard-stress').status === 'disabled';
    for (const line of attacked.safeguard.slice(1)) {
      expect(line).toMatch(safeguardOff ? /: failed: safeguard-stress: on_\w+\(\) failed: |: failed: on_filter output too large|: not called$/ : /: failed: safeguard-stress: on_\w+\(\) failed: |: failed: on_filter output too large/);
    }
    // ping + pong: storms cut by the emit caps, never struck
    expect(row('ping').status).toBe('running');
    expect(row('pong').status).toBe('running');
    expect(row('ping').emitsDropped + row('pong').emitsDropped).toBeGreaterThan(0);
    expect(attacked.answers.ping).toEqual([200, 200, 200]);
    // sse-blaster: 64 connections at most, the rest refused; it kept running
    expect(sse.opened).toBe(64);
    expect(sse.refused).toBe(SSE_CLIENTS - 64);
    expect(row('sse-blaster').status).toBe('running');
    // slowpoke: the slow upstream answered within budget; the burn was a 504 and one strike
    expect(attacked.answers.slowpoke).toEqual([200, 200, 504]);
    expect(row('slowpoke').strikes).toEqual({ http: 1 });
    expect(row('slowpoke').status).toBe('running');
    expect(Object.keys(state.statuses).sort()).toEqual([...WELL_BEHAVED, ...HOSTILE].sort());
  });

  it('timing, as generous ceilings only', () => {
    // a 5 s burn holds only slowpoke's thread; p99 stays far below minutes on a loaded machine
    expect(beside.chat.p99).toBeLessThan(30_000);
    expect(beside.http.p99).toBeLessThan(30_000);
    expect(attacked.burnMs[0]).toBeLessThan(20_000);
    // each plugin in its own thread: slowpoke's burn holds only slowpoke. The bench measures
    // about 2x during the attack (before, one thread for all: 19x); at this test's small counts
    // on a loaded machine it was 4.7x once, so the floor is 1/10
    expect(beside.chat.perSecond).toBeGreaterThan(clean.chat.perSecond / 10);
    // the held SSE clients read nothing: what the host buffers for them stays bounded
    expect(process.memoryUsage().rss).toBeLessThan(2 * 1024 ** 3);
  });
});
