// The steps of a scenario (its `events` list): the reference's event, filter and http steps
// with their rules (J.1–J.4), and the new command, advance and emit steps.

import { isReservedEvent } from '../../host/dispatch/events.js';
import type { HostUser } from '../../host/env/types.js';
import { stringifyJson } from '../../manifest/json.js';
import { stringMatcher } from '../match/strings.js';
import { invalidPatterns } from '../match/values.js';
import type { FilterAction, FilterStep, HttpStep, Json, Step, StepType, StringMatcher } from '../scenario.js';
import type { Reader } from './reader.js';

export const STEP_TYPES: readonly StepType[] = ['event', 'filter', 'http', 'command', 'advance', 'emit'];
export const STEP_KEYS = [...STEP_TYPES, 'payload', 'expect', 'user', 'message'] as const;
export const HTTP_KEYS = ['method', 'path', 'headers', 'body', 'authenticated', 'user', 'plugin', 'expect'] as const;
export const HTTP_EXPECT_KEYS = ['status', 'headers', 'body'] as const;
export const FILTER_EXPECT_KEYS = ['action', 'payload', 'reason'] as const;
const FILTER_ACTIONS: readonly FilterAction[] = ['pass', 'modify', 'drop'];

const ONE_OF = `step must set exactly one of ${STEP_TYPES.map((t) => `"${t}"`).join(', ')}`;

/** A string assertion read from the file; a `/.../` that does not compile is an error here. */
export function readMatcher(r: Reader): StringMatcher | undefined {
  const text = r.string();
  if (text === undefined) return undefined;
  try {
    return stringMatcher(text);
  } catch (err) {
    return r.error(`invalid regular expression ${text}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** A JSON value that may hold `/.../` strings (partial-match payloads): each must compile. */
export function readPattern(r: Reader): Json | undefined {
  const value = r.json();
  const bad = invalidPatterns(value);
  for (const b of bad) r.error(`${b.message}${b.at ? ` (at ${r.pointer}${b.at})` : ''}`);
  return bad.length > 0 ? undefined : value;
}

/** Which step types the object sets (a blank event or filter name counts as unset, as in the reference). */
function setTypes(r: Reader): StepType[] {
  return STEP_TYPES.filter((t) => {
    const m = r.member(t);
    if (!m || m.kind === 'null') return false;
    if (m.kind === 'string') return (m.node as { value: string }).value !== '';
    return true;
  });
}

export function readStep(r: Reader, index: number): Step | undefined {
  if (!r.expectKind('an object', 'object')) return undefined;
  const types = setTypes(r);
  if (types.length !== 1) {
    return r.error(types.length === 0 ? ONE_OF : `${ONE_OF} (it sets ${types.map((t) => `"${t}"`).join(' and ')})`);
  }
  const type = types[0]!;
  r.unknownKeys(STEP_KEYS, `a step`);
  const expect = r.present('expect');
  if (expect && type !== 'filter') {
    return expect.error(
      type === 'http' ? 'step.expect is only valid on filter steps (use http.expect for http steps)' : 'step.expect is only valid on filter steps',
    );
  }
  for (const key of ['user', 'message'] as const) {
    if (r.present(key) && type !== 'command') r.member(key)!.warn(`"${key}" belongs to command steps (ignored on a ${type} step)`);
  }
  if (r.present('payload') && (type === 'http' || type === 'command' || type === 'advance')) {
    r.member('payload')!.warn(`"payload" is not used by ${type} steps (ignored)`);
  }
  const base = { index, pointer: r.pointer };
  const payload = (r.present('payload')?.json() ?? null) as Json;
  const node = r.member(type)!;

  switch (type) {
    case 'event': {
      const event = node.string();
      // the host sends these only through its own paths, which the other steps drive
      if (event === 'chat.command') node.warn('no plugin subscribes to "chat.command": a command step runs a chat line through the command matcher', node.node.offset);
      if (event === 'timer.fire') node.warn('no plugin subscribes to "timer.fire": an advance step fires due timers', node.node.offset);
      return event === undefined ? undefined : { ...base, type, event, payload };
    }
    case 'emit': {
      const emit = node.string();
      if (emit === undefined) return undefined;
      if (isReservedEvent(emit)) {
        return node.error(`"${emit}" is a host event: plugins (and emit steps) may only emit custom hooks ("<slug>.<hook>"); use an event step`);
      }
      return { ...base, type, emit, payload };
    }
    case 'filter':
      return readFilterStep(r, node, base, payload);
    case 'http':
      return readHttpStep(node, base);
    case 'command': {
      const command = node.string();
      const user = r.present('user');
      const userValue = user ? (user.kind === 'string' || user.expectKind('an object or a display name', 'object') ? user.json() : undefined) : null;
      const message = r.present('message')?.record((v) => v.json()) ?? {};
      if (command === undefined || userValue === undefined || message === undefined) return undefined;
      return { ...base, type, command, user: userValue, message };
    }
    case 'advance': {
      const ms = readDuration(node);
      return ms === undefined ? undefined : { ...base, type, ms };
    }
  }
}

function readFilterStep(r: Reader, node: Reader, base: { index: number; pointer: string }, payload: Json): FilterStep | undefined {
  const filter = node.string();
  const e = r.present('expect');
  let expect: FilterStep['expect'] = null;
  if (e) {
    if (!e.expectKind('an object', 'object')) return undefined;
    e.unknownKeys(FILTER_EXPECT_KEYS, 'a filter step expect');
    const actionNode = e.member('action');
    const action = actionNode?.string();
    if (!actionNode) return e.error('a filter step expect needs "action" (pass, modify or drop)');
    if (action === undefined) return undefined;
    if (!FILTER_ACTIONS.includes(action as FilterAction)) return actionNode.error(`unknown action "${action}" (want pass/modify/drop)`);
    expect = { action: action as FilterAction, pointer: e.pointer };
    const want = e.present('payload');
    if (want) {
      if (action !== 'modify') want.warn(`"payload" is only checked for "modify" (a pass must leave the payload unchanged)`);
      const value = readPattern(want);
      if (value === undefined) return undefined;
      expect.payload = value;
    }
    const reason = e.present('reason');
    if (reason) {
      if (action !== 'drop') reason.warn(`"reason" is only checked for "drop"`);
      const m = readMatcher(reason);
      if (!m) return undefined;
      // J.3: an empty reason asserts nothing
      if (!(m.kind === 'exact' && m.value === '')) expect.reason = m;
    }
  }
  return filter === undefined ? undefined : { ...base, type: 'filter', filter, payload, expect };
}

function readHttpStep(r: Reader, base: { index: number; pointer: string }): HttpStep | undefined {
  if (!r.expectKind('an object', 'object')) return undefined;
  r.unknownKeys(HTTP_KEYS, 'an http step');
  const pathNode = r.present('path');
  if (!pathNode) return r.error('http step requires path');
  let path = pathNode.string();
  if (path === undefined) return undefined;
  if (!path.startsWith('/')) path = `/${path}`;
  const method = (r.present('method')?.string() ?? 'GET').toUpperCase() || 'GET';
  const headers = r.present('headers')?.record((v) => v.string(), 'an object of header → value') ?? {};
  const bodyNode = r.present('body');
  // the reference takes a string; a JSON value is sent as its JSON text
  const body = bodyNode ? (bodyNode.kind === 'string' ? bodyNode.string()! : stringifyJson(bodyNode.json())!) : '';
  const authenticated = r.present('authenticated')?.boolean() ?? false;
  const userNode = r.present('user');
  let user: HostUser | null = null;
  if (userNode) {
    if (!userNode.expectKind('an object {id, displayName, ...}', 'object')) return undefined;
    user = userNode.json() as unknown as HostUser;
  }
  const plugin = r.present('plugin')?.string() ?? null;
  const e = r.present('expect');
  let expect: HttpStep['expect'] = null;
  if (e) {
    if (!e.expectKind('an object', 'object')) return undefined;
    e.unknownKeys(HTTP_EXPECT_KEYS, 'an http step expect');
    expect = { pointer: e.pointer };
    const status = e.present('status');
    if (status) {
      const n = status.integer(0, 999);
      if (n === undefined) return undefined;
      // J.4: checked when non-zero
      if (n !== 0) expect.status = n;
    }
    const wantHeaders = e.present('headers')?.record(readMatcher, 'an object of header → value');
    if (wantHeaders === undefined && e.present('headers')) return undefined;
    if (wantHeaders) expect.headers = wantHeaders;
    const bodyWant = e.present('body');
    if (bodyWant) {
      const m = readMatcher(bodyWant);
      if (!m) return undefined;
      // J.4: checked when non-empty
      if (!(m.kind === 'exact' && m.value === '')) expect.body = m;
    }
  }
  if (headers === undefined) return undefined;
  return { ...base, type: 'http', method, path, headers, body, authenticated, user, plugin, expect };
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds: a number, or a string like "1500ms", "2s", "5m", "1h". */
function readDuration(r: Reader): number | undefined {
  if (r.kind === 'number') return r.integer(0, 7 * 24 * 3_600_000);
  const text = r.string();
  if (text === undefined) return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$/.exec(text);
  if (!m) return r.error(`"${text}" is not a duration: write milliseconds (1500) or "1500ms", "2s", "5m", "1h"`);
  return Math.round(Number(m[1]) * UNITS[m[2]!]!);
}
