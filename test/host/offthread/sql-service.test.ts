import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { createSqlService, type SqlService } from '../../../src/lib/host/offthread/sql/service.js';

const RUNAWAY = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT count(*) FROM c';

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup.splice(0).reverse()) f();
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ocp-sql-test-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
const warnings: string[] = [];
function service(dataDir: string | null, timeoutMs?: number): SqlService {
  const s = createSqlService({ dataDir, timeoutMs, log: { warn: (m) => warnings.push(m) } });
  cleanup.push(() => s.close());
  return s;
}
const json = (sql: string, params: unknown[] = [], maxRows?: number) => JSON.stringify({ sql, params, ...(maxRows ? { maxRows } : {}) });

describe('createSqlService', () => {
  it('keeps one database per plugin at <dataDir>/<slug>/db/plugin.db, surviving a new service', () => {
    const dir = tempDir();
    const a = service(dir);
    expect(a.exec('alpha', json('CREATE TABLE kv (k TEXT PRIMARY KEY, v)'))).toBe('{"rowsAffected":0,"lastInsertId":0}');
    expect(a.exec('alpha', json('INSERT INTO kv VALUES (?, ?)', ['answer', 42]))).toBe('{"rowsAffected":1,"lastInsertId":1}');
    expect(a.exec('beta', json('CREATE TABLE kv (k TEXT PRIMARY KEY, v)'))).toBe('{"rowsAffected":0,"lastInsertId":0}');
    expect(a.query('beta', json('SELECT count(*) AS n FROM kv'))).toBe('{"columns":["n"],"rows":[[0]]}');
    expect(existsSync(join(dir, 'alpha', 'db', 'plugin.db'))).toBe(true);
    expect(existsSync(join(dir, 'beta', 'db', 'plugin.db'))).toBe(true);
    a.close();

    const b = service(dir);
    expect(b.query('alpha', json('SELECT v FROM kv WHERE k = ?', ['answer']))).toBe('{"columns":["v"],"rows":[[42]]}');
  });

  it('without a dataDir, keeps throwaway databases that vanish with close()', () => {
    const s = createSqlService({ dataDir: null });
    expect(s.exec('gamma', json('CREATE TABLE t (v); INSERT INTO t VALUES (1)'))).toBe('{"rowsAffected":1,"lastInsertId":1}');
    expect(s.query('gamma', json('SELECT v FROM t'))).toBe('{"columns":["v"],"rows":[[1]]}');
    const before = new Set(readdirSync(tmpdir()).filter((n) => n.startsWith('owncast-plugin-sql-')));
    s.close();
    const after = new Set(readdirSync(tmpdir()).filter((n) => n.startsWith('owncast-plugin-sql-')));
    expect([...before].filter((n) => !after.has(n))).toHaveLength(1);
  });

  it('answers bad requests with production\'s errors before anything runs', () => {
    const s = service(null);
    expect(s.exec('delta', json('PRAGMA user_version'))).toBe('{"error":"PRAGMA is not available to plugins"}');
    expect(s.query('delta', '{"sql":"SELECT 1"} junk')).toBe('{"error":"invalid SQL request: trailing data"}');
    expect(s.query('delta', json('SELECT 1', [], 10001))).toBe('{"error":"SQL maxRows must be between 0 and 10000"}');
    expect(s.query('delta', json('SELECT nope'))).toBe('{"error":"no such column: nope"}');
    // A slug that is not a slug names no directory.
    expect(s.exec('../escape', json('SELECT 1'))).toBe('{"error":"SQL storage unavailable"}');
  });

  it('stops a runaway query at the 2 s limit; the plugin, other plugins and committed data carry on', () => {
    const dir = tempDir();
    const s = service(dir);
    expect(s.exec('runner', json('CREATE TABLE t (v); INSERT INTO t VALUES (?)', ['kept']))).toBe('{"rowsAffected":1,"lastInsertId":1}');
    expect(s.exec('other', json('CREATE TABLE t (v); INSERT INTO t VALUES (?)', ['also kept']))).toBe('{"rowsAffected":1,"lastInsertId":1}');

    const t0 = performance.now();
    expect(s.query('runner', json(RUNAWAY))).toBe('{"error":"context deadline exceeded"}');
    const took = performance.now() - t0;
    expect(took).toBeGreaterThanOrEqual(1990);
    expect(took).toBeLessThan(8000);

    expect(warnings.at(-1)).toBe('storage.sql: a call from "runner" ran past 2000 ms; its statement was stopped by restarting the SQL helper');
    expect(s.query('runner', json('SELECT v FROM t'))).toBe('{"columns":["v"],"rows":[["kept"]]}');
    expect(s.query('other', json('SELECT v FROM t'))).toBe('{"columns":["v"],"rows":[["also kept"]]}');
  });

  it('rolls back an exec cut off by the timeout', () => {
    const s = service(tempDir(), 500);
    expect(s.exec('writer', json('CREATE TABLE t (v)'))).toBe('{"rowsAffected":0,"lastInsertId":0}');
    expect(s.exec('writer', json(`INSERT INTO t VALUES (1); INSERT INTO t ${RUNAWAY.replace('SELECT count(*) FROM c', 'SELECT x FROM c')}`))).toBe(
      '{"error":"context deadline exceeded"}',
    );
    expect(s.query('writer', json('SELECT count(*) AS n FROM t'))).toBe('{"columns":["n"],"rows":[[0]]}');
    expect(s.exec('writer', json('INSERT INTO t VALUES (2)'))).toBe('{"rowsAffected":1,"lastInsertId":1}');
  });

  it('closes one plugin\'s connection without losing its data', () => {
    const s = service(null);
    s.exec('eps', json('CREATE TABLE t (v); INSERT INTO t VALUES (3)'));
    s.closePlugin('eps');
    expect(s.query('eps', json('SELECT v FROM t'))).toBe('{"columns":["v"],"rows":[[3]]}');
  });

  it('answers "SQL storage unavailable" once closed', () => {
    const s = createSqlService({ dataDir: null });
    expect(s.warm()).toBe(true);
    s.close();
    s.close();
    expect(s.exec('zeta', json('SELECT 1'))).toBe('{"error":"SQL storage unavailable"}');
    expect(s.query('zeta', json('SELECT 1'))).toBe('{"error":"SQL storage unavailable"}');
    expect(s.warm()).toBe(false);
  });

  it('reports a database it cannot open as unavailable', () => {
    const dir = tempDir();
    const file = join(dir, 'not-a-dir');
    rmSync(file, { force: true });
    writeFileSync(file, 'x');
    const s = service(file);
    expect(s.exec('eta', json('SELECT 1'))).toBe('{"error":"SQL storage unavailable"}');
  });
});
