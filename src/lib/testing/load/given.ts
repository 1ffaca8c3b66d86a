// `given`: the state a scenario starts from (J.6, plus fs, config, sql, emotes and other
// plugins' storage). Owncast's own data (stream, users, chat history...) is decoded with the
// production wire types and Go's rules, so a value the reference runner would refuse (a
// number where a string belongs) is refused here too, in Go's words.

import { decode, VIDEO_CONFIG, WIRE, type WireStruct, type WireType } from '../../host/functions/wire.js';
import type { FileContent, Given, HttpFixture, Json, PluginGiven, SqlSeed } from '../scenario.js';
import type { Reader } from './reader.js';

/** Owncast data keys and the wire type each is decoded as. */
const WORLD: Record<string, { type: WireType; struct: WireStruct }> = {
  stream: { type: { struct: WIRE.StreamInfo }, struct: WIRE.StreamInfo },
  server: { type: { struct: WIRE.ServerInfo }, struct: WIRE.ServerInfo },
  broadcaster: { type: { struct: WIRE.StreamBroadcaster }, struct: WIRE.StreamBroadcaster },
  socials: { type: { slice: { struct: WIRE.SocialHandle } }, struct: WIRE.SocialHandle },
  federation: { type: { struct: WIRE.FederationInfo }, struct: WIRE.FederationInfo },
  videoConfig: { type: { struct: VIDEO_CONFIG }, struct: VIDEO_CONFIG },
  chatHistory: { type: { slice: { struct: WIRE.HostChatMessage } }, struct: WIRE.HostChatMessage },
  chatClients: { type: { slice: { struct: WIRE.HostChatClient } }, struct: WIRE.HostChatClient },
  users: { type: { slice: { struct: WIRE.HostUser } }, struct: WIRE.HostUser },
  emotes: { type: { slice: { struct: WIRE.Emote } }, struct: WIRE.Emote },
};

export const PLUGIN_GIVEN_KEYS = ['kv', 'fs', 'config', 'sql'] as const;
export const GIVEN_KEYS = [...PLUGIN_GIVEN_KEYS, 'httpResponses', ...Object.keys(WORLD), 'tags', 'plugins'] as const;
const FIXTURE_KEYS = ['url', 'method', 'status', 'headers', 'body'];

export function readGiven(r: Reader, source: string): Given | undefined {
  if (!r.expectKind('an object', 'object')) return undefined;
  r.unknownKeys(GIVEN_KEYS, 'given');
  const own = readPluginGiven(r);
  let ok = own !== undefined;
  const given: Given = own ?? {};

  const fixtures = r.present('httpResponses');
  if (fixtures) {
    const list = fixtures.array(readFixture, 'an array of {url, status, ...}');
    if (list) given.httpResponses = list;
    else ok = false;
  }
  for (const [key, spec] of Object.entries(WORLD)) {
    const node = r.present(key);
    if (!node) continue;
    const value = readWire(node, source, spec.type, spec.struct);
    if (value === undefined) ok = false;
    else (given as Record<string, unknown>)[key] = value;
  }
  const tags = r.present('tags');
  if (tags) {
    const list = tags.array((t) => t.string(), 'an array of strings');
    if (list) given.tags = list;
    else ok = false;
  }
  const plugins = r.present('plugins');
  if (plugins) {
    const bySlug = plugins.record((p) => {
      if (!p.expectKind('an object', 'object')) return undefined;
      p.unknownKeys(PLUGIN_GIVEN_KEYS, 'given.plugins.<slug>');
      return readPluginGiven(p);
    });
    if (bySlug) given.plugins = bySlug;
    else ok = false;
  }
  return ok ? given : undefined;
}

/** The storage and settings keys (for the plugin under test, or one in given.plugins). */
function readPluginGiven(r: Reader): PluginGiven | undefined {
  const out: PluginGiven = {};
  let ok = true;
  const kv = r.present('kv');
  if (kv) {
    // J.6: values must be strings; a number is a parse error in the reference
    const values = kv.record((v) => v.string(), 'an object of string values');
    if (values) out.kv = values;
    else ok = false;
  }
  const fs = r.present('fs');
  if (fs) {
    const files = fs.record((v, path) => readFileContent(v, path), 'an object of path → content');
    if (files) out.fs = files;
    else ok = false;
  }
  const config = r.present('config');
  if (config) {
    const values = config.record((v) => v.json());
    if (values) out.config = values;
    else ok = false;
  }
  const sql = r.present('sql');
  if (sql) {
    const statements = sql.array(readSqlSeed, 'an array of SQL statements');
    if (statements) out.sql = statements;
    else ok = false;
  }
  return ok ? out : undefined;
}

export function readFileContent(r: Reader, path: string): FileContent | undefined {
  // as owncast.fs takes them (production refuses a leading "/")
  if (path.startsWith('/') || path === '') return r.error(`file paths are relative to the plugin's storage, as owncast.fs takes them: write "${path.replace(/^\/+/, '') || 'name.txt'}"`, r.keyOffset);
  if (r.kind === 'string') return r.string();
  if (!r.expectKind('a string (the text) or {"base64": "..."}', 'object')) return undefined;
  r.unknownKeys(['base64'], 'a file');
  const b64 = r.member('base64')?.string();
  if (b64 === undefined) return r.error('a file given as an object needs "base64"');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) return r.error('"base64" is not base64');
  return { base64: b64 };
}

function readSqlSeed(r: Reader): SqlSeed | undefined {
  if (r.kind === 'string') {
    const sql = r.string()!;
    return sql.trim() ? { sql, params: [] } : r.error('an SQL statement must not be empty');
  }
  if (!r.expectKind('an SQL string or {"sql", "params"}', 'object')) return undefined;
  r.unknownKeys(['sql', 'params'], 'an SQL statement');
  const sql = r.member('sql')?.string();
  if (sql === undefined) return r.error('an SQL statement given as an object needs "sql"');
  const params = r.present('params')?.array((p) => p.json()) ?? [];
  return { sql, params };
}

function readFixture(r: Reader): HttpFixture | undefined {
  if (!r.expectKind('an object', 'object')) return undefined;
  r.unknownKeys(FIXTURE_KEYS, 'an httpResponses fixture');
  const url = r.member('url');
  if (!url) return r.error('an httpResponses fixture needs "url" (a glob over the whole URL)');
  const glob = url.string();
  const method = r.present('method')?.string() ?? '';
  const statusNode = r.member('status');
  // Go leaves a missing status at 0, which net/http refuses; say so up front instead
  if (!statusNode) return r.error('an httpResponses fixture needs "status"');
  const status = statusNode.integer(100, 999);
  const headers = r.present('headers')?.record((v) => v.string(), 'an object of header → value') ?? {};
  const body = r.present('body')?.string() ?? '';
  if (glob === undefined || status === undefined || headers === undefined) return undefined;
  return { url: glob, method, status, headers, body };
}

/** Decodes a value with production's wire type and Go's rules; warns about keys Go would ignore. */
function readWire(r: Reader, source: string, type: WireType, struct: WireStruct): unknown {
  const fields = struct.fields.map((f) => f.name);
  for (const item of typeof type === 'object' && 'slice' in type ? r.items() : [r]) {
    if (item.kind === 'object') item.unknownKeys(fields, `a ${struct.name}`);
  }
  const decoded = decode(source.slice(r.node.offset, r.node.end), type);
  if (!decoded.ok) return r.error(decoded.error);
  return decoded.value as Json;
}
