// Script files: JSON in, a SimScript out, or a UserError whose diagnostics point at the line,
// column and JSON pointer of every mistake (schemas/simulate-script.schema.json documents the
// same format for editors).

import { dirname, resolve } from 'node:path';

import { codeFrame } from '../cli/code-frame.js';
import { type Diagnostic, UserError } from '../errors.js';
import type { ServerInfo } from '../host/env/index.js';
import { isBuiltInEvent } from '../host/dispatch/index.js';
import { JsonSyntaxError, LineIndex, parseJson } from '../manifest/json.js';
import { parseDuration } from './duration.js';
import { JsonReader, closest, type ReadError } from './json-reader.js';
import {
  FEDIVERSE_KINDS,
  STEP_TYPES,
  USER_ROLES,
  userForRole,
  type FediverseActor,
  type FediverseKind,
  type HttpFixture,
  type ScriptEvent,
  type ScriptStep,
  type ScriptStepType,
  type ScriptStream,
  type ScriptUser,
  type SimScript,
  type UserRole,
} from './script.js';

const TOP_KEYS = ['$schema', 'name', 'description', 'plugins', 'start', 'stream', 'server', 'users', 'httpResponses', 'events'];
const STREAM_KEYS = ['title', 'summary', 'online', 'viewers', 'liveFor'];
const SERVER_KEYS = ['name', 'url', 'summary', 'welcomeMessage', 'version'];
const USER_KEYS = ['id', 'displayName', 'role', 'scopes'];
const FIXTURE_KEYS = ['url', 'method', 'status', 'headers', 'body'];
const ACTOR_KEYS = ['name', 'handle', 'url', 'image'];
const TIMING_KEYS = ['at', 'after', 'type', 'note'];
const STEP_KEYS: Record<ScriptStepType, { required: string[]; optional: string[] }> = {
  chat: { required: ['user', 'body'], optional: [] },
  join: { required: ['user'], optional: [] },
  part: { required: ['user'], optional: [] },
  rename: { required: ['user', 'to'], optional: [] },
  'stream.start': { required: [], optional: ['title', 'summary'] },
  'stream.stop': { required: [], optional: [] },
  title: { required: ['title'], optional: [] },
  viewers: { required: ['count'], optional: [] },
  fediverse: { required: ['kind', 'actor'], optional: ['content', 'url', 'inReplyTo'] },
  emit: { required: ['event'], optional: ['payload'] },
  event: { required: ['event'], optional: ['payload'] },
  clock: { required: ['advance'], optional: [] },
};

/**
 * Parses and checks a script. `file` names it in errors and anchors its relative plugin
 * paths. Throws a UserError (exit 2, code SCRIPT_INVALID) listing every problem found, each
 * with line, column, JSON pointer and a code frame.
 */
export function parseScript(text: string, file: string): SimScript {
  let root;
  try {
    root = parseJson(text);
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    throw scriptError(text, file, [{ message: `invalid JSON: ${err.message}`, pointer: '', offset: err.offset }]);
  }
  const errors: ReadError[] = [];
  const script = readScript(new JsonReader(root, '', errors), dirname(file));
  if (errors.length > 0 || !script) throw scriptError(text, file, errors);
  return { ...script, file };
}

function scriptError(text: string, file: string, errors: ReadError[]): UserError {
  const lines = new LineIndex(text);
  const diagnostics: Diagnostic[] = errors.map((e) => {
    const { line, column } = lines.position(e.offset);
    return { text: e.message, file, line, column, pointer: e.pointer, frame: codeFrame(text, line, column) };
  });
  const first = diagnostics[0]!;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return new UserError(`${file}:${first.line}:${first.column}: ${first.text}${more}`, {
    code: 'SCRIPT_INVALID',
    exitCode: 2,
    diagnostics,
    nextSteps: ['The format is described, key by key, in schemas/simulate-script.schema.json (shipped with owncast-plugin); point "$schema" at it for editor help.'],
  });
}

function readScript(r: JsonReader, baseDir: string): Omit<SimScript, 'file'> | undefined {
  const top = r.object('an object with "users" and "events"');
  if (!top) return undefined;
  r.unknownKeys(TOP_KEYS, 'the script');
  const name = top.get('name')?.string() ?? 'script';
  const description = top.get('description')?.string() ?? '';
  const plugins = (top.get('plugins')?.array('an array of plugin paths') ?? []).flatMap((p) => {
    const path = p.nonEmptyString('a plugin path (relative to the script)');
    return path === undefined ? [] : [resolve(baseDir, path)];
  });
  let start: number | undefined;
  const startNode = top.get('start');
  if (startNode) {
    const s = startNode.string('an ISO 8601 time such as "2026-11-29T20:00:00Z"');
    if (s !== undefined) {
      start = Date.parse(s);
      if (!/^\d{4}-\d{2}-\d{2}T/.test(s) || Number.isNaN(start)) {
        startNode.error(`${startNode.label()} must be an ISO 8601 time such as "2026-11-29T20:00:00Z", not ${JSON.stringify(s)}`);
      }
    }
  }
  const stream = readStream(top.get('stream'));
  const server = readServer(top.get('server'));
  const usersNode = top.get('users');
  const users = usersNode ? readUsers(usersNode) : [];
  const httpResponses = (top.get('httpResponses')?.array('an array of {url, status, ...}') ?? []).flatMap((f) => {
    const fixture = readFixture(f);
    return fixture ? [fixture] : [];
  });
  const eventsNode = top.get('events');
  if (!eventsNode) {
    r.error('the script has no "events": add an array of things that happen, e.g. [{"at": "1s", "type": "chat", "user": "alice", "body": "hi"}]');
    return undefined;
  }
  const events = readEvents(eventsNode, users);
  return { name, description, plugins, ...(start !== undefined ? { start } : {}), stream, server, users, httpResponses, events };
}

function readStream(r: JsonReader | undefined): ScriptStream {
  const stream: ScriptStream = { title: 'Live demo stream', summary: '', online: false, viewers: 0, liveForMs: 0 };
  const m = r?.object('an object ({title, summary, online, viewers, liveFor})');
  if (!r || !m) return stream;
  r.unknownKeys(STREAM_KEYS, 'stream');
  stream.title = m.get('title')?.string() ?? stream.title;
  stream.summary = m.get('summary')?.string() ?? stream.summary;
  stream.online = m.get('online')?.boolean() ?? stream.online;
  stream.viewers = count(m.get('viewers')) ?? stream.viewers;
  const liveFor = m.get('liveFor');
  if (liveFor) stream.liveForMs = duration(liveFor) ?? 0;
  return stream;
}

function readServer(r: JsonReader | undefined): ServerInfo {
  const server: ServerInfo = { name: 'Simulated Owncast', url: 'https://owncast.example', summary: 'A stream simulated by owncast-plugin', version: 'Owncast v0.2.3' };
  const m = r?.object('an object ({name, url, summary, welcomeMessage, version})');
  if (!r || !m) return server;
  r.unknownKeys(SERVER_KEYS, 'server');
  for (const key of SERVER_KEYS) {
    const v = m.get(key)?.string();
    if (v !== undefined) server[key as keyof ServerInfo] = v;
  }
  return server;
}

function readUsers(r: JsonReader): ScriptUser[] {
  const out: ScriptUser[] = [];
  for (const item of r.array('an array of users ("alice" or {"id", "displayName", "role"})') ?? []) {
    const user = readUser(item);
    if (!user) continue;
    const clash = out.find((u) => u.id === user.id || u.displayName === user.displayName);
    if (clash) {
      item.error(`${item.label()}: a user with the ${clash.id === user.id ? `id "${user.id}"` : `name "${user.displayName}"`} is already in the cast`);
      continue;
    }
    out.push(user);
  }
  return out;
}

function readUser(r: JsonReader): ScriptUser | undefined {
  if (r.node.type === 'string') {
    const name = r.nonEmptyString('a display name');
    return name === undefined ? undefined : userForRole(`u-${name}`, name, 'viewer');
  }
  const m = r.object('a display name or {"id", "displayName", "role", "scopes"}');
  if (!m) return undefined;
  r.unknownKeys(USER_KEYS, 'a user');
  const displayName = m.get('displayName')?.nonEmptyString();
  if (!m.has('displayName')) r.error(`${r.label()} needs "displayName"`);
  if (displayName === undefined) return undefined;
  const id = m.get('id')?.nonEmptyString() ?? `u-${displayName}`;
  let role: UserRole = 'viewer';
  const roleNode = m.get('role');
  const roleText = roleNode?.string(`one of ${USER_ROLES.join(', ')}`);
  if (roleNode && roleText !== undefined) {
    if ((USER_ROLES as readonly string[]).includes(roleText)) role = roleText as UserRole;
    else roleNode.error(`${roleNode.label()} must be one of ${USER_ROLES.join(', ')}, not ${JSON.stringify(roleText)}${didYouMean(roleText, USER_ROLES)}`);
  }
  const scopes = (m.get('scopes')?.array('an array of scope names') ?? []).flatMap((s) => s.nonEmptyString() ?? []);
  return userForRole(id, displayName, role, scopes);
}

function readFixture(r: JsonReader): HttpFixture | undefined {
  const m = r.object('an object ({url, method, status, headers, body})');
  if (!m) return undefined;
  r.unknownKeys(FIXTURE_KEYS, 'an httpResponses entry');
  const url = m.get('url')?.nonEmptyString('a URL glob such as "https://api.ipify.org*"');
  if (!m.has('url')) r.error(`${r.label()} needs "url" (a glob over the whole URL)`);
  const method = (m.get('method')?.string() ?? '').toUpperCase();
  const statusNode = m.get('status');
  let status = 200;
  if (statusNode) {
    const s = statusNode.number('an HTTP status code');
    if (s !== undefined && (!Number.isInteger(s) || s < 100 || s > 599)) statusNode.error(`${statusNode.label()} must be an HTTP status code (100-599), not ${s}`);
    else if (s !== undefined) status = s;
  }
  const headers: Record<string, string> = {};
  const headersNode = m.get('headers');
  for (const [k, v] of headersNode?.object('an object of header names to strings') ?? []) {
    const value = v.string();
    if (value !== undefined) headers[k] = value;
  }
  const bodyNode = m.get('body');
  const body = bodyNode === undefined ? '' : bodyNode.node.type === 'string' ? bodyNode.node.value : JSON.stringify(bodyNode.value());
  return url === undefined ? undefined : { url, method, status, headers, body };
}

function readEvents(r: JsonReader, users: ScriptUser[]): ScriptEvent[] {
  const out: ScriptEvent[] = [];
  let previous = 0;
  for (const [index, item] of (r.array('an array of events') ?? []).entries()) {
    const m = item.object('an event object ({"at": "1s", "type": "chat", ...})');
    if (!m) continue;
    const typeNode = m.get('type');
    const typeText = typeNode?.string(`one of ${STEP_TYPES.join(', ')}`);
    if (!typeNode) item.error(`${item.label()} needs "type" (one of ${STEP_TYPES.join(', ')})`);
    let type: ScriptStepType | undefined;
    if (typeNode && typeText !== undefined) {
      if ((STEP_TYPES as readonly string[]).includes(typeText)) type = typeText as ScriptStepType;
      else typeNode.error(`${typeNode.label()}: unknown event type ${JSON.stringify(typeText)}${didYouMean(typeText, STEP_TYPES)}; the types are ${STEP_TYPES.join(', ')}`);
    }
    const at = readTiming(item, m, previous);
    if (at !== undefined) previous = at;
    if (!type) continue;
    const keys = STEP_KEYS[type];
    item.unknownKeys([...TIMING_KEYS, ...keys.required, ...keys.optional], `a "${type}" event`);
    const missing = keys.required.filter((k) => !m.has(k));
    if (missing.length > 0) {
      item.error(`${item.label()}: a "${type}" event needs ${missing.map((k) => `"${k}"`).join(' and ')}`);
      continue;
    }
    const step = readStep(type, m, users);
    if (step && at !== undefined) out.push({ at, index, step });
  }
  return out;
}

/** `at` (from the start) or `after` (from the previous event), never both; default right after the previous one. */
function readTiming(item: JsonReader, m: Map<string, JsonReader>, previous: number): number | undefined {
  const atNode = m.get('at');
  const afterNode = m.get('after');
  if (atNode && afterNode) return item.error(`${item.label()} has both "at" and "after": give one`, { offset: afterNode.node.offset, pointer: afterNode.pointer });
  if (afterNode) {
    const after = duration(afterNode);
    return after === undefined ? undefined : previous + after;
  }
  if (!atNode) return previous;
  const at = duration(atNode);
  if (at !== undefined && at < previous) {
    return atNode.error(
      `${atNode.label()} (${describeMs(at)}) is earlier than the event before it (${describeMs(previous)}); events run in order: fix the time or use "after" for a delay`,
    );
  }
  return at;
}

function readStep(type: ScriptStepType, m: Map<string, JsonReader>, users: ScriptUser[]): ScriptStep | undefined {
  const user = () => resolveUser(m.get('user')!, users);
  const str = (key: string) => m.get(key)?.string();
  switch (type) {
    case 'chat': {
      const id = user();
      const body = m.get('body')!.nonEmptyString('the chat text (a non-empty string)');
      return id === undefined || body === undefined ? undefined : { type, user: id, body };
    }
    case 'join':
    case 'part': {
      const id = user();
      return id === undefined ? undefined : { type, user: id };
    }
    case 'rename': {
      const id = user();
      const to = m.get('to')!.nonEmptyString('the new display name');
      return id === undefined || to === undefined ? undefined : { type, user: id, to };
    }
    case 'stream.start': {
      const title = str('title');
      const summary = str('summary');
      return { type, ...(title !== undefined ? { title } : {}), ...(summary !== undefined ? { summary } : {}) };
    }
    case 'stream.stop':
      return { type };
    case 'title': {
      const title = m.get('title')!.string();
      return title === undefined ? undefined : { type, title };
    }
    case 'viewers': {
      const n = count(m.get('count')!);
      return n === undefined ? undefined : { type, count: n };
    }
    case 'fediverse':
      return readFediverse(m);
    case 'emit':
    case 'event': {
      const eventNode = m.get('event')!;
      const event = eventNode.nonEmptyString('an event name');
      if (event === undefined) return undefined;
      if (type === 'emit' && isBuiltInEvent(event)) {
        return eventNode.error(`${eventNode.label()}: "${event}" is an Owncast event, which plugins cannot emit; use {"type": "event", "event": "${event}"} to send it`);
      }
      if (type === 'emit' && !event.includes('.')) {
        return eventNode.error(
          `${eventNode.label()}: "${event}" names no plugin; custom hooks are "<slug>.<hook>" (a hook "${event}" in plugin "relay" is "relay.${event}")`,
        );
      }
      return { type, event, payload: m.get('payload')?.value() ?? null };
    }
    case 'clock': {
      const advance = duration(m.get('advance')!);
      return advance === undefined ? undefined : { type, advance };
    }
  }
}

function readFediverse(m: Map<string, JsonReader>): ScriptStep | undefined {
  const kindNode = m.get('kind')!;
  const kindText = kindNode.string(`one of ${FEDIVERSE_KINDS.join(', ')}`);
  let kind: FediverseKind | undefined;
  if (kindText !== undefined) {
    if ((FEDIVERSE_KINDS as readonly string[]).includes(kindText)) kind = kindText as FediverseKind;
    else kindNode.error(`${kindNode.label()} must be one of ${FEDIVERSE_KINDS.join(', ')}, not ${JSON.stringify(kindText)}${didYouMean(kindText, FEDIVERSE_KINDS)}`);
  }
  const actor = readActor(m.get('actor')!);
  const content = m.get('content')?.string();
  const url = m.get('url')?.string();
  const inReplyTo = m.get('inReplyTo')?.string();
  if (!kind || !actor) return undefined;
  return {
    type: 'fediverse',
    kind,
    actor,
    ...(content !== undefined ? { content } : {}),
    ...(url !== undefined ? { url } : {}),
    ...(inReplyTo !== undefined ? { inReplyTo } : {}),
  };
}

function readActor(r: JsonReader): FediverseActor | undefined {
  if (r.node.type === 'string') {
    const handle = r.nonEmptyString('a fediverse handle such as "@alice@social.example"');
    if (handle === undefined) return undefined;
    return { name: handle.replace(/^@/, '').split('@')[0] ?? handle, handle };
  }
  const m = r.object('a handle ("@alice@social.example") or {"name", "handle", "url", "image"}');
  if (!m) return undefined;
  r.unknownKeys(ACTOR_KEYS, 'a fediverse actor');
  const handle = m.get('handle')?.nonEmptyString();
  if (!m.has('handle')) r.error(`${r.label()} needs "handle"`);
  if (handle === undefined) return undefined;
  const name = m.get('name')?.string() ?? handle;
  const url = m.get('url')?.string();
  const image = m.get('image')?.string();
  return { name, handle, ...(url !== undefined ? { url } : {}), ...(image !== undefined ? { image } : {}) };
}

function resolveUser(r: JsonReader, users: ScriptUser[]): string | undefined {
  const key = r.nonEmptyString('a user id or display name from "users"');
  if (key === undefined) return undefined;
  const user = users.find((u) => u.id === key) ?? users.find((u) => u.displayName === key);
  if (user) return user.id;
  const names = users.map((u) => u.displayName);
  if (names.length === 0) return r.error(`${r.label()}: no user "${key}": the script declares no "users"; add one, e.g. "users": ["${key}"]`);
  return r.error(`${r.label()}: no user "${key}"${didYouMean(key, names)}; the script's users are ${names.join(', ')}`);
}

function duration(r: JsonReader): number | undefined {
  const ms = parseDuration(r.value());
  if (ms === null) {
    return r.error(`${r.label()} must be a duration: milliseconds (1500) or a string such as "1.5s", "250ms", "2m", "1h30m", not ${JSON.stringify(r.value())}`);
  }
  return ms;
}

function count(r: JsonReader | undefined): number | undefined {
  if (!r) return undefined;
  const n = r.number('a whole number');
  if (n !== undefined && (!Number.isInteger(n) || n < 0)) return r.error(`${r.label()} must be a whole number, not ${n}`);
  return n;
}

function didYouMean(word: string, candidates: readonly string[]): string {
  const near = closest(word, candidates);
  return near ? ` (did you mean "${near}"?)` : '';
}

function describeMs(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${ms / 1000}s`;
}
