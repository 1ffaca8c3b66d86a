// storage.sql for scenarios. Every scenario starts with empty databases, but starting the SQL
// helper (a worker thread and a process) costs a few hundred milliseconds: a run shares one
// service, started only when a plugin first reaches its database, and wipes the databases of
// a scenario's plugins before the scenario instead.

import { rmSync } from 'node:fs';
import { join } from 'node:path';

import type { SqlService } from '../../host/functions/index.js';
import { createSqlService, type SqlService as HostSqlService } from '../../host/offthread/sql/index.js';

export interface ScenarioSql {
  service: SqlService & { warm(): boolean };
  /** Forgets these plugins' databases (the next scenario starts empty). */
  reset(slugs: readonly string[]): void;
  close(): void;
}

/** One SQL helper for many scenarios, its databases under `dataDir`, started on first use. */
export function sharedScenarioSql(dataDir: string): ScenarioSql {
  let started: HostSqlService | null = null;
  let closed = false;
  const opened = new Set<string>();
  const service = (slug?: string): HostSqlService => {
    if (slug !== undefined) opened.add(slug);
    return (started ??= createSqlService({ dataDir }));
  };
  return {
    service: {
      exec: (slug, requestJson) => service(slug).exec(slug, requestJson),
      query: (slug, requestJson) => service(slug).query(slug, requestJson),
      warm: () => !closed && service().warm(),
    },
    reset(slugs) {
      for (const slug of slugs) {
        // only a database a plugin opened needs closing (a call that would wait for the helper)
        if (started && opened.delete(slug)) started.closePlugin(slug);
        rmSync(join(dataDir, slug), { recursive: true, force: true });
      }
    },
    close() {
      closed = true;
      started?.close();
      started = null;
    },
  };
}
