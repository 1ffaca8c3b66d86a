// storage.sql request parsing, the deny list and the runner under generated SQL (issue 8 item
// 1; DESIGN §2.3; production parity data test/host/offthread/fixtures/sql-deny-list.json, a
// copy of the shared conformance file).
// - every production parity example is refused, also when rewritten the ways SQLite reads the
//   same: keyword and identifier case, comments and any whitespace between tokens, quoted
//   identifiers, an EXPLAIN [QUERY PLAN] prefix, allowed statements before it. SQLite itself
//   says the rewrite means the same (it prepares the rewrite exactly as it prepares the
//   original); the refusal is then the original's, word for word;
// - generated ordinary DDL, DML and CTEs (deny words inside strings, comments and longer
//   identifiers) prepare in SQLite, pass the deny list and run on a plugin database;
// - the statement splitter agrees with the deny list: text that passes passes piece by piece;
// - the boundary itself: whatever text a plugin sends (token soup, obfuscations, the texts the
//   production text check lets through, like 'temp' in single quotes), after the call the
//   plugin database has nothing attached, nothing in the temp schema, no open transaction and
//   every pragma the host set as it was;
// - any request text: parseSqlRequest answers ok or an error, never throws.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import type BetterSqlite3 from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { deniedSqlReason } from '../../src/lib/host/offthread/sql/deny.js';
import { parseSqlRequest } from '../../src/lib/host/offthread/sql/request.js';
import { openPluginDatabase, runExec, runQuery } from '../../src/lib/host/offthread/sql/runner.js';
import { splitSqlStatements } from '../../src/lib/host/offthread/sql/statements.js';
import { checkProperty, FUZZ_TIMEOUT } from './support/fuzz.js';

const Sqlite = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
const list = JSON.parse(readFileSync(fileURLToPath(new URL('../host/offthread/fixtures/sql-deny-list.json', import.meta.url)), 'utf8')) as {
  denied: { sql: string; reason: string }[];
  allowed: { sql: string }[];
};

/** A scratch database with the tables the examples name: SQLite's opinion of a statement. */
let scratch: BetterSqlite3.Database;
beforeAll(() => {
  scratch = new Sqlite(':memory:');
  scratch.exec('CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, "end" TEXT, "case" TEXT); CREATE TABLE scratch (v TEXT); CREATE TABLE t1 (a, b, c); CREATE TABLE t2 (x, y)');
});
afterAll(() => scratch?.close());

/** SQLite's verdict on one statement: "ok" or its error message. */
function prepares(sql: string): string {
  try {
    scratch.prepare(sql);
    return 'ok';
  } catch (err) {
    return (err as Error).message;
  }
}

// ---- rewriting a statement the ways SQLite reads the same ---------------------------------------

type Tok = { kind: 'word' | 'ws' | 'comment' | 'string' | 'quoted' | 'punct'; text: string };

/** A small SQL lexer for the examples (test-side): words, strings, quoted names, comments, space, punctuation. */
function lex(sql: string): Tok[] {
  const out: Tok[] = [];
  for (let i = 0; i < sql.length; ) {
    const rest = sql.slice(i);
    const m =
      /^\s+/.exec(rest) ?? /^--[^\n]*\n?/.exec(rest) ?? /^\/\*[\s\S]*?\*\//.exec(rest) ?? /^'(?:[^']|'')*'/.exec(rest) ?? /^"(?:[^"]|"")*"|^\[[^\]]*\]|^`[^`]*`/.exec(rest) ?? /^\w+/.exec(rest);
    if (!m) {
      out.push({ kind: 'punct', text: sql[i]! });
      i++;
      continue;
    }
    const t = m[0];
    const kind = /^\s/.test(t) ? 'ws' : t.startsWith('--') || t.startsWith('/*') ? 'comment' : t.startsWith("'") ? 'string' : /^["[`]/.test(t) ? 'quoted' : 'word';
    out.push({ kind, text: t });
    i += t.length;
  }
  return out;
}

const SEPARATORS = [' ', '\t', '\n', '\r\n', '\f', '  ', '/**/', '/* PRAGMA page_size */', '-- ATTACH x\n', ' /* ; */ ', '\n-- ;\n'];
/** Names SQLite also reads quoted ("x", [x], `x`); keywords are never quoted (a quoted keyword is a name). */
const QUOTABLE = new Set(['scratch', 'other', 'v', 'i', 't', 'items', 'name', 'plugin', 'touch', 'temp', 'sqlite_temp_master', 'sqlite_temp_schema', 'load_extension', 'page_size']);

interface Rewrite {
  caseBits: number[];
  seps: number[];
  quotes: number[];
  explain: 0 | 1 | 2;
  before: string;
  after: string;
}
const rewrite: fc.Arbitrary<Rewrite> = fc.record({
  caseBits: fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
  seps: fc.array(fc.nat(SEPARATORS.length * 3), { minLength: 8, maxLength: 8 }),
  quotes: fc.array(fc.nat(5), { minLength: 4, maxLength: 4 }),
  explain: fc.constantFrom(0 as const, 0 as const, 1 as const, 2 as const),
  before: fc.constantFrom('', '', '', 'SELECT 1; ', ';', ' ; ;', "INSERT INTO items (name) VALUES ('PRAGMA x'); ", 'CREATE TRIGGER g AFTER INSERT ON items BEGIN UPDATE items SET name = CASE WHEN 1 THEN name END; END;\n'),
  after: fc.constantFrom('', '', ';', ' ; ', '; SELECT 1', '\n-- done'),
});

function applyRewrite(sql: string, r: Rewrite): string {
  const toks = lex(sql);
  let n = 0;
  const next = (arr: number[]) => arr[n++ % arr.length]!;
  const out: string[] = [];
  toks.forEach((t, i) => {
    if (t.kind === 'ws') {
      out.push(SEPARATORS[next(r.seps) % SEPARATORS.length]!);
      return;
    }
    let text = t.text;
    if (t.kind === 'word') {
      const bits = next(r.caseBits);
      text = [...text].map((ch, k) => ((bits >> k % 30) & 1 ? ch.toUpperCase() : ch.toLowerCase())).join('');
      const q = next(r.quotes);
      if (QUOTABLE.has(t.text.toLowerCase()) && q < 3 && !(t.text.toLowerCase() === 'temp' && toks[i + 1]?.text !== '.')) {
        text = [`"${text}"`, `[${text}]`, `\`${text}\``][q]!;
      }
    }
    out.push(text);
    // where two tokens touch, a comment may sit between them (SQLite reads comments as space)
    const following = toks[i + 1];
    if (following && following.kind !== 'ws' && next(r.seps) < 2) out.push('/**/');
  });
  const explain = ['', 'EXPLAIN ', 'explain query PLAN '][r.explain]!;
  return `${r.before}${explain}${out.join('')}${r.after}`;
}

describe('SQL: the production parity examples, rewritten', () => {
  it('every example as written is refused with its reason (the property\'s starting points)', () => {
    for (const d of list.denied) {
      expect(deniedSqlReason(d.sql), d.sql).toBe(d.reason);
      expect(parseSqlRequest(JSON.stringify({ sql: d.sql }))).toEqual({ ok: false, error: d.reason });
    }
    for (const a of list.allowed) expect(deniedSqlReason(a.sql), a.sql).toBe('');
  });

  it('most rewrites keep SQLite\'s reading (the property is not vacuous)', () => {
    const samples = fc.sample(fc.tuple(fc.constantFrom(...list.denied), rewrite), { numRuns: 1000, seed: 6 });
    const kept = samples.filter(([d, r]) => r.before === '' && !r.after.includes('SELECT') && prepares(applyRewrite(d.sql, r).replace(/;\s*$/, '')) === prepares(d.sql));
    expect(kept.length).toBeGreaterThan(250);
  });

  it(
    'a rewrite SQLite reads as the original is refused with the original\'s reason',
    async () => {
      let checked = 0;
      await checkProperty(
        { target: 'sql', name: 'parity examples rewritten (case, comments, whitespace, quoting, EXPLAIN, batches): same refusal', runs: 400, calls: () => checked },
        fc.property(fc.constantFrom(...list.denied), rewrite, (d, r) => {
          const sql = applyRewrite(d.sql, r);
          // the rewrite of the statement alone must read as the original does; batches are judged whole
          const alone = applyRewrite(d.sql, { ...r, before: '', after: '' });
          if (prepares(alone) !== prepares(d.sql)) return;
          checked++;
          expect(deniedSqlReason(sql), sql).toBe(d.reason);
          expect(parseSqlRequest(JSON.stringify({ sql })), sql).toEqual({ ok: false, error: d.reason });
        }),
      );
    },
    FUZZ_TIMEOUT,
  );
});

// ---- ordinary statements -----------------------------------------------------------------------

const kw = (word: string) => fc.nat(7).map((bits) => [...word].map((c, i) => ((bits >> i % 3) & 1 ? c.toLowerCase() : c)).join(''));
const name = fc.constantFrom('a', 'b', 'c');
const quoteName = (n: string, q: number) => [n, `"${n}"`, `[${n}]`, `\`${n}\``][q % 4]!;
const column = fc.tuple(name, fc.nat(3)).map(([n, q]) => quoteName(n, q));
const text = fc
  .oneof(fc.string({ maxLength: 8 }), fc.constantFrom('PRAGMA page_size', 'ATTACH DATABASE x AS y', "temp.scratch", 'CREATE TEMP TABLE z', 'BEGIN', ';', '--', '/*', 'load_extension('))
  .map((s) => `'${s.replaceAll("'", "''")}'`);
const value = fc.oneof(text, fc.integer().map(String), fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => String(x)), fc.constantFrom('NULL', '?', ':p', '@q', 'x\'00ff\''));
const gap = fc.constantFrom(' ', ' ', '\n', '\t', ' /* PRAGMA */ ', ' -- ATTACH\n');
const newName = fc.tuple(fc.constantFrom('n_', 'temperature_', 'templates_', 'attachments_', 'vacuums_', 'begin_'), fc.nat(1_000_000)).map(([p, n]) => `${p}${n}`);
const expr = fc.oneof(value, column, fc.tuple(column, fc.constantFrom('+', '||', '=', '<', 'LIKE'), value).map(([c, op, v]) => `${c} ${op} ${v}`), fc.tuple(column, value, value).map(([c, a, b]) => `CASE WHEN ${c} = ${a} THEN ${b} ELSE ${c} END`));

const ordinary = fc.oneof(
  fc.tuple(kw('SELECT'), expr, kw('FROM'), kw('WHERE'), expr, gap).map(([s, e, f, w, c, g]) => `${s}${g}${e} ${f} t1 ${w} ${c}`),
  fc.tuple(kw('INSERT'), fc.array(value, { minLength: 3, maxLength: 3 }), gap).map(([ins, v, g]) => `${ins} INTO t1 (a, b, c)${g}VALUES (${v.join(', ')})`),
  fc.tuple(kw('UPDATE'), column, expr, expr).map(([u, c, e, w]) => `${u} t1 SET ${c} = ${e} WHERE ${w}`),
  fc.tuple(kw('DELETE'), expr).map(([d, w]) => `${d} FROM t1 WHERE ${w}`),
  fc.tuple(kw('WITH'), expr, fc.nat(20)).map(([w, e, n]) => `${w} RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < ${n}) SELECT i, ${e} FROM c, t1`),
  fc.tuple(kw('CREATE'), newName, fc.array(name, { minLength: 1, maxLength: 3 }), gap).map(([c, n, cols, g]) => `${c} TABLE ${n}${g}(${[...new Set(cols)].join(', ')}, temp INTEGER)`),
  fc.tuple(kw('CREATE'), newName, column).map(([c, n, col]) => `${c} INDEX ${n} ON t1 (${col})`),
  fc.tuple(kw('CREATE'), newName, expr).map(([c, n, e]) => `${c} VIEW ${n} AS SELECT ${e} AS v FROM t1`),
  fc.tuple(kw('CREATE'), newName, kw('BEGIN'), kw('END'), expr).map(([c, n, b, e, x]) => `${c} TRIGGER ${n} AFTER INSERT ON t1 ${b} UPDATE t2 SET x = CASE WHEN 1 THEN ${x} END; SELECT 1; ${e}`),
  fc.tuple(kw('DROP'), newName).map(([d, n]) => `${d} TABLE IF EXISTS ${n}`),
  fc.tuple(kw('EXPLAIN'), expr).map(([e, x]) => `${e} QUERY PLAN SELECT ${x} FROM t1`),
);

describe('SQL: ordinary statements', () => {
  let db: BetterSqlite3.Database | undefined;
  let runs = 0;
  /** A plugin database, fresh every 500 statements (generated triggers on t1 pile up and slow every insert). */
  const database = (): BetterSqlite3.Database => {
    if (db && runs % 500 !== 0) return db;
    db?.close();
    db = openPluginDatabase(Sqlite, ':memory:', { durable: false, busyTimeoutMs: 100 });
    db.exec('CREATE TABLE t1 (a, b, c); CREATE TABLE t2 (x, y)');
    return db;
  };
  afterAll(() => db?.close());

  it('generated statements are SQL (SQLite prepares nearly all of them: the property is not vacuous)', () => {
    const samples = fc.sample(ordinary, { numRuns: 500, seed: 2 });
    expect(samples.filter((s) => prepares(s) === 'ok').length).toBeGreaterThan(450);
  });

  it(
    'DDL, DML and CTEs pass the deny list and run on a plugin database without a refusal',
    async () => {
      await checkProperty(
        { target: 'sql', name: 'ordinary DDL/DML/CTE (deny words in strings, comments, names): allowed and run', runs: 300, fuzzShare: 0.5 },
        fc.property(ordinary, fc.array(value, { maxLength: 3 }), (sql, params) => {
          if (prepares(sql) !== 'ok') return; // not SQL: nothing to allow
          expect(deniedSqlReason(sql), sql).toBe('');
          const request = parseSqlRequest(JSON.stringify({ sql, params: params.map((p) => (p.startsWith("'") ? p.slice(1, -1) : Number(p) || null)) }));
          expect(request.ok, sql).toBe(true);
          if (!request.ok) return;
          const answer = JSON.parse((runs % 2 ? runQuery : runExec)(database(), request.request)) as { error?: string };
          runs++;
          expect(answer.error ?? '', sql).not.toMatch(/not available to plugins/);
        }),
      );
    },
    FUZZ_TIMEOUT,
  );
});

// ---- the splitter and the boundary -------------------------------------------------------------

const soupToken = fc.constantFrom(
  'select', 'SELECT', 'pragma', 'PRAGMA', 'create', 'trigger', 'TRIGGER', 'begin', 'BEGIN', 'end', 'END', 'case', 'CASE', 'temp', 'TEMP', "'temp'", '"temp"', '[temp]', 'attach',
  'ATTACH', 'database', 'explain', 'query', 'plan', 'load_extension', 'sqlite_temp_master', 'table', 'x', 'items', 'on', 'after', 'insert', '1', "':memory:'",
  'as', 'y', 'user_version', '=', '5', ';', ';', '(', ')', '.', ',', "'", '"', '[', ']', '`', '--', '/*', '*/', '\n', ' ', ' ', 'vacuum', 'rollback', 'commit', 'savepoint', 'release',
);
const soup = fc.array(soupToken, { maxLength: 24 }).map((t) => t.join(' '));
const hostile = fc.oneof(
  soup,
  fc.tuple(fc.constantFrom(...list.denied), rewrite).map(([d, r]) => applyRewrite(d.sql, r)),
  fc.constantFrom(
    "CREATE TABLE 'temp'.x (a)",
    "CREATE TABLE main.'temp' (a)",
    "SELECT * FROM 'temp'.sqlite_master",
    "CREATE VIEW 'temp'.v AS SELECT 1",
    "CREATE INDEX 'temp'.i ON t1 (a)",
    "ATTACH ':memory:' AS 'x'",
    'CREATE TRIGGER x; PRAGMA user_version = 5',
    'CREATE TRIGGER t AFTER INSERT ON t1 BEGIN SELECT 1; PRAGMA user_version = 5',
    "SELECT * FROM pragma_user_version(5)",
    "SELECT * FROM pragma_journal_mode('delete')",
  ),
);

describe('SQL: the splitter and the boundary', () => {
  it(
    'text the deny list passes passes statement by statement',
    async () => {
      await checkProperty(
        { target: 'sql', name: 'splitter agrees with the deny list: allowed text is allowed piece by piece', runs: 400 },
        fc.property(hostile, (sql) => {
          if (deniedSqlReason(sql) !== '') return;
          for (const piece of splitSqlStatements(sql)) expect(deniedSqlReason(piece.text), `${sql}\n→ ${piece.text}`).toBe('');
        }),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    'after any call, the plugin database has nothing attached, no temp objects, no open transaction, its pragmas as set',
    async () => {
      const db = openPluginDatabase(Sqlite, ':memory:', { durable: false, busyTimeoutMs: 100 });
      db.exec('CREATE TABLE t1 (a, b, c); CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)');
      const state = () => ({
        schemas: (db.prepare('PRAGMA database_list').all() as { name: string }[]).map((s) => s.name),
        temp: Number(db.prepare('SELECT count(*) FROM temp.sqlite_master').pluck().get()),
        inTransaction: db.inTransaction,
        pragmas: ['journal_mode', 'foreign_keys', 'trusted_schema', 'max_page_count', 'page_size', 'user_version', 'application_id', 'query_only', 'cell_size_check', 'recursive_triggers'].map((p) => String(db.pragma(p, { simple: true }))),
      });
      state(); // reading temp.sqlite_master opens the (empty) temp schema: list it from the start
      const before = state();
      expect(before.schemas).toEqual(['main', 'temp']);
      try {
        await checkProperty(
          { target: 'sql', name: 'the boundary: any text leaves nothing attached, no temp objects, no open transaction, pragmas unchanged', runs: 300, fuzzShare: 0.5 },
          fc.property(hostile, fc.boolean(), (sql, query) => {
            const request = parseSqlRequest(JSON.stringify({ sql }));
            if (request.ok) (query ? runQuery : runExec)(db, request.request);
            expect(state(), sql).toEqual(before);
          }),
        );
      } finally {
        db.close();
      }
    },
    FUZZ_TIMEOUT,
  );

  it(
    'any request text: an answer or an error, never an exception',
    async () => {
      const requestText = fc.oneof(
        fc.string({ unit: 'binary', maxLength: 60 }),
        fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
        fc.record({ sql: fc.oneof(hostile, fc.jsonValue({ maxDepth: 1 })), params: fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 70 }), maxRows: fc.oneof(fc.integer(), fc.double(), fc.string()) }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
        fc.nat(12_000).map((n) => `{"sql":"SELECT 1","params":${'['.repeat(n)}${']'.repeat(n)}}`),
      );
      await checkProperty(
        { target: 'sql', name: 'any request text: ok or an error, never an exception', runs: 300, fuzzShare: 0.5 },
        fc.property(requestText, (raw) => {
          const r = parseSqlRequest(raw);
          if (r.ok) {
            expect(r.request.sql.trim()).not.toBe('');
            expect(deniedSqlReason(r.request.sql)).toBe('');
          } else expect(typeof r.error).toBe('string');
        }),
      );
    },
    FUZZ_TIMEOUT,
  );
});
