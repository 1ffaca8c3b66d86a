// npx tsx bench/offthread.bench.ts [--quick] — what calling off the main thread costs.
// Each figure beside a baseline measured in the same run; prints a markdown table.
//   1. the synchronous worker call (createSyncWorker), empty round trip, and the transport
//      it replaced in the design (a SharedArrayBuffer carrying v8-serialized bytes);
//   2. a small SQL query through the SQL service (thread + helper process) against
//      better-sqlite3 on the calling thread, and the same runner in-process;
//   3. an HTTP GET to a local server through the HTTP service against undici awaited normally.
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';

import type BetterSqlite3 from 'better-sqlite3';
import { request } from 'undici';

import { createHttpService } from '../src/lib/host/offthread/http/index.js';
import { parseSqlRequest } from '../src/lib/host/offthread/sql/request.js';
import { openPluginDatabase, runQuery } from '../src/lib/host/offthread/sql/runner.js';
import { createSqlService } from '../src/lib/host/offthread/sql/service.js';
import { createSyncWorker } from '../src/lib/host/offthread/sync-worker.js';
import { startServers } from '../test/host/offthread/http-servers.js';

const quick = process.argv.includes('--quick');
const N = quick ? 1000 : 5000;

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { p50: q(0.5), p99: q(0.99), n: s.length };
}
const us = (ms: number) => (ms >= 1 ? `${ms.toFixed(2)} ms` : `${(ms * 1000).toFixed(1)} µs`);

const rows: string[][] = [];
function row(what: string, samples: number[], baseline?: number) {
  const s = stats(samples);
  rows.push([what, us(s.p50), us(s.p99), String(s.n), baseline ? `${(s.p50 / baseline).toFixed(1)}×` : '']);
  return s.p50;
}
function timeSync(n: number, warm: number, fn: () => void): number[] {
  for (let i = 0; i < warm; i++) fn();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    fn();
    out.push(performance.now() - t);
  }
  return out;
}
async function timeAsync(n: number, warm: number, fn: () => Promise<void>): Promise<number[]> {
  for (let i = 0; i < warm; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

// ---- 1. the synchronous call ------------------------------------------------------------
{
  const entry = { path: fileURLToPath(new URL('../test/host/offthread/fixtures/test-worker.ts', import.meta.url)), typescript: true };
  const worker = createSyncWorker({ entry });
  worker.call({ op: 'echo', value: 0 }, 60_000);
  const empty = row('sync worker call, empty round trip (MessagePort + Atomics.wait)', timeSync(N, 500, () => void worker.call({ op: 'echo', value: null }, 5000)));
  const kib = 'x'.repeat(1024);
  row('sync worker call, 1 KiB string each way', timeSync(N, 500, () => void worker.call({ op: 'echo', value: kib }, 5000)), empty);
  worker.close();

  // The alternative: request and answer as v8-serialized bytes in a SharedArrayBuffer, the
  // worker blocking in Atomics.wait (fine for sync work, useless for undici).
  const sab = new SharedArrayBuffer(1 << 20);
  const flag = new Int32Array(sab, 0, 4);
  const data = new Uint8Array(sab, 64);
  const w = new Worker(
    `const { workerData } = require('node:worker_threads'); const v8 = require('node:v8');
     const flag = new Int32Array(workerData, 0, 4); const data = new Uint8Array(workerData, 64);
     for (;;) {
       Atomics.wait(flag, 0, 0);
       const req = v8.deserialize(data.subarray(0, flag[1]));
       const out = v8.serialize(req); data.set(out); flag[1] = out.length;
       Atomics.store(flag, 0, 2); Atomics.notify(flag, 0);
       while (Atomics.load(flag, 0) === 2) Atomics.wait(flag, 0, 2);
     }`,
    { eval: true, workerData: sab },
  );
  w.unref();
  const call = (v: unknown) => {
    const b = v8.serialize(v);
    data.set(b);
    flag[1] = b.length;
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    while (Atomics.load(flag, 0) !== 2) Atomics.wait(flag, 0, 1, 1000);
    const r = v8.deserialize(data.subarray(0, flag[1]));
    Atomics.store(flag, 0, 0);
    Atomics.notify(flag, 0);
    return r;
  };
  call(1);
  row('alternative: SharedArrayBuffer + v8.serialize, worker in Atomics.wait', timeSync(N, 500, () => void call(null)), empty);
  await w.terminate();
}

// ---- 2. SQL -----------------------------------------------------------------------------
{
  const Sqlite = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
  const SQL = 'SELECT id, name FROM items WHERE id = ?';
  const SETUP = "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT); WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 1000) INSERT INTO items SELECT i, 'item ' || i FROM c";
  const requestJson = (i: number) => JSON.stringify({ sql: SQL, params: [(i % 1000) + 1] });

  const direct = new Sqlite(':memory:');
  direct.exec(SETUP);
  const stmt = direct.prepare(SQL);
  let i = 0;
  const base = row('SQL: better-sqlite3 on the calling thread (prepared, .get) — baseline', timeSync(N, 1000, () => void stmt.get((i++ % 1000) + 1)));

  const inproc = openPluginDatabase(Sqlite, ':memory:', { durable: false, busyTimeoutMs: 2000 });
  inproc.exec(SETUP);
  row(
    'SQL: parse + runner on the calling thread (no worker; JSON in and out)',
    timeSync(N, 500, () => {
      const r = parseSqlRequest(requestJson(i++));
      if (r.ok) runQuery(inproc, r.request);
    }),
    base,
  );

  const service = createSqlService({ dataDir: null });
  service.exec('bench', JSON.stringify({ sql: SETUP }));
  row('SQL: createSqlService query (worker thread + helper process)', timeSync(N, 1000, () => void service.query('bench', requestJson(i++))), base);
  service.close();
  direct.close();
  inproc.close();
}

// ---- 3. HTTP ----------------------------------------------------------------------------
{
  const servers = await startServers();
  const url = `${servers.a}/hello`;
  const n = Math.max(300, N / 5);
  const http = createHttpService();
  const viaUndici = async () => {
    const res = await request(url);
    await res.body.arrayBuffer();
  };
  const viaService = () => {
    const r = http.request({ slug: 'bench', allowedHosts: ['127.0.0.1'], url, method: 'GET', headers: {}, body: null, deadlineAt: performance.now() + 5000 });
    if (!('body' in r)) throw new Error(r.error);
  };
  // Interleaved, so that warm-up and machine noise fall on both alike.
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < n + 500; i++) {
    let t = performance.now();
    await viaUndici();
    const ta = performance.now() - t;
    t = performance.now();
    viaService();
    const tb = performance.now() - t;
    if (i >= 500) {
      a.push(ta);
      b.push(tb);
    }
  }
  const base = row('HTTP GET 127.0.0.1: undici request awaited normally — baseline', a);
  row('HTTP GET 127.0.0.1: createHttpService request (synchronous)', b, base);
  http.close();
  await servers.stop();
}

const header = ['', 'median', 'p99', 'calls', 'vs baseline'];
const table = [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
console.log(`Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}${quick ? ' (--quick)' : ''}\n`);
console.log(table);
