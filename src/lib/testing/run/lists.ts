// Comparing recorded lists the way J.5 does: the count first, then each entry in order, so
// the first difference is what the failure names.

import { matcherText, matchesString } from '../match/strings.js';
import { describeValue } from '../match/values.js';
import type { StringMatcher } from '../scenario.js';

/** Where in the key and what differs; null when everything matched. */
export interface ListMismatch {
  at: string;
  message: string;
}

/** A string against an assertion, as a sentence when it fails. */
export function stringMismatch(matcher: StringMatcher, actual: unknown, at = ''): ListMismatch | null {
  if (matchesString(matcher, actual)) return null;
  const got = describeValue(actual);
  return { at, message: matcher.kind === 'regex' ? `${got} does not match ${matcherText(matcher)}` : `expected ${JSON.stringify(matcher.value)}, got ${got}` };
}

/** Same length, then `each` on every pair in order. */
export function listMismatch<W, A>(want: readonly W[], actual: readonly A[], each: (w: W, a: A, at: string) => ListMismatch | null): ListMismatch | null {
  if (want.length !== actual.length) return { at: '', message: `expected ${want.length} item(s), got ${actual.length}` };
  for (let i = 0; i < want.length; i++) {
    const m = each(want[i]!, actual[i]!, `/${i}`);
    if (m) return { at: m.at, message: `[${i}] ${m.message}` };
  }
  return null;
}

/** Several string fields of one entry; a field the entry lacks reads as "" (Go's zero value). */
export function fieldsMismatch(want: Partial<Record<string, StringMatcher>>, actual: Record<string, unknown>, at: string): ListMismatch | null {
  for (const [key, matcher] of Object.entries(want)) {
    if (!matcher) continue;
    const m = stringMismatch(matcher, actual[key] ?? '', `${at}/${key}`);
    if (m) return { at: m.at, message: `${key}: ${m.message}` };
  }
  return null;
}

/** An assertion's value as the file wrote it, matchers back as their text (for "expected" in reports). */
export function asWritten(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asWritten);
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if ((o.kind === 'exact' || o.kind === 'regex') && ('value' in o || 'source' in o)) return matcherText(o as unknown as StringMatcher);
    return Object.fromEntries(Object.entries(o).filter(([k]) => k !== 'pointer').map(([k, v]) => [k, asWritten(v)]));
  }
  return value;
}
