// npx tsx bench/host.bench.ts — the host runtime under a chat stream: messages per second and
// latency per message through 3 filter plugins and 4 notification plugins, in both execution
// models (DESIGN §2.1): plugins on the main thread (`test`, `simulate`) and plugins in a worker
// thread behind ThreadedHost (`serve`), beside the same pipeline as plain JS functions; memory
// per loaded plugin; time to load 50 plugins. Prints a markdown section.
import { createRecordingEnv } from '../src/lib/host/env/index.js';
import { loadEngineModule } from '../src/lib/host/engine-module.js';
import { PluginHost } from '../src/lib/host/host.js';
import { ThreadedHost } from '../src/lib/host/threaded/index.js';
import { FILTERS, NOTIFIERS, manifest, message, plainPipeline } from './chat-pipeline.js';

const quick = process.argv.includes('--quick');
const MESSAGES = quick ? 2000 : 20000;
/** The two models are measured in alternating rounds: the shared machine drifts over a run. */
const ROUNDS = 4;
const WARMUP = 500;

type Send = (i: number) => Promise<unknown>;

/** Times messages [from, from + count) one at a time, adding to `into`. */
async function timed(send: Send, from: number, count: number, into: { samples: number[]; ms: number }): Promise<void> {
  const start = performance.now();
  for (let i = from; i < from + count; i++) {
    const t = performance.now();
    await send(i);
    into.samples.push(performance.now() - t);
  }
  into.ms += performance.now() - start;
}

/** Each sender warmed up, then MESSAGES each in ROUNDS alternating rounds (who goes first alternates too). */
async function interleaved(senders: Send[]): Promise<ReturnType<typeof summarize>[]> {
  for (const send of senders) for (let i = 0; i < WARMUP; i++) await send(i);
  const results = senders.map(() => ({ samples: [] as number[], ms: 0 }));
  const perRound = MESSAGES / ROUNDS;
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? senders.map((_, k) => k) : senders.map((_, k) => senders.length - 1 - k);
    for (const k of order) await timed(senders[k], round * perRound, perRound, results[k]);
  }
  return results.map((r) => summarize(r.samples, r.ms));
}

function summarize(samples: number[], totalMs: number) {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { perSec: Math.round((samples.length / totalMs) * 1000), p50: q(0.5), p99: q(0.99) };
}

async function main() {
  await loadEngineModule();
  const host = new PluginHost({ env: createRecordingEnv(), log: { warn() {}, plugin() {} } });
  const memBefore = process.memoryUsage();
  for (const p of [...FILTERS, ...NOTIFIERS]) await host.load(p);
  const memPer7 = process.memoryUsage();

  // serve's model: the same seven plugins in a worker thread, each message posted to it and its
  // report posted back; the dev env's printed lines come back as log messages, as in serve
  const threaded = new ThreadedHost({ onLog() {} });
  let wasm: ReturnType<typeof summarize>;
  let served: ReturnType<typeof summarize>;
  try {
    for (const p of [...FILTERS, ...NOTIFIERS]) await threaded.load(p);
    [wasm, served] = await interleaved([(i) => host.dispatchChatMessage(message(i)), (i) => threaded.dispatchChatMessage(message(i))]);
  } finally {
    await threaded.close();
  }
  const plain = plainPipeline();
  const [baseline] = await interleaved([(i) => plain(JSON.stringify(message(i)))]);
  await host.close();

  // loading 50 plugins (the same script under 50 slugs) into a fresh host
  const many = new PluginHost({ env: createRecordingEnv(), log: { warn() {}, plugin() {} } });
  const before50 = process.memoryUsage();
  const t50 = performance.now();
  for (let i = 0; i < 50; i++) {
    await many.load({ manifestJson: manifest(`bench-many-${i}`, ['chat.send']), script: NOTIFIERS[1].script });
  }
  const load50 = performance.now() - t50;
  const after50 = process.memoryUsage();
  // each instance's own wasm linear memory: what a loaded plugin holds (RSS moves with GC too)
  const linear = many.plugins.reduce((n, p) => n + p.instance.memoryBytes, 0) / many.plugins.length;
  await many.close();

  const perPluginRss = Math.max(0, after50.rss - before50.rss) / 50;
  const lines = [
    '## Host runtime: a chat stream through 3 filters and 4 notification plugins',
    '',
    `Produced by \`npm run bench\` (bench/host.bench.ts), ${MESSAGES} messages, one at a time, through \`PluginHost.dispatchChatMessage\` (filters in priority order, then the four notifications, then commands) with plugins on the main thread: the execution model of \`test\` and \`simulate\`. The \`serve\` rows run the same plugins in a worker thread behind \`ThreadedHost\` (src/lib/host/threaded/), timed from the main thread: each message is posted to the worker and its report posted back. The two models are timed in ${ROUNDS} alternating rounds in the same process.`,
    '',
    '| measure | result | baseline / target |',
    '| --- | --- | --- |',
    `| messages per second | ${wasm.perSec} | plain JS functions ${baseline.perSec}; target ≥ 5 000 (stretch 10 000) |`,
    `| per message, p50 / p99 | ${(wasm.p50 * 1000).toFixed(0)} µs / ${(wasm.p99 * 1000).toFixed(0)} µs | plain JS ${(baseline.p50 * 1000).toFixed(1)} µs / ${(baseline.p99 * 1000).toFixed(1)} µs; target p99 ≤ 2 ms |`,
    `| serve (plugins in a worker thread): messages per second | ${served.perSec} | main thread, same run: ${wasm.perSec} |`,
    `| serve: per message, p50 / p99 | ${(served.p50 * 1000).toFixed(0)} µs / ${(served.p99 * 1000).toFixed(0)} µs | main thread, same run: ${(wasm.p50 * 1000).toFixed(0)} µs / ${(wasm.p99 * 1000).toFixed(0)} µs |`,
    `| memory per loaded plugin: wasm linear memory | ${(linear / 1024 / 1024).toFixed(1)} MiB | process RSS growth per plugin: ${(perPluginRss / 1024 / 1024).toFixed(1)} MiB over 50, ${(Math.max(0, memPer7.rss - memBefore.rss) / 7 / 1024 / 1024).toFixed(1)} MiB over the first 7 |`,
    `| time to load 50 plugins | ${load50.toFixed(0)} ms (${(load50 / 50).toFixed(1)} ms each) | |`,
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

await main();
