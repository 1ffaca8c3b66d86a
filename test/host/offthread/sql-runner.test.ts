import { createRequire } from 'node:module';

import type BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';

import { MAX_SQL_RESULT_BYTES, MAX_SQL_ROWS, MAX_SQL_VALUE_BYTES } from '../../../src/lib/host/offthread/sql/limits.js';
import { parseSqlRequest, type SqlRequest } from '../../../src/lib/host/offthread/sql/request.js';
import { openPluginDatabase, runExec, runQuery } from '../../../src/lib/host/offthread/sql/runner.js';
import { splitSqlStatements } from '../../../src/lib/host/offthread/sql/statements.js';

// The runner in this process, on real in-memory SQLite (the service runs the same code in
// its helper process; sql-service.test.ts covers that path).
const Sqlite = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
const open: BetterSqlite3.Database[] = [];
function database(): BetterSqlite3.Database {
  const db = openPluginDatabase(Sqlite, ':memory:', { durable: false, busyTimeoutMs: 2000 });
  open.push(db);
  return db;
}
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

const req = (sql: string, params: SqlRequest['params'] = [], maxRows = 0): SqlRequest => ({ sql, params, maxRows });
/** Runs through the real request parser, as the service does. */
const parsed = (json: string): SqlRequest => {
  const r = parseSqlRequest(json);
  if (!r.ok) throw new Error(r.error);
  return r.request;
};
const exec = (db: BetterSqlite3.Database, r: SqlRequest) => JSON.parse(runExec(db, r)) as { error?: string; rowsAffected?: number; lastInsertId?: number };
const query = (db: BetterSqlite3.Database, r: SqlRequest) =>
  JSON.parse(runQuery(db, r)) as { error?: string; columns: string[]; rows: unknown[][]; truncated?: boolean };

function seed(db: BetterSqlite3.Database, rows: number): void {
  expect(exec(db, req('CREATE TABLE t (n INTEGER)'))).toEqual({ rowsAffected: 0, lastInsertId: 0 });
  const r = exec(db, req(`WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < ${rows - 1}) INSERT INTO t SELECT i FROM c`));
  expect(r.error).toBeUndefined();
}

describe('SQL runner (production SQLRunner)', () => {
  it('stores and returns a large integer exactly, as an SQLite INTEGER', () => {
    const db = database();
    exec(db, req('CREATE TABLE t (v)'));
    expect(exec(db, parsed('{"sql":"INSERT INTO t VALUES (?)","params":[1152921504606846977]}'))).toEqual({ rowsAffected: 1, lastInsertId: 1 });
    expect(runQuery(db, req('SELECT typeof(v), v FROM t'))).toBe('{"columns":["typeof(v)","v"],"rows":[["integer",1152921504606846977]]}');
  });

  it('binds every parameter type as Go does (bool as 1/0, floats as REAL)', () => {
    const db = database();
    const out = runQuery(db, parsed('{"sql":"SELECT ?, typeof(?), ?, typeof(?), ?, ?, ?","params":[true,false,1.5,2,"é<>",null,-7]}'));
    expect(out).toBe('{"columns":["?","typeof(?)","?","typeof(?)","?","?","?"],"rows":[[1,"integer",1.5,"integer","é\\u003c\\u003e",null,-7]]}');
  });

  it('returns blobs as base64 and floats in Go\'s format; an infinity fails the encode as in Go', () => {
    const db = database();
    expect(runQuery(db, req("SELECT x'00ff10', x'', 0.1, 1e21, 1e-7, 2.0"))).toBe(
      `{"columns":["x'00ff10'","x''","0.1","1e21","1e-7","2.0"],"rows":[["AP8Q","",0.1,1e+21,1e-7,2]]}`,
    );
    expect(query(db, req('SELECT 1e999')).error).toBe('json: unsupported value: +Inf');
  });

  it('an unbounded query past 10 000 rows is an error, not a short answer', () => {
    const db = database();
    seed(db, MAX_SQL_ROWS + 1);
    expect(query(db, req('SELECT n FROM t'))).toEqual({ error: 'SQL result exceeds 10000 rows; add a LIMIT' });
    expect(query(db, req('SELECT n FROM t LIMIT 10000')).rows).toHaveLength(10000);
  });

  it('maxRows is intent: at most that many rows, and truncated only when more matched', () => {
    const db = database();
    seed(db, MAX_SQL_ROWS + 50);
    const one = query(db, req('SELECT n FROM t ORDER BY n', [], 1));
    expect(one).toEqual({ columns: ['n'], rows: [[0]], truncated: true });
    const exact = query(db, req('SELECT n FROM t WHERE n < 3 ORDER BY n', [], 3));
    expect(exact).toEqual({ columns: ['n'], rows: [[0], [1], [2]] });
  });

  it('caps each value at 1 MiB, counting JSON escapes', () => {
    const db = database();
    expect(query(db, req(`SELECT hex(zeroblob(${MAX_SQL_VALUE_BYTES}))`)).error).toBe(
      'SQL value exceeds 1048576 bytes; add a LIMIT or select fewer columns',
    );
    // 174 763 '<' are 174 763 bytes of text but 1 048 578 + 2 bytes of JSON.
    expect(query(db, req('SELECT ?', ['<'.repeat(Math.floor(MAX_SQL_VALUE_BYTES / 6) + 1)])).error).toBe(
      'SQL value exceeds 1048576 bytes; add a LIMIT or select fewer columns',
    );
    // Blobs count as their base64 text: 786 430 bytes encode to 1 048 578 with the quotes.
    expect(query(db, req('SELECT zeroblob(786430)')).error).toBe('SQL value exceeds 1048576 bytes; add a LIMIT or select fewer columns');
    // One byte less passes the value cap, and then the envelope puts it over the result cap.
    expect(query(db, req('SELECT zeroblob(786429)')).error).toBe('SQL result exceeds 1048576 bytes; add a LIMIT or select fewer columns');
    expect(query(db, req('SELECT length(zeroblob(700000)), zeroblob(700000)')).rows[0]![0]).toBe(700000);
  });

  it('caps the whole result at 1 MiB well under the row cap, and a bounded read still works', () => {
    const db = database();
    exec(db, req('CREATE TABLE t (n INTEGER, pad TEXT)'));
    const pad = 'x'.repeat(4096);
    for (let i = 0; i < 400; i++) expect(exec(db, req('INSERT INTO t VALUES (?, ?)', [BigInt(i), pad])).error).toBeUndefined();
    expect(query(db, req('SELECT n, pad FROM t')).error).toBe('SQL result exceeds 1048576 bytes; add a LIMIT or select fewer columns');
    const bounded = query(db, req('SELECT n, pad FROM t', [], 10));
    expect(bounded.error).toBeUndefined();
    expect(bounded.rows).toHaveLength(10);
  });

  it('keeps every result, truncation marker included, within 1 MiB', () => {
    const db = database();
    seed(db, 500);
    const all = runQuery(db, req('SELECT n FROM t ORDER BY n', [], 500));
    expect(Buffer.byteLength(all)).toBeLessThanOrEqual(MAX_SQL_RESULT_BYTES);
    // Fits only if the builder forgot to charge ,"truncated":true.
    const probe = '{"columns":["v"],"rows":[[""]],"truncated":true}';
    const value = 'x'.repeat(MAX_SQL_RESULT_BYTES - probe.length + 1);
    expect(query(db, req("SELECT ? AS v UNION ALL SELECT 'overflow'", [value], 1)).error).toBe(
      'SQL result exceeds 1048576 bytes; add a LIMIT or select fewer columns',
    );
    // The row estimate is production's (two bytes generous), so the largest value that fits is 3 shorter.
    const fits = runQuery(db, req("SELECT ? AS v UNION ALL SELECT 'overflow'", [value.slice(3)], 1));
    expect(JSON.parse(fits).truncated).toBe(true);
    expect(Buffer.byteLength(fits)).toBe(MAX_SQL_RESULT_BYTES - 2);
  });

  it('runs an exec batch as one transaction: all of it or none of it', () => {
    const db = database();
    expect(exec(db, req('CREATE TABLE a (x); INSERT INTO a VALUES (1); INSERT INTO missing VALUES (2)'))).toEqual({
      error: 'no such table: missing',
    });
    expect(query(db, req("SELECT count(*) FROM sqlite_master WHERE name = 'a'")).rows).toEqual([[0]]);
    expect(exec(db, req('CREATE TABLE a (x); INSERT INTO a VALUES (1); INSERT INTO a VALUES (2), (3)'))).toEqual({
      rowsAffected: 2,
      lastInsertId: 3,
    });
    expect(db.inTransaction).toBe(false);
  });

  it('hands each statement of a batch its share of the parameters, bound by index whatever their names', () => {
    const db = database();
    exec(db, req('CREATE TABLE t (a, b)'));
    expect(exec(db, req('INSERT INTO t VALUES (?, ?); INSERT INTO t VALUES (:x, :x)', [1n, 2n, 3n])).error).toBeUndefined();
    expect(query(db, req('SELECT a, b FROM t ORDER BY rowid')).rows).toEqual([
      [1, 2],
      [3, 3],
    ]);
    expect(query(db, req('SELECT ?2, ?1, @n, ?', ['one', 'two', 'three', 'four'])).rows).toEqual([['two', 'one', 'three', 'four']]);
    expect(query(db, req('SELECT ?, ?', [1n]))).toEqual({ error: 'not enough args to execute query: want 2 got 1' });
    // Extra parameters are ignored, as Go's driver ignores them.
    expect(query(db, req('SELECT ?', [1n, 2n])).rows).toEqual([[1]]);
  });

  it('creates triggers whose bodies hold semicolons and CASE … END', () => {
    const db = database();
    const r = exec(
      db,
      req(
        "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT); CREATE TRIGGER choose AFTER INSERT ON items BEGIN UPDATE items SET name = CASE WHEN new.name = '' THEN 'empty' ELSE new.name END WHERE id = new.id; UPDATE items SET name = name || '!' WHERE id = new.id; END; INSERT INTO items (name) VALUES ('')",
      ),
    );
    expect(r.error).toBeUndefined();
    expect(query(db, req('SELECT name FROM items')).rows).toEqual([['empty!']]);
  });

  it('runs earlier statements of a query batch for their effect and returns the last one\'s rows', () => {
    const db = database();
    expect(query(db, req('CREATE TABLE q (v); INSERT INTO q VALUES (5); SELECT v FROM q'))).toEqual({ columns: ['v'], rows: [[5]] });
    expect(query(db, req('INSERT INTO q VALUES (6)'))).toEqual({ columns: [], rows: [] });
    expect(query(db, req('SELECT count(*) AS n FROM q'))).toEqual({ columns: ['n'], rows: [[2]] });
  });

  it('refuses in SQLite itself what the text check refuses, where better-sqlite3 lets it', () => {
    const db = database();
    // Bypassing parseSqlRequest: the engine still says no.
    expect(query(db, req("SELECT load_extension('/nonexistent.so')")).error).toBe('not authorized');
    expect(exec(db, req("ATTACH DATABASE ':memory:' AS other; CREATE TABLE other.x (v)")).error).toBe('ATTACH is not available to plugins');
    expect(query(db, req("ATTACH DATABASE ':memory:' AS other; SELECT 1")).error).toBe('ATTACH is not available to plugins');
    expect(db.prepare('PRAGMA database_list').all()).toHaveLength(1);
    expect(exec(db, req('CREATE TEMP TABLE scratch (v); INSERT INTO scratch VALUES (1)')).error).toBe(
      'temporary tables, indexes, views, and triggers are not available to plugins',
    );
    expect(db.prepare('SELECT count(*) FROM temp.sqlite_master').pluck().get()).toBe(0n);
    expect(exec(db, req('VACUUM')).error).toBe('cannot VACUUM from within a transaction');
    expect(exec(db, req('BEGIN')).error).toBe('cannot start a transaction within a transaction');
    expect(db.pragma('trusted_schema', { simple: true })).toBe(0n);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(0n);
    expect(db.pragma('max_page_count', { simple: true })).toBe(BigInt((128 << 20) / 4096));
  });

  it('reports SQLite errors with SQLite\'s words and leaves no transaction open', () => {
    const db = database();
    expect(exec(db, req('SELEC 1'))).toEqual({ error: 'near "SELEC": syntax error' });
    expect(query(db, req('SELECT * FROM nowhere'))).toEqual({ error: 'no such table: nowhere' });
    expect(db.inTransaction).toBe(false);
    expect(exec(db, req('-- nothing\n;'))).toEqual({ rowsAffected: 0, lastInsertId: 0 });
  });
});

describe('splitSqlStatements', () => {
  it('splits at top-level semicolons only and numbers parameters like SQLite', () => {
    const parts = splitSqlStatements(
      "SELECT ';', ? -- ;\n; /* ; */ INSERT INTO \"a;b\" VALUES (:x, ?5, :x, ?);;  CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT CASE WHEN 1 THEN 2 END; END; -- tail",
    );
    expect(parts.map((p) => [p.text.trim(), p.count, p.slots.map((s) => s.key)])).toEqual([
      ["SELECT ';', ? -- ;\n;", 1, [null]],
      ['/* ; */ INSERT INTO "a;b" VALUES (:x, ?5, :x, ?);', 6, ['x', '5', null]],
      ['CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT CASE WHEN 1 THEN 2 END; END;', 0, []],
    ]);
  });
});
