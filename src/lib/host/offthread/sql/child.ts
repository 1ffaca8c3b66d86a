// The SQL helper process: holds every plugin's SQLite connection and runs their requests,
// one at a time. It is a process rather than a worker thread because better-sqlite3 cannot
// interrupt a statement, and a thread stuck in native code can be neither ended nor
// outlived (Node waits for it at exit): a process can be killed. The host kills it when a
// call overruns its 2 s; this file only has to die when its parent does.

import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

import type BetterSqlite3 from 'better-sqlite3';

import { SQL_STORAGE_UNAVAILABLE } from './limits.js';
import type { SqlChildConfig, SqlChildMessage, SqlChildRequest } from './protocol.js';
import { inspectDatabase } from './inspect.js';
import { openPluginDatabase, runExec, runQuery } from './runner.js';
import { markStatement, watchdogSource, type WatchdogData } from './watchdog.js';

const config = JSON.parse(process.env.OWNCAST_PLUGIN_SQL_CONFIG ?? '{}') as SqlChildConfig;
const Sqlite = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
const databases = new Map<string, BetterSqlite3.Database>();

// A thread of our own that kills this process if the host went away or if a statement runs
// far past the host's deadline (the host should have killed us). See watchdog.ts.
const statements = new Int32Array(new SharedArrayBuffer(4));
const watchdog = new Worker(watchdogSource(), {
  eval: true,
  workerData: { state: statements.buffer, ppid: process.ppid, limitMs: config.timeoutMs + 5000, tickMs: 250 } satisfies WatchdogData,
});
watchdog.unref();

const databaseFile = (slug: string) => (config.dataDir ? join(config.dataDir, slug, 'db', 'plugin.db') : join(config.scratchDir!, `${slug}.db`));

function open(slug: string): BetterSqlite3.Database | null {
  let db = databases.get(slug);
  if (db) return db;
  const file = databaseFile(slug);
  try {
    if (config.dataDir) mkdirSync(join(config.dataDir, slug, 'db'), { recursive: true });
    db = openPluginDatabase(Sqlite, file, { durable: config.dataDir !== null, busyTimeoutMs: config.timeoutMs });
  } catch {
    return null;
  }
  databases.set(slug, db);
  return db;
}

const send = (m: SqlChildMessage) => process.send!(m);

process.on('message', (msg: SqlChildRequest) => {
  if (msg.op === 'close') {
    databases.get(msg.slug)?.close();
    databases.delete(msg.slug);
    send({ id: msg.id, result: '' });
    return;
  }
  if (msg.op === 'inspect') {
    // the console looking: a plugin that never used SQL gets no database made for it
    const exists = databases.has(msg.slug) || existsSync(databaseFile(msg.slug));
    const db = exists ? open(msg.slug) : null;
    if (exists && !db) {
      send({ id: msg.id, result: JSON.stringify({ ok: false, code: 'unavailable', error: SQL_STORAGE_UNAVAILABLE }) });
      return;
    }
    markStatement(statements);
    const answer = inspectDatabase(db, msg.inspect);
    markStatement(statements);
    send({ id: msg.id, result: JSON.stringify(answer) });
    return;
  }
  const db = open(msg.slug);
  if (!db) {
    send({ id: msg.id, result: JSON.stringify({ error: SQL_STORAGE_UNAVAILABLE }) });
    return;
  }
  markStatement(statements);
  const result = msg.op === 'exec' ? runExec(db, msg.request) : runQuery(db, msg.request);
  markStatement(statements);
  send({ id: msg.id, result });
});
// The broker's end of the channel closed: nobody can ask anything any more.
process.on('disconnect', () => process.exit(0));
send({ ready: true });
