// The final `expect` of a scenario (J.5, plus logs, sse, fs, sql, strikes and disabled, and
// `plugins` to narrow any key to one plugin). What each key holds is checked here; how it is
// matched is the runner's (run/expectations.ts).

import { decode, VIDEO_CONFIG_UPDATE } from '../../host/functions/wire.js';
import { exact } from '../match/strings.js';
import type { Assertion, Expectations, ExpectKey, Json, StringMatcher } from '../scenario.js';
import { readFileContent } from './given.js';
import type { Reader } from './reader.js';
import { readMatcher, readPattern } from './steps.js';

type KeyReader = (r: Reader, source: string) => unknown;

const matcherList: KeyReader = (r) => r.array(readMatcher, 'an array of strings');

/** `{field: string}` entries where a left-out field compares as "" (the reference's Go zero value). */
function fields<K extends string>(required: readonly K[], optional: readonly K[], what: string, otherKeys: readonly string[] = []) {
  return (r: Reader): Record<K, StringMatcher> | undefined => {
    if (!r.expectKind('an object', 'object')) return undefined;
    r.unknownKeys([...required, ...optional, ...otherKeys], what);
    const out = {} as Record<K, StringMatcher>;
    for (const key of [...required, ...optional]) {
      const node = r.present(key);
      if (!node) {
        if (required.includes(key)) return r.error(`${what} needs "${key}"`);
        out[key] = exact('');
        continue;
      }
      const m = readMatcher(node);
      if (!m) return undefined;
      out[key] = m;
    }
    return out;
  };
}

/** Drops fields that are "" (checked only when non-empty, J.5). */
function dropEmpty<T extends Record<string, unknown>>(entry: T | undefined, keys: string[]): T | undefined {
  if (!entry) return undefined;
  for (const k of keys) {
    const m = entry[k] as StringMatcher | undefined;
    if (m && m.kind === 'exact' && m.value === '') delete entry[k];
  }
  return entry;
}

function uint64(r: Reader): string | undefined {
  const raw = r.rawNumber();
  if (raw === undefined || !/^\d+$/.test(raw) || BigInt(raw) >= 2n ** 64n) return r.error('must be a client id (a whole number ≥ 0)');
  return BigInt(raw).toString();
}

const READERS: Record<ExpectKey, KeyReader> = {
  chatSends: matcherList,
  chatActions: matcherList,
  chatSystems: matcherList,
  deletedMessages: matcherList,
  discordPosts: matcherList,
  bannedIPs: matcherList,
  fediverseOutbox: matcherList,
  kickedClients: (r) => r.array(uint64, 'an array of client ids'),
  chatTo: (r) =>
    r.array((e) => {
      if (!e.expectKind('an object {clientId, text}', 'object')) return undefined;
      e.unknownKeys(['clientId', 'text'], 'a chatTo entry');
      const id = e.member('clientId');
      const text = e.member('text');
      if (!id || !text) return e.error('a chatTo entry needs "clientId" and "text"');
      const clientId = uint64(id);
      const m = readMatcher(text);
      return clientId === undefined || !m ? undefined : { clientId, text: m };
    }),
  emits: (r) =>
    r.array((e) => {
      if (!e.expectKind('an object {eventType, payload?}', 'object')) return undefined;
      e.unknownKeys(['eventType', 'payload'], 'an emits entry');
      const type = e.member('eventType');
      if (!type) return e.error('an emits entry needs "eventType"');
      const eventType = readMatcher(type);
      const payloadNode = e.present('payload');
      const payload = payloadNode ? readPattern(payloadNode) : undefined;
      if (!eventType || (payloadNode && payload === undefined)) return undefined;
      return payloadNode ? { eventType, payload } : { eventType };
    }),
  kv: (r) => r.record(readMatcher, 'an object of key → value'),
  httpRequests: (r) => r.array((e) => dropEmpty(fields(['url'], ['method', 'body'], 'an httpRequests entry')(e), ['method', 'body'])),
  browserPushes: (r) => r.array(fields(['title'], ['body', 'url'], 'a browserPushes entry')),
  fediversePosts: (r) => r.array(fields(['type'], ['body', 'image', 'link'], 'a fediversePosts entry')),
  userModerations: (r) =>
    r.array((e) => {
      if (!e.expectKind('an object {userId, enabled, reason?}', 'object')) return undefined;
      // `enabled` is not a string field: read apart (left out, it is Go's false)
      const base = fields(['userId'], ['reason'], 'a userModerations entry', ['enabled'])(e);
      const enabledNode = e.present('enabled');
      const enabled = enabledNode ? enabledNode.boolean() : false;
      return base && enabled !== undefined ? { ...base, enabled } : undefined;
    }),
  uploads: (r) => r.array((e) => dropEmpty(fields(['name'], ['body'], 'an uploads entry')(e), ['body'])),
  videoConfigWrites: (r, source) =>
    r.array((e) => {
      const decoded = decode<Record<string, unknown>>(source.slice(e.node.offset, e.node.end), { struct: VIDEO_CONFIG_UPDATE });
      if (!decoded.ok) return e.error(decoded.error);
      if (e.kind === 'object') e.unknownKeys(VIDEO_CONFIG_UPDATE.fields.map((f) => f.name), 'a VideoConfigUpdate');
      return decoded.value as Json;
    }),
  logs: (r) =>
    r.array((e) => {
      if (e.kind === 'string') {
        const message = readMatcher(e);
        return message ? { message } : undefined;
      }
      if (!e.expectKind('a string or {level?, message}', 'object')) return undefined;
      e.unknownKeys(['level', 'message'], 'a logs entry');
      const messageNode = e.member('message');
      if (!messageNode) return e.error('a logs entry needs "message"');
      const message = readMatcher(messageNode);
      const levelNode = e.present('level');
      const level = levelNode?.string();
      if (level !== undefined && !['debug', 'info', 'warn', 'error'].includes(level)) {
        return levelNode!.error(`level must be debug, info, warn or error, not "${level}"`);
      }
      return message ? { message, ...(level !== undefined ? { level } : {}) } : undefined;
    }),
  sse: (r) =>
    r.array((e) => {
      if (!e.expectKind('an object {channel?, event?, data?}', 'object')) return undefined;
      e.unknownKeys(['channel', 'event', 'data'], 'an sse entry');
      const out: { channel?: StringMatcher; event?: StringMatcher; data?: Json } = {};
      for (const key of ['channel', 'event'] as const) {
        const node = e.present(key);
        if (node) out[key] = readMatcher(node);
      }
      const data = e.present('data');
      if (data) out.data = readPattern(data);
      return out;
    }),
  fs: (r) =>
    r.record((v, path) => {
      if (v.kind === 'null') return null;
      if (v.kind === 'string') return readMatcher(v);
      return readFileContent(v, path);
    }, 'an object of path → content (null: must not exist)'),
  sql: (r) =>
    r.array((e) => {
      if (!e.expectKind('an object {query, params?, rows}', 'object')) return undefined;
      e.unknownKeys(['query', 'params', 'rows'], 'an sql entry');
      const queryNode = e.member('query');
      const rowsNode = e.member('rows');
      if (!queryNode || !rowsNode) return e.error('an sql entry needs "query" and "rows"');
      const query = queryNode.string();
      const params = e.present('params')?.array((p) => p.json()) ?? [];
      const rows = rowsNode.array((row) => (row.expectKind('an object (a row)', 'object') ? readPattern(row) : undefined), 'an array of rows');
      return query === undefined || rows === undefined ? undefined : { query, params, rows, pointer: e.pointer };
    }),
  strikes: (r) => r.integer(0, 1_000_000),
  disabled: (r) => r.boolean(),
};

export const EXPECT_KEYS = Object.keys(READERS) as ExpectKey[];

export function readExpectations(r: Reader, source: string, nested = false): Expectations | undefined {
  if (!r.expectKind('an object', 'object')) return undefined;
  r.unknownKeys(nested ? EXPECT_KEYS : [...EXPECT_KEYS, 'plugins'], nested ? 'expect.plugins.<slug>' : 'expect');
  const out: Expectations = {};
  for (const key of EXPECT_KEYS) {
    const node = r.present(key);
    if (!node) continue;
    const want = READERS[key](node, source);
    if (want === undefined) continue;
    (out as Record<string, Assertion<unknown>>)[key] = { want, pointer: node.pointer };
  }
  const plugins = nested ? undefined : r.present('plugins');
  if (plugins) out.plugins = plugins.record((p) => readExpectations(p, source, true)) ?? {};
  return out;
}
