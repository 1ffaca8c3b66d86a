// storage.sql for the host: synchronous calls (host functions cannot wait on a promise)
// into the SQL helper process, with production's 2 s limit enforced by killing that
// process when a call overruns it. The next call starts a fresh one; the databases are
// files, so everything committed survives.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { libModule } from '../entry.js';
import { createSyncWorker, type SyncWorker } from '../sync-worker.js';
import type { SqlBrokerData } from './broker.js';
import { goJsonString } from './go-json.js';
import { SQL_CALL_TIMEOUT_MS, SQL_STORAGE_UNAVAILABLE, SQL_TIMEOUT_ERROR } from './limits.js';
import type { SqlBrokerRequest, SqlInspectAnswer, SqlInspectRequest } from './protocol.js';
import { parseSqlRequest } from './request.js';

export interface SqlServiceOptions {
  /**
   * Root of per-plugin storage: each plugin's database is <dataDir>/<slug>/db/plugin.db.
   * Null: throwaway databases (in a private temp directory removed by close(), so that
   * they survive the helper process being killed, which an in-memory one would not).
   */
  dataDir: string | null;
  /**
   * With dataDir null: where the throwaway databases go, owned by the caller (another
   * service's scratchDir, so that two services see the same databases). Default: a private
   * temp directory.
   */
  scratchDir?: string;
  /** Per call, including the wait for the helper. Default 2000 (production). */
  timeoutMs?: number;
  /** Where the host's own trouble goes (the helper failed to start, crashed, or was killed). */
  log?: { warn(message: string): void };
}

/**
 * The dev console's read-only view of plugin databases (inspect.ts): fixed statements only,
 * in the helper process, under the same time limit as plugin calls.
 */
export interface SqlInspector {
  /** Never throws; a plugin with no database yet has no tables. */
  inspect(slug: string, request: SqlInspectRequest): SqlInspectAnswer;
}

export interface SqlService extends SqlInspector {
  /** Where the throwaway databases are (dataDir null), else null. */
  readonly scratchDir: string | null;
  /** owncast_sql_exec: the plugin's request JSON in, SQLExecResult JSON out. Never throws. */
  exec(slug: string, requestJson: string): string;
  /** owncast_sql_query: the plugin's request JSON in, SQLQueryResult JSON out. Never throws. */
  query(slug: string, requestJson: string): string;
  /** Blocks until the helper process is up, so no plugin call waits for it. False if it cannot start. */
  warm(): boolean;
  /** Closes the plugin's connection (its data stays). */
  closePlugin(slug: string): void;
  /** Ends the helper process; later calls answer "SQL storage unavailable". */
  close(): void;
}

const SLUG = /^[a-z][a-z0-9-]{0,63}$/;

// Throwaway database directories of services nobody closed go when the process does.
const scratchDirs = new Set<string>();
let exitHook = false;
function removeScratch(dir: string): void {
  scratchDirs.delete(dir);
  rmSync(dir, { recursive: true, force: true });
}
function trackScratch(dir: string): void {
  scratchDirs.add(dir);
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const d of scratchDirs) removeScratch(d);
    });
  }
}
const errorJson = (message: string) => `{"error":${goJsonString(message)}}`;

export function createSqlService(opts: SqlServiceOptions): SqlService {
  const timeoutMs = opts.timeoutMs ?? SQL_CALL_TIMEOUT_MS;
  const ownScratch = opts.dataDir === null && opts.scratchDir === undefined;
  const scratchDir = opts.dataDir !== null ? null : (opts.scratchDir ?? mkdtempSync(join(tmpdir(), 'owncast-plugin-sql-')));
  if (ownScratch && scratchDir) trackScratch(scratchDir);
  const data: SqlBrokerData = {
    child: libModule('host/offthread/sql/child'),
    config: { dataDir: opts.dataDir, scratchDir, timeoutMs },
  };
  const worker: SyncWorker = createSyncWorker({ entry: libModule('host/offthread/sql/broker'), workerData: data, name: 'owncast-plugin sql' });
  let closed = false;

  const run = (op: 'exec' | 'query', slug: string, requestJson: string): string => {
    const deadline = performance.now() + timeoutMs;
    const parsed = parseSqlRequest(requestJson);
    if (!parsed.ok) return errorJson(parsed.error);
    // The slug names a directory: anything but a valid slug gets no database at all.
    if (closed || !SLUG.test(slug)) return errorJson(SQL_STORAGE_UNAVAILABLE);
    const request: SqlBrokerRequest = { op, slug, request: parsed.request };
    const r = worker.call<string>(request, deadline - performance.now());
    if (r.ok) return r.value;
    if (r.reason === 'timeout') {
      opts.log?.warn(`storage.sql: a call from "${slug}" ran past ${timeoutMs} ms; its statement was stopped by restarting the SQL helper`);
      return errorJson(SQL_TIMEOUT_ERROR);
    }
    opts.log?.warn(`storage.sql is unavailable: ${r.message}`);
    return errorJson(SQL_STORAGE_UNAVAILABLE);
  };

  const inspect = (slug: string, inspect: SqlInspectRequest): SqlInspectAnswer => {
    if (closed || !SLUG.test(slug)) return { ok: false, code: 'unavailable', error: SQL_STORAGE_UNAVAILABLE };
    const r = worker.call<string>({ op: 'inspect', slug, inspect } satisfies SqlBrokerRequest, timeoutMs);
    if (r.ok) return JSON.parse(r.value) as SqlInspectAnswer;
    if (r.reason === 'timeout') {
      opts.log?.warn(`storage.sql: reading the database of "${slug}" ran past ${timeoutMs} ms; the read was stopped by restarting the SQL helper`);
      return { ok: false, code: 'timeout', error: `the database did not answer within ${timeoutMs} ms` };
    }
    return { ok: false, code: 'unavailable', error: `${SQL_STORAGE_UNAVAILABLE}: ${r.message}` };
  };

  return {
    scratchDir,
    inspect,
    exec: (slug, requestJson) => run('exec', slug, requestJson),
    query: (slug, requestJson) => run('query', slug, requestJson),
    warm: () => !closed && worker.warm(),
    closePlugin(slug) {
      if (!closed && SLUG.test(slug)) worker.call({ op: 'close', slug } satisfies SqlBrokerRequest, timeoutMs);
    },
    close() {
      if (closed) return;
      closed = true;
      worker.close();
      if (ownScratch && scratchDir) removeScratch(scratchDir);
    },
  };
}
