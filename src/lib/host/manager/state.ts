// The manager's persisted admin choices: which plugins are enabled and which permission
// set the admin approved for each. Same content as production's .enabled.json
// ({enabled, approvedPermissions}), kept in SQLite so a crash mid-save leaves the old
// state or the new one, never half of each.

import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import type BetterSqlite3 from 'better-sqlite3';

/** Production StoreData / enabledFileContents. */
export interface ManagerState {
  /** Sorted slugs. */
  enabled: string[];
  /** slug → sorted approved permissions. A slug without an entry has no approval baseline yet. */
  approvedPermissions: Record<string, string[]>;
}

export const STATE_FILE = 'state.db';
const SCHEMA_VERSION = 1;

let sqlite: typeof BetterSqlite3 | undefined;
function loadSqlite(): typeof BetterSqlite3 {
  // A native module: loaded only when a manager is opened, not when this file is imported.
  sqlite ??= createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
  return sqlite;
}

export class StateStore {
  readonly file: string;
  readonly #db: BetterSqlite3.Database;
  readonly #replace: (state: ManagerState) => void;

  private constructor(file: string, db: BetterSqlite3.Database) {
    this.file = file;
    this.#db = db;
    const clear = db.prepare('DELETE FROM plugin_state');
    const insert = db.prepare('INSERT INTO plugin_state (slug, enabled, approved_permissions) VALUES (?, ?, ?)');
    // One transaction per save, like production's whole-file rewrite.
    this.#replace = db.transaction((state: ManagerState) => {
      clear.run();
      const slugs = new Set([...state.enabled, ...Object.keys(state.approvedPermissions)]);
      const enabled = new Set(state.enabled);
      for (const slug of [...slugs].sort()) {
        const approved = state.approvedPermissions[slug];
        insert.run(slug, enabled.has(slug) ? 1 : 0, approved ? JSON.stringify([...approved].sort()) : null);
      }
    });
  }

  /**
   * Opens `<stateDir>/state.db`, creating it. A fresh database imports `legacyJson`
   * (a production or reference .enabled.json) when that file exists.
   */
  static open(stateDir: string, opts: { legacyJson?: string } = {}): StateStore {
    mkdirSync(stateDir, { recursive: true });
    const file = join(stateDir, STATE_FILE);
    const Database = loadSqlite();
    const db = new Database(file);
    try {
      db.pragma('journal_mode = WAL');
      // FULL: an acknowledged Enable survives a power cut, not just a process crash.
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 5000');
      const fresh = migrate(db);
      const store = new StateStore(file, db);
      if (fresh && opts.legacyJson && existsSync(opts.legacyJson)) store.save(readLegacy(opts.legacyJson));
      return store;
    } catch (err) {
      db.close();
      throw err;
    }
  }

  load(): ManagerState {
    const rows = this.#db.prepare('SELECT slug, enabled, approved_permissions FROM plugin_state ORDER BY slug').all() as {
      slug: string;
      enabled: number;
      approved_permissions: string | null;
    }[];
    const state: ManagerState = { enabled: [], approvedPermissions: {} };
    for (const row of rows) {
      if (row.enabled) state.enabled.push(row.slug);
      if (row.approved_permissions !== null) state.approvedPermissions[row.slug] = JSON.parse(row.approved_permissions) as string[];
    }
    return state;
  }

  save(state: ManagerState): void {
    this.#replace(state);
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}

/** Creates or upgrades the schema; true when the database was new. */
function migrate(db: BetterSqlite3.Database): boolean {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version === SCHEMA_VERSION) return false;
  if (version > SCHEMA_VERSION) throw new Error(`${db.name} was written by a newer owncast-plugin (schema ${version})`);
  db.exec(`
    CREATE TABLE IF NOT EXISTS plugin_state (
      slug TEXT PRIMARY KEY NOT NULL,
      enabled INTEGER NOT NULL DEFAULT 0,
      approved_permissions TEXT
    ) STRICT;
    PRAGMA user_version = ${SCHEMA_VERSION};
  `);
  return version === 0;
}

function readLegacy(file: string): ManagerState {
  const data = JSON.parse(readFileSync(file, 'utf8')) as Partial<ManagerState>;
  return {
    enabled: Array.isArray(data.enabled) ? data.enabled.filter((s) => typeof s === 'string').sort() : [],
    approvedPermissions: typeof data.approvedPermissions === 'object' && data.approvedPermissions ? data.approvedPermissions : {},
  };
}
