// storage.sql as a plugin sees it (production sqlrunner_test, sqldenied_test): the deny list's
// messages, what stays allowed, and the row cap, through a real plugin and the SQL service.
// Every deny-list and request-parsing entry is pinned at the parser in
// test/host/offthread/sql-deny.test.ts and sql-request.test.ts.
import { afterEach, describe, expect, it } from 'vitest';

import type { PluginHost } from '../../../src/lib/host/host.js';
import { recordingHost, type Recorded } from '../../helpers/host.js';
import { load, said } from './helpers.js';

let host: PluginHost;
let rec: Recorded;
afterEach(() => host?.close());

describe('owncast.sql through a plugin (sqlrunner_test, sqldenied_test)', () => {
  it('refuses what production refuses, with its messages, and runs ordinary SQL that only looks similar', async () => {
    ({ host, rec } = recordingHost());
    await load(host, 'probe', { slug: 'sql', permissions: ['chat.send', 'storage.sql'] });
    const exec = (sql: string) => host.dispatch('sql.exec', { sql });
    const query = (sql: string) => host.dispatch('sql.sql', { sql });
    for (const sql of [
      'PRAGMA page_size',
      "ATTACH DATABASE 'x' AS y",
      'BEGIN IMMEDIATE',
      'CREATE TEMP TABLE t (v)',
      'SELECT * FROM sqlite_temp_master',
      "SELECT load_extension('evil.so')",
      'CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT); CREATE TRIGGER touch AFTER INSERT ON items BEGIN SELECT CASE WHEN 1 THEN 1 END; END; COMMIT',
    ]) {
      await exec(sql);
    }
    expect(said(rec, 'sql')).toEqual([
      'error: PRAGMA is not available to plugins',
      'error: ATTACH is not available to plugins',
      'error: transaction control is not available to plugins',
      'error: temporary tables, indexes, views, and triggers are not available to plugins',
      'error: the temp schema is not available to plugins',
      'error: load_extension is not available to plugins',
      'error: transaction control is not available to plugins',
    ]);
    rec.chat.length = 0;
    await exec('CREATE TABLE temperature (celsius REAL, temp INTEGER)');
    await exec('INSERT INTO temperature VALUES (21.5, 1), (-3, 2)');
    await query("SELECT 'PRAGMA page_size' AS words, count(*) AS n, max(temp) AS temp FROM temperature");
    await query('WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 3) SELECT json_group_array(i) AS j FROM c');
    expect(said(rec, 'sql')).toEqual([
      '{"rowsAffected":0,"lastInsertId":0}',
      '{"rowsAffected":2,"lastInsertId":2}',
      '[{"words":"PRAGMA page_size","n":2,"temp":2}]',
      '[{"j":"[1,2,3]"}]',
    ]);
  });

  it('a query without a LIMIT that matches more than 10 000 rows is an error, not a short answer', async () => {
    ({ host, rec } = recordingHost());
    await load(host, 'probe', { slug: 'sql', permissions: ['chat.send', 'storage.sql'] });
    await host.dispatch('sql.sql', { sql: 'WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 10001) SELECT i FROM c' });
    await host.dispatch('sql.sql', { sql: 'WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 10000) SELECT count(*) AS n FROM (SELECT i FROM c)' });
    expect(said(rec, 'sql')).toEqual(['error: SQL result exceeds 10000 rows; add a LIMIT', '[{"n":10000}]']);
  });
});
