// npx tsx bench/serve.bench.ts — `serve` under load on loopback: requests per second and
// latency for a static file and for a plugin route, SSE fan-out to 64 clients, and whether the
// HTTP thread keeps answering while a plugin spins in its handler, waits on a slow upstream,
// or sits in a loop the engine cannot interrupt (a self-contained plugin.wasm without our
// interrupt handler: the watchdog ends its thread). Every load is a bounded number of requests.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request, Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createContext } from '../src/lib/context.js';
import { startDevServer, type DevServer } from '../src/lib/devserver/server.js';
import { stuckPluginWasm } from '../test/host/threaded/stuck-wasm.js';

const quick = process.argv.includes('--quick');
const REQUESTS = quick ? 1000 : 5000;
const CONCURRENCY = 16;
const SSE_CLIENTS = 64;
const SSE_EVENTS = quick ? 50 : 200;

const PLUGIN = `
import { definePlugin, owncast } from '@owncast/plugin-sdk';
definePlugin({
  onChatMessage(m) { owncast.sse.send('chat', '', m.body); },
  onHttpRequest(req) {
    if (req.path === '/hello') return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ hello: req.query.who ?? 'world' }) };
    if (req.path === '/spin') { for (;;) {} }
    if (req.path === '/slow') {
      const r = owncast.http.fetch('http://127.0.0.1:' + req.query.port + '/slow');
      return { status: 200, body: 'upstream said ' + r.status };
    }
    return { status: 404, body: 'no' };
  },
});`;

async function project(dir: string, slug: string, permissions: string[], source: string, extra: Record<string, unknown> = {}) {
  await mkdir(join(dir, 'src'), { recursive: true });
  await mkdir(join(dir, 'public'), { recursive: true });
  await writeFile(join(dir, 'plugin.manifest.json'), JSON.stringify({ api: '1', name: slug, slug, version: '1.0.0', permissions, ...extra }));
  await writeFile(join(dir, 'src', 'plugin.ts'), source);
  await writeFile(join(dir, 'public', 'index.html'), `<!doctype html><title>${slug}</title>${'<p>static page</p>'.repeat(100)}`);
}

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
function get(url: string): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function load(url: string, n = REQUESTS): Promise<{ rps: number; p50: number; p99: number; errors: number }> {
  const times: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < n) {
        next++;
        const r = await get(url);
        if (r.status !== 200) errors++;
        times.push(r.ms);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  return { rps: n / seconds, p50: times[Math.floor(times.length * 0.5)]!, p99: times[Math.floor(times.length * 0.99)]!, errors };
}

/** 64 SSE clients on one channel; each chat message becomes one event; time until all 64 have it. */
async function sseFanOut(server: DevServer): Promise<{ eventsPerSecond: number; p50: number; p99: number; delivered: number }> {
  const clients = await Promise.all(
    Array.from({ length: SSE_CLIENTS }, async () => {
      const res = await fetch(`${server.url}/plugins/bench/_sse/chat`);
      const reader = res.body!.getReader();
      return { reader, buf: '' };
    }),
  );
  const arrivals = new Map<string, number[]>();
  let delivered = 0;
  const readers = clients.map(async (c) => {
    const dec = new TextDecoder();
    for (;;) {
      const { value, done } = await c.reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      c.buf += dec.decode(value);
      let i;
      while ((i = c.buf.indexOf('\n\n')) >= 0) {
        const frame = c.buf.slice(0, i);
        c.buf = c.buf.slice(i + 2);
        const data = /^data: (m\d+)$/m.exec(frame)?.[1];
        if (data) {
          delivered++;
          arrivals.get(data)?.push(performance.now());
        }
      }
    }
  });
  const latencies: number[] = [];
  const started = performance.now();
  for (let i = 0; i < SSE_EVENTS; i++) {
    const id = `m${i}`;
    arrivals.set(id, []);
    const sent = performance.now();
    await fetch(`${server.url}/_dev/chat`, { method: 'POST', body: JSON.stringify({ user: 'bench', body: id }) });
    const end = Date.now() + 5000;
    while (arrivals.get(id)!.length < SSE_CLIENTS && Date.now() < end) await new Promise((r) => setImmediate(r));
    latencies.push(Math.max(...arrivals.get(id)!) - sent);
  }
  const seconds = (performance.now() - started) / 1000;
  for (const c of clients) await c.reader.cancel().catch(() => undefined);
  await Promise.all(readers);
  latencies.sort((a, b) => a - b);
  return { eventsPerSecond: SSE_EVENTS / seconds, p50: latencies[Math.floor(latencies.length * 0.5)]!, p99: latencies[Math.floor(latencies.length * 0.99)]!, delivered };
}

/** Static-file latency while `trouble` runs: the HTTP thread must keep answering. */
async function underTrouble(server: DevServer, trouble: () => Promise<unknown>): Promise<{ p99: number; max: number; errors: number; troubleMs: number }> {
  const started = performance.now();
  let troubleDone = false;
  const t = trouble().finally(() => (troubleDone = true));
  const times: number[] = [];
  let errors = 0;
  await new Promise((r) => setTimeout(r, 100)); // the plugin is inside its call now
  while (!troubleDone || times.length < 50) {
    const r = await get(`${server.url}/plugins/bench/index.html`);
    if (r.status !== 200) errors++;
    times.push(r.ms);
    await new Promise((res) => setTimeout(res, 10));
  }
  await t;
  times.sort((a, b) => a - b);
  return { p99: times[Math.floor(times.length * 0.99)]!, max: times.at(-1)!, errors, troubleMs: performance.now() - started };
}

const fmt = (ms: number) => (ms < 1 ? `${Math.round(ms * 1000)} µs` : `${ms.toFixed(1)} ms`);

async function main(): Promise<void> {
  const cwd = await mkdtemp(join(tmpdir(), 'ocp-bench-serve-'));
  const slow = createServer((_req, res) => setTimeout(() => res.end('late'), 2000));
  await new Promise<void>((r) => slow.listen(0, '127.0.0.1', () => r()));
  const slowPort = (slow.address() as { port: number }).port;
  let server: DevServer | null = null;
  try {
    await project(join(cwd, 'bench'), 'bench', ['http.serve', 'http.sse', 'network.fetch'], PLUGIN, { network: { allowedHosts: ['127.0.0.1'] } });
    // a self-contained plugin.wasm whose on_http_request never returns and has no interrupt handler
    await writeFile(join(cwd, 'stuck.wasm'), stuckPluginWasm({ slug: 'stuck', name: 'stuck', version: '1.0.0' }));
    await writeFile(join(cwd, 'stuck.manifest.json'), JSON.stringify({ api: '1', name: 'stuck', slug: 'stuck', version: '1.0.0', permissions: ['http.serve'] }));
    const sink = { write: () => undefined, isTTY: false };
    const ctx = createContext({ cwd, stdout: sink, stderr: sink, color: false, logLevel: 'silent' });
    server = await startDevServer(ctx, { paths: ['bench', 'stuck.wasm'], port: 0 });
    const s = server;

    await load(`${s.url}/plugins/bench/index.html`, 200); // warm
    await load(`${s.url}/plugins/bench/hello?who=x`, 200);
    const staticFile = await load(`${s.url}/plugins/bench/index.html`);
    const route = await load(`${s.url}/plugins/bench/hello?who=bench`);
    const fan = await sseFanOut(s);
    const spin = await underTrouble(s, () => get(`${s.url}/plugins/bench/spin`));
    const upstream = await underTrouble(s, () => get(`${s.url}/plugins/bench/slow?port=${slowPort}`));
    const native = await underTrouble(s, () => get(`${s.url}/plugins/stuck/anything`));

    const out = [
      '## `serve` under load (HTTP thread + plugin worker)',
      '',
      `\`npx tsx bench/serve.bench.ts\`: a dev server on 127.0.0.1 (startDevServer, the plugins in a ThreadedHost worker), ${REQUESTS} requests per row over ${CONCURRENCY} keep-alive connections (node:http client in the same process, so client and server share the two cores).`,
      '',
      '| load | requests/s | p50 | p99 | errors |',
      '| --- | ---: | ---: | ---: | ---: |',
      `| static file from public/ (2 KiB) | ${Math.round(staticFile.rps)} | ${fmt(staticFile.p50)} | ${fmt(staticFile.p99)} | ${staticFile.errors} |`,
      `| plugin route (on_http_request in the worker) | ${Math.round(route.rps)} | ${fmt(route.p50)} | ${fmt(route.p99)} | ${route.errors} |`,
      '',
      `SSE fan-out: ${SSE_EVENTS} events, each a chat message turned into \`owncast.sse.send\` by the plugin, to ${SSE_CLIENTS} clients on one channel: ${fan.eventsPerSecond.toFixed(0)} events/s end to end (POST, filter chain, plugin call, hub, 64 writes), time until the last client has an event p50 ${fmt(fan.p50)}, p99 ${fmt(fan.p99)}; ${fan.delivered} of ${SSE_EVENTS * SSE_CLIENTS} deliveries.`,
      '',
      'Static-file latency while a plugin misbehaves (one request every 10 ms until the bad call ends):',
      '',
      '| while… | how the call ended | static p99 | static max | errors |',
      '| --- | --- | ---: | ---: | ---: |',
      `| a handler spins in JS (\`for(;;)\`) | engine interrupt at the 5 s budget: 504 after ${fmt(spin.troubleMs)} | ${fmt(spin.p99)} | ${fmt(spin.max)} | ${spin.errors} |`,
      `| a handler waits on a 2 s upstream (\`network.fetch\`) | answered after ${fmt(upstream.troubleMs)} | ${fmt(upstream.p99)} | ${fmt(upstream.max)} | ${upstream.errors} |`,
      `| a plugin.wasm loops with no interrupt handler | 504 at the 5 s handler deadline after ${fmt(native.troubleMs)}; the watchdog ends its thread at budget + 1 s and reloads the others | ${fmt(native.p99)} | ${fmt(native.max)} | ${native.errors} |`,
      '',
    ];
    process.stdout.write(out.join('\n'));
  } finally {
    await server?.close();
    slow.close();
    agent.destroy();
    await rm(cwd, { recursive: true, force: true });
  }
}

await main();
