// npx tsx bench/plugin-threads.bench.ts — what a plugin's own thread costs in `serve`
// (ThreadedHost: one host thread, one executor thread per plugin, issue 8): process RSS and
// OS threads with 0, 1, 5, 10 and 20 small plugins loaded (each has answered one chat
// message), and the round trip of a host call made from a plugin's thread (kv.get, answered by
// the host thread) against the same call in process (PluginHost, as test/simulate run plugins).
// Prints markdown.
import { readdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

import { ThreadedHost } from '../src/lib/host/threaded/index.js';
import { chatMessage, recordingHost } from '../test/helpers/host.js';

const sdk = 'const { definePlugin, owncast } = require("@owncast/plugin-sdk");';
const plugin = (slug: string) => ({
  manifestJson: JSON.stringify({ api: '1', name: slug, slug, version: '1.0.0', permissions: ['chat.send', 'storage.kv'] }),
  script: `${sdk} definePlugin({
    onChatMessage(m) { if (m.body === "${slug}") owncast.chat.send("seen"); },
    on: { kv(p) { const t = Date.now(); for (let i = 0; i < p.n; i++) owncast.kv.get("k"); console.log("kv " + (Date.now() - t)); } },
  });`,
});

const threads = () => readdirSync('/proc/self/task').length;
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
const settle = () => new Promise((resolve) => setTimeout(resolve, 1_000));

async function memory(): Promise<{ n: number; rss: number; threads: number }[]> {
  const rows: { n: number; rss: number; threads: number }[] = [];
  const host = new ThreadedHost({});
  try {
    await host.ready();
    await settle();
    rows.push({ n: 0, rss: process.memoryUsage().rss, threads: threads() });
    let loaded = 0;
    for (const n of [1, 5, 10, 20]) {
      for (; loaded < n; loaded++) await host.load(plugin(`p${loaded}`));
      await host.dispatchChatMessage(chatMessage('hello'));
      await settle();
      rows.push({ n, rss: process.memoryUsage().rss, threads: threads() });
    }
  } finally {
    await host.close();
  }
  return rows;
}

/** Milliseconds per kv.get, measured inside the plugin over `n` calls. */
async function hostCallMs(n: number): Promise<{ threaded: number; inProcess: number }> {
  const timings: Record<string, number> = {};
  const threaded = new ThreadedHost({ onLog: (l) => void (l.kind === 'plugin' && l.message.startsWith('kv ') && (timings.threaded = Number(l.message.slice(3)))) });
  try {
    await threaded.load(plugin('timed'));
    await threaded.dispatch('timed.kv', { n: 100 }); // warm
    await threaded.dispatch('timed.kv', { n });
  } finally {
    await threaded.close();
  }
  const { host: here, rec } = recordingHost();
  try {
    await here.load(plugin('timed'));
    await here.dispatch('timed.kv', { n: 100 });
    await here.dispatch('timed.kv', { n });
    const line = rec.logs.filter((l) => l.message.startsWith('kv ')).at(-1);
    timings.inProcess = Number(line?.message.slice(3));
  } finally {
    await here.close();
  }
  return { threaded: timings.threaded! / n, inProcess: timings.inProcess! / n };
}

const rows = await memory();
const calls = await hostCallMs(2_000);
const [l1, l5] = loadavg();
console.log(`${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim()}, load average ${l1!.toFixed(1)} / ${l5!.toFixed(1)}`);
console.log('Command: `npx tsx bench/plugin-threads.bench.ts`\n');
console.log('| plugins | RSS | OS threads | per plugin, from 0 |');
console.log('|---:|---:|---:|---:|');
const base = rows[0]!;
for (const r of rows) {
  const per = r.n === 0 ? '' : `${mib((r.rss - base.rss) / r.n)} MiB, ${((r.threads - base.threads) / r.n).toFixed(1)} threads`;
  console.log(`| ${r.n} | ${mib(r.rss)} MiB | ${r.threads} | ${per} |`);
}
console.log(`\nkv.get from a plugin: ${(calls.threaded * 1000).toFixed(0)} µs per call from its own thread (answered by the host thread), ${(calls.inProcess * 1000).toFixed(1)} µs in process (2 000 calls each).`);
