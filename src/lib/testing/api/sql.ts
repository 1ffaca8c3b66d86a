// storage.sql for harnesses a JS test opens. Starting the SQL helper (a worker thread and a
// process) costs hundreds of milliseconds, too much to pay in every test: harnesses share one
// service per process, as the scenarios of one `owncast-plugin test` run do, and each starts
// with its plugins' databases wiped. A harness opened while another live one has a plugin of
// the same slug gets a service of its own, so two live harnesses never share a database. The
// helper never keeps the process alive; its files are removed when the process exits.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { sharedScenarioSql, type ScenarioSql } from '../harness/harness.js';

let shared: ScenarioSql | null = null;
/** Slugs of the live harnesses on the shared service. */
const inUse = new Set<string>();

function sharedService(): ScenarioSql {
  if (!shared) {
    const dir = mkdtempSync(join(tmpdir(), 'ocp-test-api-sql-'));
    const sql = sharedScenarioSql(dir);
    process.once('exit', () => {
      sql.close();
      rmSync(dir, { recursive: true, force: true });
    });
    shared = sql;
  }
  return shared;
}

/** The shared service for these plugins if none of them is in use on it (release when closed), else undefined (the harness makes its own). */
export function leaseSql(slugs: readonly string[]): { sql: ScenarioSql | undefined; release(): void } {
  if (slugs.some((s) => inUse.has(s)) || new Set(slugs).size !== slugs.length) return { sql: undefined, release: () => undefined };
  for (const s of slugs) inUse.add(s);
  let released = false;
  return {
    sql: sharedService(),
    release: () => {
      if (released) return;
      released = true;
      for (const s of slugs) inUse.delete(s);
    },
  };
}
