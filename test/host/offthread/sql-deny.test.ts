import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { deniedSqlReason, scanSqlTokens } from '../../../src/lib/host/offthread/sql/deny.js';
import { parseSqlRequest } from '../../../src/lib/host/offthread/sql/request.js';

interface DenyList {
  denied: { sql: string; reason: string; request?: string; expectContains?: string }[];
  allowed: { sql: string; request?: string }[];
}

// A copy of shared/conformance/sql-deny-list.json, so the parity check runs wherever the repo does.
const localFile = fileURLToPath(new URL('./fixtures/sql-deny-list.json', import.meta.url));
const sharedFile = fileURLToPath(new URL('../../../../shared/conformance/sql-deny-list.json', import.meta.url));
const list = JSON.parse(readFileSync(localFile, 'utf8')) as DenyList;

describe('SQL deny list (production sqldenied.go parity)', () => {
  it.skipIf(!existsSync(sharedFile))('the local fixture is the shared conformance file', () => {
    expect(readFileSync(localFile, 'utf8')).toBe(readFileSync(sharedFile, 'utf8'));
  });

  it.each(list.denied.map((d) => [d.sql, d]))('refuses %j with the production message', (_sql, entry) => {
    expect(deniedSqlReason(entry.sql)).toBe(entry.reason);
    if (entry.expectContains) expect(entry.reason).toContain(entry.expectContains);
    // ParseSQLRequest returns the reason itself (the sql is trimmed first, which changes none of these).
    const request = entry.request ?? JSON.stringify({ sql: entry.sql });
    expect(parseSqlRequest(request)).toEqual({ ok: false, error: entry.reason });
  });

  it.each(list.allowed.map((a) => [a.sql, a]))('allows %j', (_sql, entry) => {
    expect(deniedSqlReason(entry.sql)).toBe('');
    const parsed = parseSqlRequest(entry.request ?? JSON.stringify({ sql: entry.sql }));
    expect(parsed.ok).toBe(true);
  });

  it('skips comments and string literals, including escaped quotes', () => {
    expect(deniedSqlReason("SELECT 'it''s; PRAGMA x' AS v")).toBe('');
    expect(deniedSqlReason('SELECT 1 /* ; ATTACH */ ')).toBe('');
    expect(deniedSqlReason('SELECT 1 -- ; VACUUM')).toBe('');
    expect(deniedSqlReason('SELECT 1 -- note\n; VACUUM')).toBe('VACUUM is not available to plugins');
    // An unterminated literal or comment swallows the rest, as SQLite would refuse to parse it anyway.
    expect(deniedSqlReason("SELECT 'x; PRAGMA y")).toBe('');
  });

  it('keeps a trigger body together across inner semicolons and CASE … END', () => {
    const trigger =
      'CREATE TRIGGER t AFTER INSERT ON items BEGIN UPDATE items SET n = CASE WHEN n > 1 THEN CASE WHEN n > 2 THEN 2 END ELSE 0 END; DELETE FROM items WHERE 0; END';
    expect(deniedSqlReason(trigger)).toBe('');
    expect(deniedSqlReason(`${trigger}; SELECT 1`)).toBe('');
    expect(deniedSqlReason(`${trigger}; ROLLBACK`)).toBe('transaction control is not available to plugins');
    // Inside the body, statement heads are not statement heads.
    expect(deniedSqlReason('CREATE TRIGGER t AFTER INSERT ON items BEGIN SELECT 1; END')).toBe('');
  });

  it('applies the EXPLAIN prefix rules to every statement of a batch', () => {
    expect(deniedSqlReason('EXPLAIN QUERY PLAN SELECT 1; EXPLAIN VACUUM')).toBe('VACUUM is not available to plugins');
    expect(deniedSqlReason('explain query plan pragma user_version')).toBe('PRAGMA is not available to plugins');
    expect(deniedSqlReason('EXPLAIN SELECT 1')).toBe('');
  });

  it('reads delimited identifiers without their delimiters and marks calls and qualifiers', () => {
    const tokens = scanSqlTokens('SELECT "Temp" . x, load_extension /* c */ (1) FROM `t`');
    expect(tokens.map((t) => [t.text, t.qualifier, t.call, t.quoted])).toEqual([
      ['select', false, false, false],
      ['temp', true, false, true],
      ['x', false, false, false],
      ['load_extension', false, true, false],
      ['1', false, false, false],
      ['from', false, false, false],
      ['t', false, false, true],
    ]);
    expect(deniedSqlReason('SELECT * FROM " temp ".t')).toBe(
      'temporary tables, indexes, views, and triggers are not available to plugins',
    );
  });
});
