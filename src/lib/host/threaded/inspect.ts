// The worker's answers to the dev console's questions (inspection.ts): plugin KV, SQL tables
// and rows, storage.fs files, runtime action buttons, and the dev world. Storage is read
// where the plugins keep it (the worker's KV store, the fs sandboxes, the SQL helper process),
// through the same guards the plugins go through, so the console cannot see past them.

import { UserError } from '../../errors.js';
import { SLUG_PATTERN } from '../../manifest/index.js';
import type { DevEnv } from '../env/index.js';
import { readRuntimeActions, RUNTIME_ACTIONS_KEY } from '../functions/index.js';
import type { PluginHost } from '../host.js';
import { MAX_INSPECT_ROWS, type SqlInspectAnswer, type SqlInspectRequest } from '../offthread/sql/index.js';
import { FsPathRefused } from '../storage/index.js';
import {
  FILES_INSPECT_MAX_ENTRIES,
  KV_INSPECT_MAX_ENTRIES,
  KV_INSPECT_VALUE_MAX,
  READ_FILE_MAX_BYTES,
  type ChatLog,
  type FileContent,
  type FileListing,
  type InspectQuery,
  type KvListing,
  type SqlRowsPage,
  type SqlTableInfo,
  type SqlTablesListing,
  type WorldView,
} from './inspection.js';

/** Keys the host keeps in a plugin's own KV namespace (production does the same). */
const HOST_KV_KEYS: ReadonlySet<string> = new Set([RUNTIME_ACTIONS_KEY]);

export function inspect(host: PluginHost, env: DevEnv, query: InspectQuery): unknown {
  switch (query.what) {
    case 'kv':
      return kvListing(host, checkedSlug(query.slug));
    case 'sqlTables':
      return { slug: query.slug, tables: sql(host, checkedSlug(query.slug), { op: 'tables' }) as SqlTableInfo[] } satisfies SqlTablesListing;
    case 'sqlRows':
      return sqlRows(host, checkedSlug(query.slug), query.table, query.limit, query.offset);
    case 'files': {
      const { entries, truncated } = host.fs.sandbox(checkedSlug(query.slug)).tree(FILES_INSPECT_MAX_ENTRIES);
      return { slug: query.slug, entries, truncated } satisfies FileListing;
    }
    case 'readFile':
      return readFile(host, checkedSlug(query.slug), query.path);
    case 'runtimeActions':
      return readRuntimeActions(host.kv, checkedSlug(query.slug));
    case 'chatHistory':
      return { messages: [...env.world.chatHistory] } satisfies ChatLog;
    case 'world': {
      const { chatHistory: _log, ...world } = env.world;
      return world satisfies WorldView;
    }
    case 'recordChat':
      return env.recordChat(query.message);
  }
}

/** A slug names directories (fs sandboxes, SQL databases): nothing but a manifest slug may reach them. */
function checkedSlug(slug: unknown): string {
  if (typeof slug === 'string' && SLUG_PATTERN.test(slug)) return slug;
  throw new UserError(`${JSON.stringify(slug)} is not a plugin slug`, { code: 'INVALID_SLUG' });
}

function kvListing(host: PluginHost, slug: string): KvListing {
  const keys = host.kv.keys(slug);
  const entries = keys.slice(0, KV_INSPECT_MAX_ENTRIES).map((key) => {
    const stored = host.kv.get(slug, key) ?? '';
    const truncated = stored.length > KV_INSPECT_VALUE_MAX;
    return {
      key,
      value: truncated ? stored.slice(0, KV_INSPECT_VALUE_MAX) : stored,
      size: Buffer.byteLength(stored, 'utf8'),
      truncated,
      runtime: HOST_KV_KEYS.has(key),
    };
  });
  return { slug, entries, total: keys.length, truncated: keys.length > entries.length };
}

function sqlRows(host: PluginHost, slug: string, table: unknown, limit: unknown, offset: unknown): SqlRowsPage {
  if (typeof table !== 'string' || table === '') throw new UserError('name the table to read', { code: 'SQL_NO_SUCH_TABLE' });
  const count = (value: unknown, name: string): number => {
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
    throw new UserError(`${name} must be a whole number of rows, 0 or more (got ${JSON.stringify(value)})`, { code: 'INVALID_ARGUMENT' });
  };
  // a bigger page than the helper reads is cut to its size, not refused
  const page = { op: 'rows', table, limit: Math.min(count(limit, 'limit'), MAX_INSPECT_ROWS), offset: count(offset, 'offset') } as const;
  return sql(host, slug, page) as SqlRowsPage;
}

function sql(host: PluginHost, slug: string, request: SqlInspectRequest): unknown {
  if (!host.sqlInspector) throw new UserError('storage.sql is not available in this host', { code: 'SQL_UNAVAILABLE' });
  const answer: SqlInspectAnswer = host.sqlInspector.inspect(slug, request);
  if (answer.ok) return answer.value;
  switch (answer.code) {
    case 'no-such-table':
      throw new UserError(`plugin "${slug}" has ${answer.error}`, {
        code: 'SQL_NO_SUCH_TABLE',
        nextSteps: ['Pick one of the tables sqlTables() lists.'],
      });
    case 'timeout':
      throw new UserError(`plugin "${slug}": ${answer.error}; it may be locked by another process or very large`, { code: 'SQL_TIMEOUT' });
    default:
      throw new UserError(`plugin "${slug}": reading its database failed: ${answer.error}`, { code: 'SQL_UNAVAILABLE' });
  }
}

function readFile(host: PluginHost, slug: string, path: unknown): FileContent {
  if (typeof path !== 'string') throw new UserError('the file path must be a string', { code: 'INVALID_ARGUMENT' });
  let peeked: { data: Uint8Array; size: number } | null;
  try {
    peeked = host.fs.sandbox(slug).peek(path, READ_FILE_MAX_BYTES);
  } catch (err) {
    if (err instanceof FsPathRefused) throw new UserError(`path ${JSON.stringify(path)} refused: ${err.message}`, { code: 'PATH_REFUSED' });
    throw err;
  }
  if (!peeked) throw new UserError(`plugin "${slug}" has no file ${JSON.stringify(path)}`, { code: 'FILE_NOT_FOUND' });
  return { slug, path, data: peeked.data, size: peeked.size, truncated: peeked.size > peeked.data.byteLength };
}
