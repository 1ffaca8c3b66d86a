// Runs a validated storage.sql request against one plugin's better-sqlite3 database and
// answers with the JSON the plugin receives. Policy is production's SQLRunner: every call
// is one transaction (a batch commits whole or not at all; a plugin cannot leave one open),
// and a query's rows, values and encoded size are capped with the same accounting. This
// code runs in the SQL helper process (child.ts), where a runaway statement can be killed.

import type BetterSqlite3 from 'better-sqlite3';

import { goJsonFloat, goJsonString, goJsonStringSize } from './go-json.js';
import {
  MAX_SQL_DATABASE_BYTES,
  MAX_SQL_RESULT_BYTES,
  MAX_SQL_ROWS,
  MAX_SQL_VALUE_BYTES,
  sqlRowCapError,
  sqlTooLargeError,
} from './limits.js';
import type { SqlParam, SqlRequest } from './request.js';
import { splitSqlStatements, type SqlStatement } from './statements.js';

type Database = BetterSqlite3.Database;
type Value = null | bigint | number | string | Uint8Array;

export interface OpenOptions {
  /** Survive a machine crash (synchronous=NORMAL); off for throwaway databases. */
  durable: boolean;
  /** How long a write waits for another connection's lock (SQLite busy timeout). */
  busyTimeoutMs: number;
}

/**
 * Opens a plugin database with the settings production's authorizer and limits stand for,
 * as far as better-sqlite3 allows: no extension loading from SQL (better-sqlite3 enables it
 * for its C API only, and nothing here calls loadExtension), defensive mode on (unsafe mode
 * stays off), untrusted schema, and the 128 MiB size cap.
 */
export function openPluginDatabase(Sqlite: typeof BetterSqlite3, file: string, opts: OpenOptions): Database {
  const db = new Sqlite(file, { timeout: opts.busyTimeoutMs });
  try {
    // WAL: a helper process killed mid-statement leaves the last commit intact.
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${opts.durable ? 'NORMAL' : 'OFF'}`);
    // better-sqlite3 is built with foreign keys on; SQLite (and Go's drivers) default off.
    db.pragma('foreign_keys = OFF');
    // Functions in views and triggers a plugin created run only if harmless.
    db.pragma('trusted_schema = OFF');
    const pageSize = Number(db.pragma('page_size', { simple: true }));
    db.pragma(`max_page_count = ${Math.floor(MAX_SQL_DATABASE_BYTES / pageSize)}`);
    // INTEGER columns come back as bigint: an int64 past 2^53 must not round.
    db.defaultSafeIntegers(true);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
const errorResult = (text: string) => `{"error":${goJsonString(text)}}`;

/** SQLite binds no booleans; Go's driver binds them as 1 and 0. */
function bindable(v: SqlParam): Exclude<SqlParam, boolean> {
  return typeof v === 'boolean' ? (v ? 1n : 0n) : v;
}

/** better-sqlite3's arguments for a statement: `?` from an array in index order, names from an object. */
function bindArgs(stmt: SqlStatement, values: SqlParam[]): unknown[] {
  const anonymous: unknown[] = [];
  const named: Record<string, unknown> = {};
  let hasNamed = false;
  for (const slot of stmt.slots) {
    const v = bindable(values[slot.index - 1] ?? null);
    if (slot.key === null) anonymous.push(v);
    else {
      named[slot.key] = v;
      hasNamed = true;
    }
  }
  return hasNamed ? [anonymous, named] : [anonymous];
}

// Preparing costs more than running a small statement; plugins repeat theirs.
const CACHE_SIZE = 100;
const caches = new WeakMap<Database, Map<string, BetterSqlite3.Statement>>();

/** A prepared statement from the connection's cache (most recently used last). */
function prepared(db: Database, sql: string): BetterSqlite3.Statement {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  let stmt = cache.get(sql);
  if (stmt) cache.delete(sql);
  else {
    stmt = db.prepare(sql);
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  }
  cache.set(sql, stmt);
  return stmt;
}

interface Prepared {
  stmt: BetterSqlite3.Statement;
  args: unknown[];
}

/**
 * The request's statements, each prepared only when the one before it has run (a batch may
 * create the table its next statement uses), with its share of the parameters.
 */
function* statements(db: Database, req: SqlRequest, parts = splitSqlStatements(req.sql)): Generator<Prepared> {
  let offset = 0;
  for (const s of parts) {
    if (req.params.length - offset < s.count) {
      throw new Error(`not enough args to execute query: want ${s.count} got ${req.params.length - offset}`);
    }
    const values = req.params.slice(offset, offset + s.count);
    offset += s.count;
    yield { stmt: prepared(db, s.text), args: bindArgs(s, values) };
  }
}

/** Runs a statement for its effect: one step, as a Go exec does (RETURNING rows are dropped). */
function runForEffect({ stmt, args }: Prepared): void {
  if (stmt.reader) stmt.get(...args);
  else stmt.run(...args);
}

/**
 * The engine-level half of the deny list, for what better-sqlite3 gives no authorizer for:
 * before a call commits, anything attached or created in the temp schema fails the call
 * and is rolled back (temp objects and attached writes are part of the transaction).
 */
function refuseEscapes(db: Database, sql: string): void {
  // Neither can happen without the word in the text (SQLite keywords have no escapes), which
  // spares the two lookups on almost every call.
  if (/attach/i.test(sql)) {
    const schemas = prepared(db, 'PRAGMA database_list').all() as { name: string }[];
    if (schemas.some((s) => s.name !== 'main' && s.name !== 'temp')) throw new Error('ATTACH is not available to plugins');
  }
  if (/temp/i.test(sql)) {
    const temp = prepared(db, 'SELECT count(*) FROM temp.sqlite_master').pluck().get() as bigint;
    if (temp > 0n) throw new Error('temporary tables, indexes, views, and triggers are not available to plugins');
  }
}

function detachAll(db: Database): void {
  for (const s of db.prepare('PRAGMA database_list').all() as { name: string }[]) {
    if (s.name !== 'main' && s.name !== 'temp') db.exec(`DETACH DATABASE "${s.name.replace(/"/g, '""')}"`);
  }
}

function inTransaction<T>(db: Database, sql: string, fn: () => T): T {
  prepared(db, 'BEGIN').run();
  try {
    const out = fn();
    refuseEscapes(db, sql);
    prepared(db, 'COMMIT').run();
    return out;
  } catch (err) {
    if (db.inTransaction) prepared(db, 'ROLLBACK').run();
    detachAll(db);
    throw err;
  }
}

/** SQLExecResult: {rowsAffected, lastInsertId} or {error}. */
export function runExec(db: Database, req: SqlRequest): string {
  try {
    return inTransaction(db, req.sql, () => {
      let ran = 0;
      for (const s of statements(db, req)) {
        runForEffect(s);
        ran++;
      }
      if (ran === 0) return '{"rowsAffected":0,"lastInsertId":0}';
      // The connection's counters after the last statement, as the driver reports them.
      const [changes, lastId] = prepared(db, 'SELECT changes(), last_insert_rowid()').raw(true).get() as bigint[];
      return `{"rowsAffected":${changes},"lastInsertId":${lastId}}`;
    });
  } catch (err) {
    return errorResult(message(err));
  }
}

/** The JSON-encoded size of one value, before encoding it (production's sqlValueSize). */
export function sqlValueSize(v: Value): number {
  if (v === null) return 4;
  if (typeof v === 'string') return goJsonStringSize(v);
  if (v instanceof Uint8Array) return Math.floor((v.length + 2) / 3) * 4 + 2;
  return 32; // numbers encode short
}

function encodeValue(v: Value): string {
  if (v === null) return 'null';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return goJsonFloat(v);
  if (typeof v === 'string') return goJsonString(v);
  return `"${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')}"`;
}

/**
 * Accumulates rows while the encoded result stays inside the row, value and byte budgets.
 * The envelope, the column names and the optional truncation marker are charged up front,
 * so whatever is returned fits the 1 MiB cap.
 */
class ResultBuilder {
  readonly #columns: string;
  readonly #rows: string[] = [];
  readonly #budget: number;
  #used: number;
  truncated = false;

  constructor(columns: string[], budget: number) {
    this.#columns = `[${columns.map(goJsonString).join(',')}]`;
    this.#budget = budget;
    this.#used = Buffer.byteLength(this.#columns, 'utf8') + '{"columns":,"rows":[]}'.length + ',"truncated":true'.length;
  }

  get full(): boolean {
    return this.#rows.length === this.#budget;
  }

  add(values: Value[]): void {
    let estimate = '[],'.length;
    for (const v of values) {
      const size = sqlValueSize(v);
      if (size > MAX_SQL_VALUE_BYTES) throw new Error(sqlTooLargeError('value', MAX_SQL_VALUE_BYTES));
      estimate += size + 1;
    }
    if (this.#used + estimate > MAX_SQL_RESULT_BYTES) throw new Error(sqlTooLargeError('result', MAX_SQL_RESULT_BYTES));
    const row = `[${values.map(encodeValue).join(',')}]`;
    this.#used += Buffer.byteLength(row, 'utf8') + 1;
    if (this.#used > MAX_SQL_RESULT_BYTES) throw new Error(sqlTooLargeError('result', MAX_SQL_RESULT_BYTES));
    this.#rows.push(row);
  }

  toJson(): string {
    return `{"columns":${this.#columns},"rows":[${this.#rows.join(',')}]${this.truncated ? ',"truncated":true' : ''}}`;
  }
}

/** SQLQueryResult: {columns, rows, truncated?} or {error}. Earlier statements of a batch run for their effect. */
export function runQuery(db: Database, req: SqlRequest): string {
  try {
    return inTransaction(db, req.sql, () => {
      // Every statement but the last runs for its effect; the last one's rows are the answer.
      const parts = splitSqlStatements(req.sql);
      let last: Prepared | undefined;
      let index = 0;
      for (const s of statements(db, req, parts)) {
        if (++index < parts.length) runForEffect(s);
        else last = s;
      }
      if (!last || !last.stmt.reader) {
        if (last) runForEffect(last);
        return '{"columns":[],"rows":[]}';
      }
      const bounded = req.maxRows > 0;
      const builder = new ResultBuilder(
        last.stmt.columns().map((c) => c.name),
        bounded ? req.maxRows : MAX_SQL_ROWS,
      );
      last.stmt.raw(true);
      for (const row of last.stmt.iterate(...last.args) as Iterable<Value[]>) {
        if (builder.full) {
          if (!bounded) throw new Error(sqlRowCapError());
          builder.truncated = true;
          break;
        }
        builder.add(row);
      }
      return builder.toJson();
    });
  } catch (err) {
    return errorResult(message(err));
  }
}
