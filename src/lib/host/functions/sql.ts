import type { Impls } from './common.js';
import type { HostDeps } from './deps.js';

/** What a plugin gets from storage.sql on a host that has no SQL backend (production sqlrunner.go). */
export const SQL_UNAVAILABLE = JSON.stringify({ error: 'SQL storage unavailable' });

/** storage.sql: the request JSON goes to the SQL service untouched; its JSON answer comes back. */
export function sqlFunctions(deps: Pick<HostDeps, 'sql'>): Impls {
  return {
    owncast_sql_exec: (c) => deps.sql?.exec(c.caller.slug, c.text(0)) ?? SQL_UNAVAILABLE,
    owncast_sql_query: (c) => deps.sql?.query(c.caller.slug, c.text(0)) ?? SQL_UNAVAILABLE,
  };
}
