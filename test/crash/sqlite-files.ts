// The SQLite databases serve left behind: found by their header anywhere under the state
// directory, copied with their -wal and -shm (so serve's next start recovers the files exactly
// as the kill left them, not as our reading left them), and checked read-only.
import { copyFileSync, existsSync, mkdirSync, openSync, readdirSync, readSync, closeSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';

import type BetterSqlite3 from 'better-sqlite3';

const Sqlite = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
const MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/** Every SQLite database file under `dir` (by its 16-byte header), sorted. */
export function findDatabases(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && hasMagic(full)) out.push(full);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out.sort();
}

function hasMagic(file: string): boolean {
  if (statSync(file).size < MAGIC.length) return false;
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(MAGIC.length);
    readSync(fd, head, 0, head.length, 0);
    return head.equals(MAGIC);
  } finally {
    closeSync(fd);
  }
}

/** A snapshot of a database: the copy's path, keyed by its path relative to the state directory. */
export interface DatabaseCopy {
  name: string;
  file: string;
}

/** Copies each database with its -wal and -shm into `scratch`, keeping the relative layout. */
export function copyDatabases(stateDir: string, scratch: string): DatabaseCopy[] {
  return findDatabases(stateDir).map((file) => {
    const name = relative(stateDir, file);
    const dest = join(scratch, name);
    mkdirSync(join(dest, '..'), { recursive: true });
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(file + suffix)) copyFileSync(file + suffix, dest + suffix);
    }
    return { name, file: dest };
  });
}

/** Opens `file` read-only, runs `fn`, closes it. */
export function withReadOnly<T>(file: string, fn: (db: BetterSqlite3.Database) => T): T {
  const db = new Sqlite(file, { readonly: true, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** PRAGMA integrity_check's answer: ["ok"] for a sound database. */
export function integrityCheck(file: string): string[] {
  return withReadOnly(file, (db) => (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check));
}
