// String assertions (DESIGN §3.8): a string written `/.../` is a regular expression, tested
// against the actual text unanchored (write ^ and $ to anchor it); anything else must be
// equal exactly. There are no flags: `/.../i` is an exact string, so a value that merely
// ends in a slash-and-letter is never mistaken for a pattern.

import type { StringMatcher } from '../scenario.js';

/** Whether `text` is written as a regular expression: a slash, at least one character, a slash. */
export function isRegexString(text: string): boolean {
  return text.length >= 3 && text.startsWith('/') && text.endsWith('/');
}

/** Compiles an assertion; throws a SyntaxError for a pattern JavaScript cannot compile. */
export function stringMatcher(text: string): StringMatcher {
  if (!isRegexString(text)) return { kind: 'exact', value: text };
  const source = text.slice(1, -1);
  return { kind: 'regex', source, regex: new RegExp(source) };
}

export const exact = (value: string): StringMatcher => ({ kind: 'exact', value });

/** Whether `actual` satisfies the assertion (a regex only ever matches a string). */
export function matchesString(matcher: StringMatcher, actual: unknown): boolean {
  if (typeof actual !== 'string') return false;
  return matcher.kind === 'exact' ? matcher.value === actual : matcher.regex.test(actual);
}

/** The assertion as written in the file (what reports show as "expected"). */
export function matcherText(matcher: StringMatcher): string {
  return matcher.kind === 'exact' ? matcher.value : `/${matcher.source}/`;
}
