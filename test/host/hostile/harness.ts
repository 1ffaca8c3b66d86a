// The arena for hostile plugins: a PluginHost with the three well-behaved fixtures (masker,
// counter, replier) and the hostile ones beside them, all built by our compiler and run in the
// real engine; the checks that the well-behaved three still answer correctly; and the chat
// throughput measurement the tests and bench/hostile.bench.ts share.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { PluginHost, PluginHostOptions } from '../../../src/lib/host/host.js';
import { buildSource, chatMessage, recordingHost, type LoadedPlugin, type Recorded } from '../../helpers/host.js';

export const FIXTURES = join(import.meta.dirname, 'fixtures');
export const WELL_BEHAVED = ['masker', 'counter', 'replier'] as const;

export interface Arena {
  host: PluginHost;
  rec: Recorded;
  /** The data directory the host stores plugin files under (storage.fs: <dataDir>/<slug>/files). */
  dataDir: string;
  /** The hostile plugins, by slug. */
  hostile: Record<string, LoadedPlugin>;
  /** Warnings from this index on. */
  warningsSince(index: number): string[];
  close(): Promise<void>;
}

/**
 * A host on a fresh data dir with the well-behaved three loaded first, then `hostile`.
 * `beforeLoad` runs once the data dir exists (to plant files before a plugin sees them).
 */
export async function arena(
  hostile: readonly string[],
  options: Partial<PluginHostOptions> & { beforeLoad?(dataDir: string): Promise<void> | void } = {},
): Promise<Arena> {
  const { beforeLoad, ...hostOptions } = options;
  const dataDir = await mkdtemp(join(tmpdir(), 'ocp-hostile-'));
  await beforeLoad?.(dataDir);
  const { host, rec } = recordingHost({ dataDir, ...hostOptions });
  const loaded: Record<string, LoadedPlugin> = {};
  try {
    for (const name of WELL_BEHAVED) await host.load(await buildSource(join(FIXTURES, name), 'js'));
    for (const name of hostile) loaded[name] = await host.load(await buildSource(join(FIXTURES, name), 'js'));
  } catch (err) {
    await host.close();
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    host,
    rec,
    dataDir,
    hostile: loaded,
    warningsSince: (index) => rec.warnings.slice(index),
    async close() {
      await host.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface WellBehavedResult {
  /** The body after the filter chain of "darn it <tag>". */
  masked: unknown;
  /** How much counter's KV count grew over the three messages. */
  counted: number;
  /** What replier answered to "!ping <tag>". */
  replies: string[];
  /** Every plugin that failed on the way (filters, notifications, commands). */
  failures: string[];
}

/** Three chat messages through the whole pipeline: a word to mask, a plain line, a command. */
export async function wellBehavedRound(host: PluginHost, rec: Recorded, tag: string): Promise<WellBehavedResult> {
  const before = Number(host.kv.get('counter', 'count') ?? '0');
  const chatBefore = rec.chat.length;
  const failures: string[] = [];
  const send = async (body: string) => {
    const report = await host.dispatchChatMessage(chatMessage(body));
    for (const f of report.filters) if (f.action === 'error') failures.push(`filter ${f.slug}`);
    for (const n of report.notified) if (!n.ok) failures.push(`notification ${n.slug}`);
    for (const c of report.commands) if (!c.ok) failures.push(`command ${c.slug}`);
    return report;
  };
  const masked = ((await send(`darn it ${tag}`)).payload as { body?: unknown }).body;
  await send(`just chatting ${tag}`);
  await send(`!ping ${tag}`);
  await host.dispatcher.idle();
  return {
    masked,
    counted: Number(host.kv.get('counter', 'count') ?? '0') - before,
    replies: rec.chat
      .slice(chatBefore)
      .filter((c) => c.slug === 'replier')
      .map((c) => c.text),
    failures,
  };
}

const BODIES = ['hello darn world', 'just chatting', '!ping rate'];

/** Chat messages per second through dispatchChatMessage, one after the other. */
export async function chatRate(host: PluginHost, messages: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < messages; i++) await host.dispatchChatMessage(chatMessage(BODIES[i % BODIES.length]!, { id: `r${i}` }));
  await host.dispatcher.idle();
  return messages / ((performance.now() - t0) / 1000);
}

/**
 * The clean rate (the three alone, on `clean`) and the rate beside the hostile plugin (on
 * `beside`), measured alternately so both see the same machine load; the best of `rounds`
 * of each, after a warm-up.
 */
export async function compareRates(
  clean: PluginHost,
  beside: PluginHost,
  opts: { messages: number; rounds: number; warmup?: number },
): Promise<{ clean: number; beside: number }> {
  const warmup = opts.warmup ?? Math.ceil(opts.messages / 5);
  await chatRate(clean, warmup);
  await chatRate(beside, warmup);
  let best = { clean: 0, beside: 0 };
  for (let i = 0; i < opts.rounds; i++) {
    // which goes first alternates too: the second of two runs tends to be the faster
    let c: number;
    let b: number;
    if (i % 2 === 0) {
      c = await chatRate(clean, opts.messages);
      b = await chatRate(beside, opts.messages);
    } else {
      b = await chatRate(beside, opts.messages);
      c = await chatRate(clean, opts.messages);
    }
    best = { clean: Math.max(best.clean, c), beside: Math.max(best.beside, b) };
  }
  return best;
}

/** Runs `work`, timing it; never rejects. */
export async function timed<T>(work: () => Promise<T>): Promise<{ ms: number } & ({ ok: true; value: T } | { ok: false; error: unknown })> {
  const t0 = performance.now();
  try {
    const value = await work();
    return { ms: performance.now() - t0, ok: true, value };
  } catch (error) {
    return { ms: performance.now() - t0, ok: false, error };
  }
}

/** Polls `done` every 20 ms until it holds or `ceilingMs` passes; the milliseconds it took, or null. */
export async function waitFor(done: () => boolean, ceilingMs: number): Promise<number | null> {
  const t0 = performance.now();
  while (!done()) {
    if (performance.now() - t0 > ceilingMs) return null;
    await new Promise((r) => setTimeout(r, 20));
  }
  return performance.now() - t0;
}

/** An on_http_request input as the HTTP server builds one. */
export function httpRequest(path: string, body = ''): string {
  return JSON.stringify({ method: body ? 'POST' : 'GET', path, query: {}, headers: {}, body, remoteAddr: '127.0.0.1', authenticated: false });
}

export { chatMessage };
