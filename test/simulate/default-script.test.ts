// The built-in stream through the example plugins, as `simulate --plain` and `--json` print it.
// The simulated clock starts at a fixed time and only the simulation moves it, so both outputs
// are the same on every run (plugin call durations aside, which the JSON snapshot zeroes).
import { beforeAll, describe, expect, it } from 'vitest';

import { createCaptureStream, createContext, createFakeClock } from '../../src/lib/context.js';
import type { SimEvent } from '../../src/lib/simulate/events.js';
import { loadScript, runStream } from '../../src/lib/simulate/run.js';
import { ROOT } from '../cli/helpers.js';

const START = Date.parse('2026-11-29T20:00:00Z');

async function run(format: 'plain' | 'json') {
  const stdout = createCaptureStream();
  const stderr = createCaptureStream();
  const ctx = createContext({ cwd: ROOT, toolRoot: ROOT, stdout, stderr, clock: createFakeClock(START), color: false, env: {} });
  const events = await runStream(ctx, { script: await loadScript(ctx), format, startMs: START });
  return { out: stdout.text(), err: stderr.text(), events };
}

/** The JSON lines without what varies between machines: host diagnostics (builds of stale examples) and call durations. */
function stableJson(out: string): string {
  return out
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as SimEvent)
    .filter((e) => !(e.type === 'log' && e.source === 'host'))
    .map((e) => JSON.stringify(e.type === 'end' ? { ...e, plugins: e.plugins.map((p) => ({ ...p, timeMs: 0 })) } : e))
    .join('\n');
}

describe('the default script', () => {
  let plain: Awaited<ReturnType<typeof run>>;
  let json: Awaited<ReturnType<typeof run>>;

  beforeAll(async () => {
    plain = await run('plain');
    json = await run('json');
  });

  it('prints the plain stream (snapshot)', async () => {
    await expect(plain.out).toMatchFileSnapshot('__snapshots__/default-script.plain.txt');
    // diagnostics only on stderr, and none of them repeats what the stream shows
    expect(plain.err).not.toMatch(/on_filter|auto-disabled/);
  });

  it('prints one JSON event per line (snapshot)', async () => {
    const lines = json.out.trim().split('\n');
    expect(lines.every((l) => l.startsWith('{"t":'))).toBe(true);
    await expect(stableJson(json.out)).toMatchFileSnapshot('__snapshots__/default-script.jsonl');
    expect(json.err).toBe('');
  });

  it('shows the profanity mask as a diff and the masked text in chat', () => {
    expect(plain.out).toContain('    filter  profanity-filter: modified: what the [-heck-]{+****+}, this is great\n    filter  slow-mode: pass\n    chat    bob: what the ****, this is great');
    const m = json.events.find((e): e is Extract<SimEvent, { type: 'message' }> => e.type === 'message' && e.body === 'what the heck, this is great')!;
    expect(m.filters[1]).toEqual({ slug: 'profanity-filter', priority: 100, action: 'modify', before: 'what the heck, this is great', after: 'what the ****, this is great' });
    expect(m.shown).toBe('what the ****, this is great');
  });

  it('shows the slow-mode drop with its reason, and nobody notified', () => {
    const dropped = json.events.filter((e): e is Extract<SimEvent, { type: 'message' }> => e.type === 'message' && !!e.dropped);
    expect(dropped.map((e) => [e.user.displayName, e.body, e.dropped, e.notified])).toEqual([
      ['alice', 'going great!', { slug: 'slow-mode', reason: 'slow mode: one message every 2 s (wait 1 s)' }, []],
      ['bob', 'boom again', { slug: 'slow-mode', reason: 'slow mode: one message every 2 s (wait 1 s)' }, []],
    ]);
    expect(plain.out).toContain('[filtered] chat.message.received dropped: slow-mode: slow mode: one message every 2 s (wait 1 s)');
  });

  it('strikes the failing filter five times, fails open each time, then disables it', () => {
    const strikes = json.events.filter((e) => e.type === 'strike' && e.slug === 'buggy-filter').map((e) => (e as { count: number }).count);
    expect(strikes).toEqual([1, 2, 3, 4, 5]);
    const disabled = json.events.filter((e) => e.type === 'disabled');
    expect(disabled).toHaveLength(1);
    expect(disabled[0]).toMatchObject({ slug: 'buggy-filter', reason: expect.stringMatching(/^5 consecutive failures; the last, on the filter path: /) });
    // the fifth failing message still reached the chat; after it, buggy-filter is out of the chain
    const after = json.events.filter((e): e is Extract<SimEvent, { type: 'message' }> => e.type === 'message' && e.t > disabled[0]!.t);
    expect(after.every((m) => !m.filters.some((f) => f.slug === 'buggy-filter'))).toBe(true);
    expect(plain.out).toContain('buggy-filter: failed, passed on unchanged (strike 5 of 5): Error: unexpected input from mia');
    const end = json.events.find((e) => e.type === 'end') as Extract<SimEvent, { type: 'end' }>;
    expect(end.disabled).toEqual(['buggy-filter']);
    expect(end.plugins.find((p) => p.slug === 'buggy-filter')).toMatchObject({ state: 'disabled', strikes: 5 });
  });

  it('relays the moderator\'s /announce to the announcer, which posts it', () => {
    const i = json.events.findIndex((e) => e.type === 'emit');
    expect(json.events[i]).toMatchObject({ slug: 'relay', eventType: 'announcer.announcement.broadcast', depth: 1, deliveredTo: ['announcer'] });
    expect(json.events[i + 1]).toMatchObject({ type: 'chat', slug: 'announcer', kind: 'system', text: '<strong>Announcement:</strong> stream is live <em>(mia)</em>' });
    expect(plain.out).toContain('    emit    relay → announcer.announcement.broadcast (depth 1) → announcer\n[system message from plugin Announcer] <strong>Announcement:</strong> stream is live <em>(mia)</em>');
  });

  it('answers !ip from the script\'s canned response, !uptime from the simulated clock, and lists !help', () => {
    expect(json.events).toContainEqual(expect.objectContaining({ type: 'fetch', slug: 'ip-bot', method: 'GET', url: 'https://api.ipify.org?format=json', status: 200 }));
    expect(plain.out).toContain("[chat from plugin IP Bot] This server's public IP address is 203.0.113.42.");
    expect(plain.out).toContain('[chat from plugin Stream Tracker] Live for 12s.');
    const help = json.events.find((e) => e.type === 'chat' && e.kind === 'system' && !e.slug) as Extract<SimEvent, { type: 'chat' }>;
    expect(help.label).toBe('Owncast');
    expect(help.text).toMatch(/^Available chat commands:/);
    for (const line of ['- `!ip` — Shows this server\'s public IP address', '- `!uptime` — How long the stream has been live', '- `!hug` — Hug someone (or everyone)']) {
      expect(help.text).toContain(line);
    }
    // bob is not a moderator: the moderators' commands are not listed for him
    expect(help.text).not.toContain('!countdown');
  });

  it('fires timers and ticks on the simulated clock', () => {
    expect(plain.out).toMatch(/Countdown: 3 seconds!\n\[chat from plugin Timer Bot\] 2…\n\[chat from plugin Timer Bot\] 1…/);
    expect(plain.out).toContain('> [19s] clock +15m0s\n[timer from plugin timer-bot] 1 fired\n[chat from plugin Timer Bot] Enjoying the stream?');
    expect(plain.out).toContain('*says thanks for watching! The stream ran for 15m 21s.*');
  });
});
