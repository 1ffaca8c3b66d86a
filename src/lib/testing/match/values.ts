// Matching JSON values the way the reference runner does (J.5): "partial" for payloads
// (every key the scenario lists must be there and match; extra keys are fine; arrays match
// element by element at the same length; scalars are equal after a JSON round trip), and
// exact equality where the reference compares whole values. Strings in the expected value
// may be `/.../` patterns. A mismatch says where (a JSON pointer below the assertion) and why.

import { pointerToken } from '../../manifest/json.js';
import { isRegexString, matchesString, stringMatcher } from './strings.js';

export interface ValueMismatch {
  /** JSON pointer below the assertion ("" for the value itself). */
  at: string;
  message: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A value as a JSON round trip leaves it (bigints become numbers when exact, else strings). */
export function roundTrip(value: unknown): unknown {
  const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? (Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()) : v));
  return text === undefined ? null : JSON.parse(text);
}

/** JSON text of any recorded value (bigints included), for reports. */
export function jsonText(value: unknown, indent?: number): string {
  return JSON.stringify(roundTrip(value), null, indent) ?? 'null';
}

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(roundTrip(value));
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** Partial match (J.5): null when `actual` satisfies `expected`. */
export function partialMismatch(expected: unknown, actual: unknown, at = ''): ValueMismatch | null {
  if (isObject(expected)) {
    if (!isObject(actual)) return { at, message: `expected an object, got ${describeValue(actual)}` };
    for (const [key, want] of Object.entries(expected)) {
      const below = `${at}/${pointerToken(key)}`;
      if (!Object.hasOwn(actual, key)) return { at: below, message: `missing key "${key}"` };
      const m = partialMismatch(want, actual[key], below);
      if (m) return m;
    }
    return null;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return { at, message: `expected an array, got ${describeValue(actual)}` };
    if (actual.length !== expected.length) return { at, message: `expected ${expected.length} item(s), got ${actual.length}` };
    for (let i = 0; i < expected.length; i++) {
      const m = partialMismatch(expected[i], actual[i], `${at}/${i}`);
      if (m) return m;
    }
    return null;
  }
  return scalarMismatch(expected, actual, at);
}

function scalarMismatch(expected: unknown, actual: unknown, at: string): ValueMismatch | null {
  if (typeof expected === 'string' && isRegexString(expected)) {
    return matchesString(stringMatcher(expected), actual) ? null : { at, message: `${describeValue(actual)} does not match ${expected}` };
  }
  const got = roundTrip(actual);
  return got === expected ? null : { at, message: `expected ${describeValue(expected)}, got ${describeValue(actual)}` };
}

/** Exact equality after a JSON round trip (object key order does not matter); null when equal. */
export function exactMismatch(expected: unknown, actual: unknown, at = ''): ValueMismatch | null {
  const want = roundTrip(expected);
  const got = roundTrip(actual);
  if (isObject(want) && isObject(got)) {
    for (const key of new Set([...Object.keys(want), ...Object.keys(got)])) {
      const below = `${at}/${pointerToken(key)}`;
      if (!Object.hasOwn(got, key)) return { at: below, message: `missing key "${key}"` };
      if (!Object.hasOwn(want, key)) return { at: below, message: `unexpected key "${key}" (${describeValue(got[key])})` };
      const m = exactMismatch(want[key], got[key], below);
      if (m) return m;
    }
    return null;
  }
  if (Array.isArray(want) && Array.isArray(got)) {
    if (want.length !== got.length) return { at, message: `expected ${want.length} item(s), got ${got.length}` };
    for (let i = 0; i < want.length; i++) {
      const m = exactMismatch(want[i], got[i], `${at}/${i}`);
      if (m) return m;
    }
    return null;
  }
  return want === got ? null : { at, message: `expected ${describeValue(want)}, got ${describeValue(got)}` };
}

/**
 * Every `/.../` string inside a JSON value that does not compile, with where it is, in document
 * order. Iterative: a scenario file's values may nest as deep as JSON allows (10 000 levels).
 */
export function invalidPatterns(value: unknown, at = ''): { at: string; message: string }[] {
  const out: { at: string; message: string }[] = [];
  const pending: [unknown, string][] = [[value, at]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [v, where] = next;
    if (typeof v === 'string') {
      if (!isRegexString(v)) continue;
      try {
        stringMatcher(v);
      } catch (err) {
        out.push({ at: where, message: `invalid regular expression ${v}: ${err instanceof Error ? err.message : String(err)}` });
      }
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) pending.push([v[i], `${where}/${i}`]);
    } else if (isObject(v)) {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) pending.push([entries[i]![1], `${where}/${pointerToken(entries[i]![0])}`]);
    }
  }
  return out;
}
