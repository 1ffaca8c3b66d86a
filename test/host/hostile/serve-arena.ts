// Hostile plugins under load through the real dev server (startDevServer on loopback: the
// HTTP thread here, the plugins in a ThreadedHost worker). Shared by
// test/host/hostile/serve-load.test.ts (small counts) and bench/hostile-serve.bench.ts.
//
// Four well-behaved examples (echo-bot, profanity-filter, message-counter, chat-overlay) take
// chat through POST /_dev/chat and HTTP on chat-overlay's route and static file, from a few
// concurrent clients, for a bounded count; every answer is checked. Beside them, optionally:
// safeguard-stress and the hostile fixtures of test/host/hostile/fixtures (spinner, flooder,
// hog, recurser, ping + pong, timer-bomb, sse-blaster, slowpoke), driven by an attack that runs
// while the well-behaved load does. What the host did about each hostile plugin (strikes,
// disables, restarts, dropped frames) is read from the activity feed as it is published.
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent, createServer, request, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createContext } from '../../../src/lib/context.js';
import { startDevServer, type DevServer } from '../../../src/lib/devserver/server.js';
import { buildSource } from '../../helpers/host.js';
import { FIXTURES } from './harness.js';

const EXAMPLES = join(import.meta.dirname, '..', '..', '..', 'examples');

export const WELL_BEHAVED = ['echo-bot', 'profanity-filter', 'message-counter', 'chat-overlay'] as const;
export const HOSTILE = ['safeguard-stress', 'spinner', 'flooder', 'hog', 'recurser', 'ping', 'pong', 'timer-bomb', 'sse-blaster', 'slowpoke'] as const;
export type HostileSlug = (typeof HOSTILE)[number];

/** What contains each hostile plugin. */
export const CONTAINED_BY: Record<HostileSlug, string> = {
  'safeguard-stress': 'budgets (50 ms filter spin), 1 MiB filter output cap, 48 MiB heap, stack checks, 64 timers; strikes when 5 failures on a path are consecutive',
  spinner: '50 ms filter budget (fail-open), strikes',
  flooder: '500 ms notification budget; 1 MiB filter output cap (fail-open), strikes',
  hog: '48 MiB heap limit, instance recreated; strikes',
  recurser: 'engine stack checks; strikes',
  ping: 'emit depth 8, 1 000 emits per chain (no strikes by design)',
  pong: 'emit depth 8, 1 000 emits per chain (no strikes by design)',
  'timer-bomb': '64 timers per plugin, 100 ms floor; strikes once its callbacks throw',
  'sse-blaster': '64 SSE connections per plugin, 16 frames buffered per client (nothing to strike)',
  slowpoke: '5 s HTTP budget (burn, then strikes); a slow upstream within budget is no failure',
};

/** Hostile plugins every call of which fails once attacked: the rules (DESIGN §3.3) disable them. */
export const ALWAYS_FAILING: readonly HostileSlug[] = ['spinner', 'flooder', 'hog', 'recurser', 'timer-bomb'];

export interface ArenaOptions {
  hostile: boolean;
  /** Where the slow upstream listens (slowpoke's /upstream). */
  upstreamPort?: number;
}

export interface FeedRecord {
  strikes: Map<string, { path: string; count: number; message: string }[]>;
  disabled: Map<string, { by: string; reason: string }>;
  /** host.* events other than disabled (overrun, crashed, worker-restarted, failed). */
  hostEvents: { type: string; slug?: string; message?: string }[];
  emitsDropped: Map<string, number>;
  activityDropped: number;
  counts: Map<string, number>;
}

export interface ServeArena {
  server: DevServer;
  feed: FeedRecord;
  /** Warning lines the server logged. */
  warnings: string[];
  /** Plugin log lines seen (counted, not kept). */
  pluginLines(): number;
  close(): Promise<void>;
}

const SKIP = /[/\\](src|dist|node_modules|\.owncast-dev|__tests__|plugin\.test\.ts)$/;

/** A project dir in `cwd` for `name`: manifest, public/ and assets/ copied, dist/ built by our compiler (no type check). */
async function stage(cwd: string, name: string): Promise<void> {
  const from = (WELL_BEHAVED as readonly string[]).includes(name) || name === 'safeguard-stress' ? join(EXAMPLES, name) : join(FIXTURES, name);
  const to = join(cwd, name);
  const built = await buildSource(from, 'js');
  await cp(from, to, { recursive: true, filter: (src) => !SKIP.test(src) });
  await mkdir(join(to, 'dist'), { recursive: true });
  if (typeof built.script !== 'string') throw new Error(`${name}: expected a JS build`);
  await writeFile(join(to, 'dist', 'plugin.js'), built.script);
  if (built.sourceMap) await writeFile(join(to, 'dist', 'plugin.js.map'), built.sourceMap);
}

/** Starts a dev server on 127.0.0.1 with the well-behaved four (and the hostile ten). */
export async function startArena(opts: ArenaOptions): Promise<ServeArena> {
  const cwd = await mkdtemp(join(tmpdir(), 'ocp-hostile-serve-'));
  const names = [...WELL_BEHAVED, ...(opts.hostile ? HOSTILE : [])];
  for (const name of names) await stage(cwd, name);
  const warnings: string[] = [];
  let lines = 0;
  const sink = {
    write: (s: string) => {
      lines++;
      if (/warn/i.test(s.slice(0, 200)) && warnings.length < 2000) warnings.push(s.length > 500 ? `${s.slice(0, 500)}…` : s);
      return true;
    },
    isTTY: false,
  };
  const ctx = createContext({ cwd, stdout: sink, stderr: sink, color: false, logLevel: 'warn' });
  const server = await startDevServer(ctx, { paths: names, port: 0, buildProjects: false, scanIntervalMs: 0 });
  const feed: FeedRecord = { strikes: new Map(), disabled: new Map(), hostEvents: [], emitsDropped: new Map(), activityDropped: 0, counts: new Map() };
  // what the host publishes to the console's feed, as it happens (the feed itself keeps only 500)
  const publish = server.feed.publish.bind(server.feed);
  server.feed.publish = (event) => {
    const e = event as Record<string, unknown> & { type: string; slug?: string };
    feed.counts.set(e.type, (feed.counts.get(e.type) ?? 0) + 1);
    if (e.type === 'strike' && e.slug) {
      const list = feed.strikes.get(e.slug) ?? [];
      if (list.length < 50) list.push({ path: String(e.path), count: Number(e.count), message: String(e.message).slice(0, 300) });
      feed.strikes.set(e.slug, list);
    } else if (e.type === 'host.disabled' && e.slug) {
      feed.disabled.set(e.slug, { by: String(e.by), reason: String(e.reason).slice(0, 300) });
    } else if (e.type === 'emit' && e.dropped) {
      feed.emitsDropped.set(e.slug ?? '', (feed.emitsDropped.get(e.slug ?? '') ?? 0) + 1);
    } else if (e.type === 'dropped') {
      feed.activityDropped += Number(e.count) || 0;
    } else if (e.type.startsWith('host.') && e.type !== 'host.disabled') {
      feed.hostEvents.push({ type: e.type, ...(e.slug ? { slug: e.slug } : {}), ...(e.message ? { message: String(e.message).slice(0, 300) } : {}) });
    }
    return publish(event);
  };
  return {
    server,
    feed,
    warnings,
    pluginLines: () => lines,
    async close() {
      await server.close();
      await rm(cwd, { recursive: true, force: true });
    },
  };
}

// ---- clients ------------------------------------------------------------------------------

const agent = new Agent({ keepAlive: true, maxSockets: 32 });

export interface Answer {
  status: number;
  body: string;
  ms: number;
}

/** One request on a keep-alive connection; never rejects (status 0 on a socket error). */
export function http(url: string, init: { method?: string; body?: string; timeoutMs?: number } = {}): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(url, { agent, method: init.method ?? 'GET', timeout: init.timeoutMs ?? 60_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }));
      res.on('error', () => resolve({ status: 0, body: '', ms: performance.now() - started }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0, body: '', ms: performance.now() - started }));
    req.end(init.body);
  });
}

export const postChat = (base: string, user: string, body: string) => http(`${base}/_dev/chat`, { method: 'POST', body: JSON.stringify({ user, body }) });
export const postEvent = (base: string, type: string, payload: unknown = {}) =>
  http(`${base}/_dev/event`, { method: 'POST', body: JSON.stringify({ type, payload }) });

interface ChatAnswer {
  allowed: boolean;
  message?: { body: string };
  trace: { filters: { slug: string; action: string; error?: string }[]; notified: { slug: string; ok: boolean; error?: string }[] };
}

/** The well-behaved four's messages: [body sent, body expected after the filters (null: dropped), echo expected]. */
function chatCase(i: number, user: string): { body: string; shown: string | null; echo: boolean } {
  switch (i % 4) {
    case 0:
      return { body: `that darn thing ${i}`, shown: `that **** thing ${i}`, echo: false };
    case 1:
      return { body: `!echo hello ${i}`, shown: `!echo hello ${i}`, echo: true };
    case 2:
      return { body: `just chatting ${i} as ${user}`, shown: `just chatting ${i} as ${user}`, echo: false };
    default:
      return { body: `DARN loud ${i}`, shown: null, echo: false };
  }
}

const NOTIFIED = ['echo-bot', 'message-counter', 'chat-overlay'];

export interface LoadResult {
  chat: { messages: number; perSecond: number; p50: number; p99: number; max: number };
  http: { requests: number; perSecond: number; p50: number; p99: number; max: number };
  /** Answers that were not what the well-behaved plugins say (wrong body, a failed step, a bad status). */
  wrong: string[];
  /** Plugin-route requests the HTTP thread answered 504 (the handler deadline passed while the call waited in the plugin thread). */
  timeouts: number;
  /** Human messages accepted (message-counter counts these). */
  accepted: number;
  seconds: number;
}

/** `count` answers in `elapsedMs`: the rate, and the latencies' p50, p99 and max. */
function rateAndLatency(count: number, elapsedMs: number, latencies: number[]) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { perSecond: count / (elapsedMs / 1000), p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted.at(-1) ?? 0 };
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

/**
 * `messages` chat messages from `clients` concurrent chatters and, at the same time, `requests`
 * HTTP requests from `clients` concurrent clients (chat-overlay's GET /stats and its static
 * overlay.html, alternately). Every answer is checked.
 */
export async function wellBehavedLoad(base: string, opts: { messages: number; requests: number; clients: number; tag: string }): Promise<LoadResult> {
  const wrong: string[] = [];
  let timeouts = 0;
  const chatMs: number[] = [];
  const httpMs: number[] = [];
  let accepted = 0;
  let nextMsg = 0;
  let nextReq = 0;
  const started = performance.now();
  let chatEnd = started;
  let httpEnd = started;
  const chatters = Array.from({ length: opts.clients }, async (_, c) => {
    const user = `${opts.tag}-viewer-${c}`;
    while (nextMsg < opts.messages) {
      const i = nextMsg++;
      const k = chatCase(i, user);
      const r = await postChat(base, user, k.body);
      chatMs.push(r.ms);
      if (r.status !== 200) {
        wrong.push(`chat ${i}: status ${r.status} ${r.body.slice(0, 200)}`);
        continue;
      }
      const a = JSON.parse(r.body) as ChatAnswer;
      if (k.shown === null) {
        if (a.allowed) wrong.push(`chat ${i}: "${k.body}" was not dropped`);
        continue;
      }
      accepted++;
      if (!a.allowed || a.message?.body !== k.shown) wrong.push(`chat ${i}: "${k.body}" became ${JSON.stringify(a.message?.body ?? a)}`);
      const pf = a.trace.filters.find((f) => f.slug === 'profanity-filter');
      if (!pf || pf.action === 'error') wrong.push(`chat ${i}: profanity-filter ${pf ? `failed: ${pf.error}` : 'did not run'}`);
      for (const slug of NOTIFIED) {
        const n = a.trace.notified.find((x) => x.slug === slug);
        if (!n?.ok) wrong.push(`chat ${i}: ${slug} ${n ? `failed: ${n.error}` : 'was not notified'}`);
      }
    }
    chatEnd = performance.now();
  });
  const fetchers = Array.from({ length: opts.clients }, async () => {
    while (nextReq < opts.requests) {
      const i = nextReq++;
      const path = i % 2 === 0 ? '/plugins/chat-overlay/stats' : '/plugins/chat-overlay/overlay.html';
      const r = await http(base + path);
      httpMs.push(r.ms);
      if (r.status === 504 && i % 2 === 0) timeouts++;
      else if (r.status !== 200) wrong.push(`GET ${path}: ${r.status} ${r.body.slice(0, 200)}`);
      else if (i % 2 === 0 && typeof (JSON.parse(r.body) as { count?: unknown }).count !== 'number') wrong.push(`GET ${path}: ${r.body.slice(0, 200)}`);
      else if (i % 2 === 1 && !r.body.includes('<')) wrong.push(`GET ${path}: not the page`);
    }
    httpEnd = performance.now();
  });
  await Promise.all([...chatters, ...fetchers]);
  return {
    chat: { messages: opts.messages, ...rateAndLatency(opts.messages, chatEnd - started, chatMs) },
    http: { requests: opts.requests, ...rateAndLatency(opts.requests, httpEnd - started, httpMs) },
    wrong,
    timeouts,
    accepted,
    seconds: (performance.now() - started) / 1000,
  };
}

/** After a load: echo-bot still answers, and the counters counted every accepted message. */
export async function wellBehavedState(base: string, tag: string): Promise<{ echo: string | undefined; total: number; overlay: number; statuses: Record<string, string> }> {
  const user = `${tag}-final`;
  await postChat(base, user, `!echo final ${tag}`);
  const history = JSON.parse((await http(`${base}/_dev/chat`)).body) as { messages: { body: string }[] };
  const echo = history.messages.map((m) => m.body).find((b) => b === `${user} said: final ${tag}`);
  const kv = JSON.parse((await http(`${base}/_dev/plugins/message-counter/kv`)).body) as { entries: { key: string; value: string }[] };
  const total = Number(kv.entries.find((e) => e.key === 'total')?.value ?? 0);
  const overlay = Number((JSON.parse((await http(`${base}/plugins/chat-overlay/stats`)).body) as { count: number }).count);
  return { echo, total, overlay, statuses: await statuses(base) };
}

export async function statuses(base: string): Promise<Record<string, string>> {
  const list = JSON.parse((await http(`${base}/_dev/plugins`)).body) as { plugins: { slug: string; status: string }[] };
  return Object.fromEntries(list.plugins.map((p) => [p.slug, p.status]));
}

// ---- the attack ---------------------------------------------------------------------------

/** A server that answers after `delayMs` (slowpoke's upstream). */
export async function slowUpstream(delayMs: number): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    const t = setTimeout(() => res.end('late'), delayMs);
    res.on('close', () => clearTimeout(t));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export interface SseHold {
  opened: number;
  refused: number;
  /** Bytes the held clients read (they read almost nothing: paused). */
  close(): void;
}

/** `count` SSE connections to sse-blaster's flood channel, held open and never read. */
export async function holdSse(base: string, count: number): Promise<SseHold> {
  const sseAgent = new Agent({ keepAlive: false, maxSockets: Infinity });
  const held: IncomingMessage[] = [];
  let refused = 0;
  await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((resolve) => {
          const req = request(`${base}/plugins/sse-blaster/_sse/flood`, { agent: sseAgent }, (res) => {
            if (res.statusCode === 200) {
              res.pause(); // a client that never reads
              held.push(res);
            } else {
              refused++;
              res.resume();
            }
            resolve();
          });
          req.on('error', () => {
            refused++;
            resolve();
          });
          req.end();
        }),
    ),
  );
  return {
    opened: held.length,
    refused,
    close() {
      for (const res of held) res.destroy();
      sseAgent.destroy();
    },
  };
}

export interface AttackOptions {
  /** Ping-pong storms (each a hit with fan 3: up to 1 000 deliveries). */
  storms: number;
  /** Requests to slowpoke's /upstream (each waits on the slow upstream). */
  upstreamCalls: number;
  /** Requests to slowpoke's /burn (each spins through the 5 s HTTP budget). */
  burns: number;
  upstreamPort: number;
}

export interface AttackRecord {
  seconds: number;
  /** Each hostile request and its status, by plugin. */
  answers: Record<string, number[]>;
  stormMs: number[];
  /** safeguard-stress's own step in each trigger's answer: "filter error: ...", "notify ok", ... */
  safeguard: string[];
  upstreamMs: number[];
  burnMs: number[];
}

/**
 * Everything hostile at once, in four concurrent strands: chat triggers (safeguard-stress's
 * misbehaviours; every chat message also meets spinner's and flooder's filters), hooks through
 * /_dev/event (flood, hog, recursion, the timer bomb, sse-blaster), emit storms, and slow or
 * failing HTTP (hog's handler, slowpoke).
 */
export async function attack(base: string, opts: AttackOptions): Promise<AttackRecord> {
  const answers: Record<string, number[]> = {};
  const note = (slug: string, r: Answer) => (answers[slug] ??= []).push(r.status);
  const rec: AttackRecord = { seconds: 0, answers, stormMs: [], safeguard: [], upstreamMs: [], burnMs: [] };
  const started = performance.now();
  const chat = async () => {
    for (const what of ['notify flood', 'notify alloc', 'notify recurse', 'notify timers', 'filter huge', 'filter spin', 'filter spin', 'filter spin', 'filter spin', 'filter spin']) {
      const r = await postChat(base, 'mallory', `stress ${what}`);
      note('safeguard-stress', r);
      const trace = r.status === 200 ? (JSON.parse(r.body) as ChatAnswer).trace : null;
      const step = what.startsWith('filter')
        ? trace?.filters.find((f) => f.slug === 'safeguard-stress')
        : trace?.notified.find((n) => n.slug === 'safeguard-stress');
      const failed = step && ('action' in step ? step.action === 'error' : !step.ok);
      rec.safeguard.push(`${what}: ${!step ? 'not called' : failed ? `failed: ${step.error}` : 'ok'}`);
    }
  };
  const hooks = async () => {
    note('sse-blaster', await postEvent(base, 'sse-blaster.start'));
    note('timer-bomb', await postEvent(base, 'timer-bomb.arm'));
    note('flooder', await postEvent(base, 'flooder.flood'));
    for (let i = 0; i < 2; i++) note('hog', await postEvent(base, 'hog.hog'));
    for (const hook of ['recurse', 'parse', 'stringify', 'recurse', 'parse']) note('recurser', await postEvent(base, `recurser.${hook}`));
    // let the 64 intervals run a while, then make each of them throw
    await new Promise((r) => setTimeout(r, 500));
    note('timer-bomb', await postEvent(base, 'timer-bomb.explode'));
  };
  const storms = async () => {
    for (let i = 0; i < opts.storms; i++) {
      const r = await postEvent(base, 'ping.hit', { n: 0, fan: 3 });
      rec.stormMs.push(r.ms);
      note('ping', r);
    }
  };
  const slowHttp = async () => {
    for (let i = 0; i < 5; i++) note('hog', await http(`${base}/plugins/hog/hoard`));
    for (let i = 0; i < opts.upstreamCalls; i++) {
      const r = await http(`${base}/plugins/slowpoke/upstream?port=${opts.upstreamPort}`);
      rec.upstreamMs.push(r.ms);
      note('slowpoke', r);
    }
    for (let i = 0; i < opts.burns; i++) {
      const r = await http(`${base}/plugins/slowpoke/burn`);
      rec.burnMs.push(r.ms);
      note('slowpoke', r);
    }
  };
  await Promise.all([chat(), hooks(), storms(), slowHttp()]);
  rec.seconds = (performance.now() - started) / 1000;
  return rec;
}

/** Waits until `check` holds (polling), or the ceiling passes; returns whether it held. */
export async function waitUntil(check: () => boolean | Promise<boolean>, ceilingMs: number): Promise<boolean> {
  const end = Date.now() + ceilingMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

/** Strikes the well-behaved plugins took (there must be none). */
export function wellBehavedStrikes(arena: ServeArena): Record<string, number> {
  return Object.fromEntries(WELL_BEHAVED.map((slug) => [slug, arena.feed.strikes.get(slug)?.length ?? 0]));
}

/** Each hostile plugin: its status, how it was disabled, its strikes by path and a failure message. */
export function containment(arena: ServeArena, status: Record<string, string>) {
  return HOSTILE.map((slug) => {
    const strikes = arena.feed.strikes.get(slug) ?? [];
    const byPath: Record<string, number> = {};
    for (const s of strikes) byPath[s.path] = (byPath[s.path] ?? 0) + 1;
    return {
      slug,
      status: status[slug] ?? 'missing',
      /** The longest run of consecutive failures on one path that the feed saw. */
      maxConsecutive: Math.max(0, ...strikes.map((s) => s.count)),
      disabled: arena.feed.disabled.get(slug) ?? null,
      strikes: byPath,
      firstError: strikes[0]?.message ?? null,
      emitsDropped: arena.feed.emitsDropped.get(slug) ?? 0,
    };
  });
}
