// A long soak of the host runtime on a fake clock: chat messages through a PluginHost (the
// dispatcher, real engine instances, KV in SQLite under a temp data dir, storage.sql) with
// several plugins that set timers, write KV, emit to each other, answer commands and tick, the
// clock advancing 50 ms per message. Host memory (process.memoryUsage after a full GC) and the
// engine instances' memory are sampled every so many events; `analyze` says whether anything
// grew. Shared by test/host/soak/soak.test.ts (20 000 events) and bench/soak.ts (npm run soak).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { ManualScheduler } from '../../../src/lib/host/dispatch/index.js';
import { createDevEnv } from '../../../src/lib/host/env/index.js';
import { PluginHost, type LoadedPlugin } from '../../../src/lib/host/host.js';
import { buildSource } from '../../helpers/host.js';

const EXAMPLES = join(import.meta.dirname, '..', '..', '..', 'examples');
const FIXTURES = join(import.meta.dirname, 'fixtures');

/** The plugins soaked: four examples (a filter, a bot, a KV counter, an SQL + KV + SSE overlay, a timer bot) and two fixtures. */
export const SOAK_PLUGINS = [
  join(EXAMPLES, 'profanity-filter'),
  join(EXAMPLES, 'echo-bot'),
  join(EXAMPLES, 'message-counter'),
  join(EXAMPLES, 'chat-overlay'),
  join(EXAMPLES, 'timer-bot'),
  join(FIXTURES, 'churn'),
  join(FIXTURES, 'churn-sink'),
];

export const STEP_MS = 50;
const USERS = 200;

export interface Sample {
  events: number;
  messages: number;
  heapUsed: number;
  rss: number;
  external: number;
  arrayBuffers: number;
  /** Wasm memory of every engine instance, summed. */
  engine: number;
  /** The same, by plugin. */
  engineBySlug: Record<string, number>;
  /** Timers pending in the dispatcher, all plugins. */
  timers: number;
}

export interface SoakResult {
  events: number;
  messages: number;
  /** Events by kind: chat messages, timer fires, emits, ticks. */
  byKind: Record<string, number>;
  seconds: number;
  samples: Sample[];
  strikes: number;
  /** The first few strikes' messages (a call over its budget on a busy machine, say). */
  strikeMessages: string[];
  disabled: string[];
  warnings: number;
  /** Instance recreations (memory threshold, traps) over the run, by plugin. */
  recreations: Record<string, number>;
}

/** A full GC, when this process can do one (node --expose-gc, or the flag set at run time). */
export function gcFunction(): (() => void) | null {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return null;
  }
}

/**
 * Runs chat messages through the host until `events` events were dispatched (chat messages,
 * timer fires, emits and ticks), sampling memory `samples` times.
 */
export async function soak(opts: { events: number; samples?: number; onSample?(s: Sample): void }): Promise<SoakResult> {
  const gc = gcFunction();
  const dataDir = await mkdtemp(join(tmpdir(), 'ocp-soak-'));
  const scheduler = new ManualScheduler(Date.UTC(2026, 0, 1));
  const byKind: Record<string, number> = { chat: 0, timer: 0, emit: 0, tick: 0 };
  let strikes = 0;
  const strikeMessages: string[] = [];
  let warnings = 0;
  const disabled: string[] = [];
  const env = createDevEnv(() => undefined, { now: () => scheduler.now() });
  const host = new PluginHost({
    env,
    log: { warn: (m) => { if (warnings++ < 3 && process.env.SOAK_DEBUG) console.error(m); }, plugin: () => undefined },
    dataDir,
    clock: { now: () => scheduler.now() },
    scheduler,
    tick: true,
    onActivity: (a) => {
      if (a.type === 'timer') byKind.timer!++;
      else if (a.type === 'emit') byKind.emit!++;
      else if (a.type === 'strike') {
        strikes++;
        if (strikeMessages.length < 5) strikeMessages.push(`${a.slug} (${a.path}): ${a.message}`);
      }
      else if (a.type === 'disabled') disabled.push(a.slug);
    },
  });
  const plugins: LoadedPlugin[] = [];
  try {
    for (const dir of SOAK_PLUGINS) plugins.push(await host.load(await buildSource(dir, 'js')));
    await host.dispatch('stream.started', {});
    await host.dispatch('churn.start', {});
    const total = () => byKind.chat! + byKind.timer! + byKind.emit! + byKind.tick!;
    const every = Math.max(1, Math.floor(opts.events / (opts.samples ?? 100)));
    const samples: Sample[] = [];
    let nextSample = 0;
    const started = performance.now();
    let i = 0;
    while (total() < opts.events) {
      if (total() >= nextSample) {
        gc?.();
        const m = process.memoryUsage();
        const s: Sample = {
          events: total(),
          messages: byKind.chat!,
          heapUsed: m.heapUsed,
          rss: m.rss,
          external: m.external,
          arrayBuffers: m.arrayBuffers,
          engine: plugins.reduce((sum, p) => sum + p.instance.memoryBytes, 0),
          engineBySlug: Object.fromEntries(plugins.map((p) => [p.slug, p.instance.memoryBytes])),
          timers: plugins.reduce((sum, p) => sum + host.dispatcher.timers.pending(p.slug), 0),
        };
        samples.push(s);
        opts.onSample?.(s);
        nextSample += every;
      }
      const user = i % USERS;
      await host.dispatchChatMessage({
        id: `soak-${i}`,
        body: body(i),
        user: { id: `u${user}`, displayName: `viewer ${user}`, isAuthenticated: true, scopes: user === 0 ? ['MODERATOR'] : [] },
        timestamp: new Date(scheduler.now()).toISOString(),
      });
      byKind.chat!++;
      const before = scheduler.now();
      await scheduler.advance(STEP_MS);
      // tick fires once a second of fake time
      byKind.tick! += Math.floor(scheduler.now() / 1000) - Math.floor(before / 1000);
      i++;
    }
    await host.dispatcher.idle();
    return {
      events: total(),
      messages: byKind.chat!,
      byKind,
      seconds: (performance.now() - started) / 1000,
      samples,
      strikes,
      strikeMessages,
      disabled,
      warnings,
      recreations: Object.fromEntries(plugins.map((p) => [p.slug, p.instance.recreations])),
    };
  } finally {
    await host.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** What viewers say: masked words, echo requests, reminders, !help, plain chat. */
function body(i: number): string {
  if (i % 97 === 0) return `!remind 1 stretch ${i}`;
  if (i % 89 === 0) return '!help';
  switch (i % 5) {
    case 0:
      return `that darn thing ${i}`;
    case 1:
      return `!echo hello ${i}`;
    case 2:
      return 'HECK NO'; // dropped
    default:
      return `just chatting ${i}`;
  }
}

// ---- analysis ---------------------------------------------------------------------------

export type Metric = 'heapUsed' | 'rss' | 'external' | 'arrayBuffers' | 'engine';
export const METRICS: Metric[] = ['heapUsed', 'rss', 'external', 'arrayBuffers', 'engine'];

export interface Trend {
  /** Median of the second quarter of samples (the first is warm-up). */
  q2: number;
  /** Median of the last quarter. */
  q4: number;
  /** Least-squares slope over the last three quarters, in bytes per event. */
  bytesPerEvent: number;
  /** That slope over a million events, in bytes. */
  perMillion: number;
  min: number;
  max: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : 0;
};

export function trend(samples: Sample[], metric: Metric): Trend {
  const n = samples.length;
  const q = Math.max(1, Math.floor(n / 4));
  const second = samples.slice(q, 2 * q);
  const last = samples.slice(n - q);
  const tail = samples.slice(q);
  const xs = tail.map((s) => s.events);
  const ys = tail.map((s) => s[metric]);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let k = 0; k < xs.length; k++) {
    num += (xs[k]! - mx) * (ys[k]! - my);
    den += (xs[k]! - mx) ** 2;
  }
  const slope = den === 0 ? 0 : num / den;
  const values = samples.map((s) => s[metric]);
  return { q2: median(second.map((s) => s[metric])), q4: median(last.map((s) => s[metric])), bytesPerEvent: slope, perMillion: slope * 1e6, min: Math.min(...values), max: Math.max(...values) };
}

const MiB = 2 ** 20;
export const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;

/** The markdown summary of a soak. */
export function summary(r: SoakResult, command: string): string {
  const lines = [
    `## Memory soak: ${r.events.toLocaleString('en-US')} events on a fake clock (\`${command}\`)`,
    '',
    `${new Date().toISOString().slice(0, 10)}, Node ${process.version}. One PluginHost (real engine instances, KV and storage.sql in SQLite under a temp dir, the dev env) with ` +
      'profanity-filter, echo-bot, message-counter, chat-overlay, timer-bot and two soak fixtures (churn: KV writes over rotating keys, ' +
      'one-shot timers, emits, eight 100 ms intervals and a 1 s one; churn-sink: KV, onward emits to nobody, chat posts). ' +
      `${r.messages.toLocaleString('en-US')} chat messages from ${USERS} viewers (masked words, !echo, dropped shouting, !remind, !help), the clock advancing ${STEP_MS} ms after each; ` +
      `events: ${Object.entries(r.byKind).map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`).join(', ')}. ` +
      `${Math.round(r.events / r.seconds).toLocaleString('en-US')} events/s (${r.seconds.toFixed(0)} s). Strikes ${r.strikes}, disabled ${r.disabled.length ? r.disabled.join(', ') : 'none'}, ` +
      `instance recreations ${Object.values(r.recreations).reduce((a, b) => a + b, 0)}. Memory sampled ${r.samples.length} times, each after a full GC.`,
    '',
    '| Measure | min | max | median, 2nd quarter | median, last quarter | last / 2nd | slope over the last ¾ (per 1M events) |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const m of METRICS) {
    const t = trend(r.samples, m);
    lines.push(`| ${m === 'engine' ? 'engine instances (wasm memory)' : m} | ${mib(t.min)} | ${mib(t.max)} | ${mib(t.q2)} | ${mib(t.q4)} | ${(t.q4 / t.q2).toFixed(3)} | ${t.perMillion >= 0 ? '+' : ''}${mib(t.perMillion)} |`);
  }
  const timers = r.samples.map((s) => s.timers);
  lines.push('');
  lines.push(`Pending timers across plugins: ${Math.min(...timers)}–${Math.max(...timers)}.`);
  if (r.strikes) lines.push(`Strikes (calls that failed; none in a row enough to disable): ${r.strikeMessages.join('; ')}${r.strikes > r.strikeMessages.length ? '; …' : ''}.`);
  return lines.join('\n');
}
