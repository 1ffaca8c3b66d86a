// Messages between the SQL broker (a worker thread of the host) and the SQL helper process.

import type { SqlRequest } from './request.js';

export interface SqlChildConfig {
  /** Root of per-plugin storage: <dataDir>/<slug>/db/plugin.db. Null: throwaway databases in `scratchDir`. */
  dataDir: string | null;
  scratchDir: string | null;
  /** SQLite busy timeout, and the base of the helper's own watchdog. */
  timeoutMs: number;
}

export type SqlChildRequest =
  | { id: number; op: 'exec' | 'query'; slug: string; request: SqlRequest }
  | { id: number; op: 'close'; slug: string }
  | { id: number; op: 'inspect'; slug: string; inspect: SqlInspectRequest };

export type SqlChildMessage = { ready: true } | { id: number; result: string };

/** What the host's sync call sends the broker: a child request without its id. */
export type SqlBrokerRequest = SqlChildRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

// ---- the dev console's read-only view (inspect.ts) ------------------------------------------

export type SqlInspectRequest = { op: 'tables' } | { op: 'rows'; table: string; limit: number; offset: number };

export interface SqlColumnInfo {
  name: string;
  /** As declared (SQLite types are affinities; may be ''). */
  type: string;
  notNull: boolean;
  primaryKey: boolean;
}

export interface SqlTableInfo {
  name: string;
  columns: SqlColumnInfo[];
  rows: number;
}

/**
 * One value as the console shows it: integers past 2^53 as decimal text, long text and blobs
 * cut with their full size in bytes.
 */
export type SqlCell =
  | null
  | number
  | string
  | { int: string }
  | { text: string; bytes: number; truncated: true }
  | { blob: string; bytes: number; truncated?: true };

export interface SqlRowsPage {
  table: string;
  columns: string[];
  rows: SqlCell[][];
  offset: number;
  limit: number;
  /** Rows in the table. */
  total: number;
}

export type SqlInspectAnswer =
  | { ok: true; value: SqlTableInfo[] | SqlRowsPage }
  | { ok: false; code: 'no-such-table' | 'failed' | 'unavailable' | 'timeout'; error: string };
