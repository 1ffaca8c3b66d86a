import { createRequire } from 'node:module';

import type BetterSqlite3 from 'better-sqlite3';

/**
 * Plugin KV storage (owncast.kv): one SQLite table, namespaced by plugin slug like
 * production's KV.Namespace(slug). Size caps are the host function's business, not the
 * store's: the store keeps whatever it is given.
 */
export interface KvStore {
  /** The value, or null when the key is missing. */
  get(slug: string, key: string): string | null;
  set(slug: string, key: string, value: string): void;
  /** Deleting a missing key is a no-op. */
  delete(slug: string, key: string): void;
  /** The plugin's keys, sorted. */
  keys(slug: string): string[];
  close(): void;
}

const SCHEMA_VERSION = 1;

// better-sqlite3 is a native module that costs a few milliseconds to load; commands that
// never touch KV (--help, lint-manifest) should not pay for it.
let sqlite: typeof BetterSqlite3 | undefined;
function loadSqlite(): typeof BetterSqlite3 {
  sqlite ??= createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
  return sqlite;
}

/**
 * Opens (creating if needed) a KV database at `file`, or an in-memory one for ':memory:'.
 * Every write is a single statement, so each is its own transaction: a crash leaves either
 * the old or the new value, never a torn one.
 */
export function openKvStore(file: string): KvStore {
  const Database = loadSqlite();
  const db = new Database(file);
  try {
    if (file !== ':memory:') {
      // WAL lets readers (another process serving the same state directory) proceed while
      // a write is in flight; NORMAL sync is still crash-safe in WAL mode (a power cut can
      // lose the last commits, never corrupt the file).
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 5000');
    }
    migrate(db);
  } catch (err) {
    db.close();
    throw err;
  }

  // Prepared once: kv_get/kv_set run on every chat message for many plugins.
  const getStmt = db.prepare<[string, string], string>('SELECT value FROM kv WHERE slug = ? AND key = ?').pluck();
  const setStmt = db.prepare<[string, string, string]>(
    'INSERT INTO kv (slug, key, value) VALUES (?, ?, ?) ON CONFLICT (slug, key) DO UPDATE SET value = excluded.value',
  );
  const deleteStmt = db.prepare<[string, string]>('DELETE FROM kv WHERE slug = ? AND key = ?');
  const keysStmt = db.prepare<[string], string>('SELECT key FROM kv WHERE slug = ? ORDER BY key').pluck();

  return {
    get: (slug, key) => getStmt.get(slug, key) ?? null,
    set: (slug, key, value) => void setStmt.run(slug, key, value),
    delete: (slug, key) => void deleteStmt.run(slug, key),
    keys: (slug) => keysStmt.all(slug),
    close: () => {
      if (db.open) db.close();
    },
  };
}

function migrate(db: BetterSqlite3.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new Error(`KV database ${db.name} was written by a newer owncast-plugin (schema ${version}); upgrade to read it`);
  }
  if (version === SCHEMA_VERSION) return;
  db.transaction(() => {
    db.exec(
      `CREATE TABLE IF NOT EXISTS kv (
        slug TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (slug, key)
      ) WITHOUT ROWID`,
    );
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
}
