// npx tsx bench/host.bench.ts — the host runtime under a chat stream: messages per second and
// latency per message through 3 filter plugins and 4 notification plugins (the execution model
// of `test` and `simulate`: plugins on the main thread), beside the same pipeline as plain JS
// functions; memory per loaded plugin; time to load 50 plugins. Prints a markdown section.
import { createRecordingEnv } from '../src/lib/host/env/index.js';
import { loadEngineModule } from '../src/lib/host/engine-module.js';
import { PluginHost, type PluginSource } from '../src/lib/host/host.js';

const quick = process.argv.includes('--quick');
const MESSAGES = quick ? 2000 : 20000;

const manifest = (slug: string, permissions: string[]) =>
  JSON.stringify({ api: '1', name: slug, slug, version: '1.0.0', permissions });

const FILTERS: PluginSource[] = [
  {
    manifestJson: manifest('bench-profanity', ['chat.filter']),
    script: `const { definePlugin, filter } = require("@owncast/plugin-sdk");
      const banned = /\\b(darn|heck)\\b/gi;
      definePlugin({ filterPriority: 10, filterChatMessage(m) {
        return banned.test(m.body) ? filter.modify({ ...m, body: m.body.replace(banned, "****") }) : filter.pass(); } });`,
  },
  {
    manifestJson: manifest('bench-links', ['chat.filter']),
    script: `const { definePlugin, filter } = require("@owncast/plugin-sdk");
      definePlugin({ filterPriority: 20, filterChatMessage(m) {
        return /https?:\\/\\//.test(m.body) && !(m.user && m.user.scopes && m.user.scopes.includes("MODERATOR"))
          ? filter.drop("links are for moderators") : filter.pass(); } });`,
  },
  {
    manifestJson: manifest('bench-caps', ['chat.filter']),
    script: `const { definePlugin, filter } = require("@owncast/plugin-sdk");
      definePlugin({ filterPriority: 30, filterChatMessage(m) {
        const letters = m.body.replace(/[^A-Za-z]/g, "");
        return letters.length > 8 && letters === letters.toUpperCase() ? filter.modify({ ...m, body: m.body.toLowerCase() }) : filter.pass(); } });`,
  },
];

const NOTIFIERS: PluginSource[] = [
  {
    manifestJson: manifest('bench-counter', ['storage.kv']),
    script: `const { definePlugin, owncast } = require("@owncast/plugin-sdk");
      let n = 0;
      definePlugin({ onChatMessage() { n++; if (n % 100 === 0) owncast.kv.set("count", String(n)); } });`,
  },
  {
    manifestJson: manifest('bench-echo', ['chat.send']),
    script: `const { definePlugin, owncast } = require("@owncast/plugin-sdk");
      definePlugin({ onChatMessage(m) { if (m.body.startsWith("!echo ")) owncast.chat.send(m.body.slice(6)); } });`,
  },
  {
    manifestJson: manifest('bench-words', []),
    script: `const { definePlugin } = require("@owncast/plugin-sdk");
      const words = new Map();
      definePlugin({ onChatMessage(m) { for (const w of m.body.toLowerCase().split(/\\s+/)) words.set(w, (words.get(w) || 0) + 1); } });`,
  },
  {
    manifestJson: manifest('bench-users', []),
    script: `const { definePlugin } = require("@owncast/plugin-sdk");
      const seen = new Set();
      definePlugin({ onChatMessage(m) { if (m.user) seen.add(m.user.id); } });`,
  },
];

const BODIES = ['hello everyone', 'what the heck', '!echo hi there', 'THIS IS SO LOUD RIGHT NOW', 'see https://example.com', 'gg wp'];
const message = (i: number) => ({
  id: `m${i}`,
  body: BODIES[i % BODIES.length],
  user: { id: `u${i % 50}`, displayName: `viewer${i % 50}`, scopes: [] },
  timestamp: new Date(1_764_000_000_000 + i * 1000).toISOString(),
});

// The same seven behaviours as plain functions, run the same way: filters in order, then notifications.
function plainPipeline() {
  const banned = /\b(darn|heck)\b/gi;
  let n = 0;
  const words = new Map<string, number>();
  const seen = new Set<string>();
  const sent: string[] = [];
  type Msg = ReturnType<typeof message>;
  const filters: ((m: Msg) => { action: string; payload?: Msg })[] = [
    (m) => (banned.test(m.body) ? { action: 'modify', payload: { ...m, body: m.body.replace(banned, '****') } } : { action: 'pass' }),
    (m) => (/https?:\/\//.test(m.body) ? { action: 'drop' } : { action: 'pass' }),
    (m) => {
      const letters = m.body.replace(/[^A-Za-z]/g, '');
      return letters.length > 8 && letters === letters.toUpperCase() ? { action: 'modify', payload: { ...m, body: m.body.toLowerCase() } } : { action: 'pass' };
    },
  ];
  const notifiers: ((m: Msg) => void)[] = [
    () => void n++,
    (m) => {
      if (m.body.startsWith('!echo ')) sent.push(m.body.slice(6));
    },
    (m) => {
      for (const w of m.body.toLowerCase().split(/\s+/)) words.set(w, (words.get(w) ?? 0) + 1);
    },
    (m) => void seen.add(m.user.id),
  ];
  return async (input: string) => {
    // the host passes JSON across the boundary; so does the baseline
    let m = JSON.parse(input) as Msg;
    for (const f of filters) {
      const r = JSON.parse(JSON.stringify(f(m)));
      if (r.action === 'drop') return;
      if (r.action === 'modify') m = r.payload;
    }
    await Promise.all(notifiers.map(async (fn) => fn(JSON.parse(JSON.stringify(m)))));
  };
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

  const run = async (fn: (i: number) => Promise<unknown>) => {
    for (let i = 0; i < 500; i++) await fn(i);
    const samples: number[] = [];
    const start = performance.now();
    for (let i = 0; i < MESSAGES; i++) {
      const t = performance.now();
      await fn(i);
      samples.push(performance.now() - t);
    }
    return summarize(samples, performance.now() - start);
  };
  const wasm = await run((i) => host.dispatchChatMessage(message(i)));
  const plain = plainPipeline();
  const baseline = await run((i) => plain(JSON.stringify(message(i))));
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
    `Produced by \`npm run bench\` (bench/host.bench.ts), ${MESSAGES} messages, one at a time, through \`PluginHost.dispatchChatMessage\` (filters in priority order, then the four notifications, then commands) with plugins on the main thread: the execution model of \`test\` and \`simulate\`. \`serve\` moves plugin calls off its HTTP thread and is measured with it.`,
    '',
    '| measure | result | baseline / target |',
    '| --- | --- | --- |',
    `| messages per second | ${wasm.perSec} | plain JS functions ${baseline.perSec}; target ≥ 5 000 (stretch 10 000) |`,
    `| per message, p50 / p99 | ${(wasm.p50 * 1000).toFixed(0)} µs / ${(wasm.p99 * 1000).toFixed(0)} µs | plain JS ${(baseline.p50 * 1000).toFixed(1)} µs / ${(baseline.p99 * 1000).toFixed(1)} µs; target p99 ≤ 2 ms |`,
    `| memory per loaded plugin: wasm linear memory | ${(linear / 1024 / 1024).toFixed(1)} MiB | process RSS growth per plugin: ${(perPluginRss / 1024 / 1024).toFixed(1)} MiB over 50, ${(Math.max(0, memPer7.rss - memBefore.rss) / 7 / 1024 / 1024).toFixed(1)} MiB over the first 7 |`,
    `| time to load 50 plugins | ${load50.toFixed(0)} ms (${(load50 / 50).toFixed(1)} ms each) | |`,
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

await main();
