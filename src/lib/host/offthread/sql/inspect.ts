// The dev console's window on a plugin database: its tables (columns, row counts) and a page
// of one table's rows. Runs in the SQL helper process like plugin SQL, so a locked or huge
// database costs the host at most the 2 s call limit. It never runs SQL from outside: the
// only statements are the fixed ones below, and a table is read only after its name was
// found in the database's own schema (then quoted as an identifier).

import type BetterSqlite3 from 'better-sqlite3';

import type { SqlCell, SqlInspectAnswer, SqlInspectRequest, SqlRowsPage, SqlTableInfo } from './protocol.js';

type Database = BetterSqlite3.Database;

/** A page is at most this many rows, whatever the console asks for. */
export const MAX_INSPECT_ROWS = 500;
/** Text cells longer than this (in characters) come back cut, with their full size. */
export const INSPECT_CELL_TEXT_MAX = 8 * 1024;
/** Blob cells come back as base64 of at most this many leading bytes, with their full size. */
export const INSPECT_CELL_BLOB_MAX = 1024;

const USER_TABLES = `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`;
const COLUMNS = 'SELECT name, type, "notnull" AS not_null, pk FROM pragma_table_info(?) ORDER BY cid';

const quoteIdentifier = (name: string) => `"${name.replace(/"/g, '""')}"`;

export function inspectDatabase(db: Database | null, req: SqlInspectRequest): SqlInspectAnswer {
  try {
    // one read transaction: the tables, their counts and a page agree with each other
    return db ? db.transaction(() => answer(db, req))() : answer(null, req);
  } catch (err) {
    return { ok: false, code: 'failed', error: err instanceof Error ? err.message : String(err) };
  }
}

function answer(db: Database | null, req: SqlInspectRequest): SqlInspectAnswer {
  const names = db ? (db.prepare(USER_TABLES).pluck().all() as string[]) : [];
  if (req.op === 'tables') return { ok: true, value: db ? names.map((name) => tableInfo(db, name)) : [] };
  if (!db || !names.includes(req.table)) return { ok: false, code: 'no-such-table', error: `no table named ${JSON.stringify(req.table)}` };
  return { ok: true, value: rowsPage(db, req.table, req.limit, req.offset) };
}

function tableInfo(db: Database, name: string): SqlTableInfo {
  const columns = (db.prepare(COLUMNS).all(name) as { name: string; type: string; not_null: bigint; pk: bigint }[]).map((c) => ({
    name: c.name,
    type: c.type,
    notNull: Number(c.not_null) !== 0,
    primaryKey: Number(c.pk) !== 0,
  }));
  return { name, columns, rows: count(db, name) };
}

function count(db: Database, table: string): number {
  return Number(db.prepare(`SELECT count(*) FROM ${quoteIdentifier(table)}`).pluck().get() as bigint);
}

function rowsPage(db: Database, table: string, limit: number, offset: number): SqlRowsPage {
  const take = Math.max(0, Math.min(MAX_INSPECT_ROWS, Math.floor(limit)));
  const skip = Math.max(0, Math.floor(offset));
  const stmt = db.prepare(`SELECT * FROM ${quoteIdentifier(table)} LIMIT ? OFFSET ?`).raw(true);
  const rows = (stmt.all(take, skip) as unknown[][]).map((row) => row.map(cell));
  return { table, columns: stmt.columns().map((c) => c.name), rows, offset: skip, limit: take, total: count(db, table) };
}

/** A value the console can show and JSON can carry (the connection hands out bigints). */
function cell(v: unknown): SqlCell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : { int: v.toString() };
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    return v.length > INSPECT_CELL_TEXT_MAX ? { text: v.slice(0, INSPECT_CELL_TEXT_MAX), bytes: Buffer.byteLength(v, 'utf8'), truncated: true } : v;
  }
  const bytes = v as Uint8Array;
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, INSPECT_CELL_BLOB_MAX));
  return { blob: head.toString('base64'), bytes: bytes.byteLength, ...(bytes.byteLength > INSPECT_CELL_BLOB_MAX ? { truncated: true as const } : {}) };
}
