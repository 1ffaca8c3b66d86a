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
  | { id: number; op: 'close'; slug: string };

export type SqlChildMessage = { ready: true } | { id: number; result: string };

/** What the host's sync call sends the broker: a child request without its id. */
export type SqlBrokerRequest = SqlChildRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;
