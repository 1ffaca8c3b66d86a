// The matching rules on their own: `/.../` strings (DESIGN §3.8), the reference's partial and
// exact matches (J.5), fixture URL globs (J.7), event-step name resolution (issue 5 item 2)
// and the reporters' line diff.

import { describe, expect, it } from 'vitest';

import { resolveStepEventType } from '../../src/lib/testing/harness/event-names.js';
import { urlGlobMatches } from '../../src/lib/testing/harness/url-glob.js';
import { isRegexString, matchesString, stringMatcher } from '../../src/lib/testing/match/strings.js';
import { exactMismatch, partialMismatch } from '../../src/lib/testing/match/values.js';
import { diffLines } from '../../src/lib/testing/report/index.js';

describe('string assertions', () => {
  it('/.../ is an unanchored regular expression; everything else is exact', () => {
    expect(isRegexString('/slow-mode/')).toBe(true);
    expect(isRegexString('/')).toBe(false);
    expect(isRegexString('//')).toBe(false);
    expect(isRegexString('/api/v1')).toBe(false);
    expect(isRegexString('/x/i')).toBe(false); // no flags: a path is never a pattern by accident
    expect(matchesString(stringMatcher('/slow-mode/'), 'slowed by slow-mode (2s)')).toBe(true);
    expect(matchesString(stringMatcher('/^slow/'), 'too slow')).toBe(false);
    expect(matchesString(stringMatcher('hello'), 'hello')).toBe(true);
    expect(matchesString(stringMatcher('hello'), 'hello!')).toBe(false);
    expect(matchesString(stringMatcher('/\\d+/'), 42)).toBe(false); // a pattern only matches strings
  });
});

describe('partial match (payloads, emits, sql rows)', () => {
  it('objects: listed keys must exist and match; extra keys are fine', () => {
    expect(partialMismatch({ a: 1 }, { a: 1, b: 2 })).toBeNull();
    expect(partialMismatch({ a: { b: 'x' } }, { a: { b: 'x', c: 1 } })).toBeNull();
    expect(partialMismatch({ c: 1 }, { a: 1 })).toEqual({ at: '/c', message: 'missing key "c"' });
    expect(partialMismatch({ a: { b: 'x' } }, { a: { b: 'y' } })).toEqual({ at: '/a/b', message: 'expected "x", got "y"' });
    expect(partialMismatch({ a: 1 }, [1])).toEqual({ at: '', message: 'expected an object, got [1]' });
  });

  it('arrays: same length, element by element (partially)', () => {
    expect(partialMismatch([{ a: 1 }], [{ a: 1, b: 2 }])).toBeNull();
    expect(partialMismatch([1, 2], [1])).toEqual({ at: '', message: 'expected 2 item(s), got 1' });
    expect(partialMismatch([1, 2], [1, 3])).toEqual({ at: '/1', message: 'expected 2, got 3' });
  });

  it('scalars: equal after a JSON round trip; strings may be patterns', () => {
    expect(partialMismatch(1, 1.0)).toBeNull();
    expect(partialMismatch(null, null)).toBeNull();
    expect(partialMismatch('1', 1)).toEqual({ at: '', message: 'expected "1", got 1' });
    expect(partialMismatch({ body: '/^hi/' }, { body: 'hi there' })).toBeNull();
    expect(partialMismatch({ body: '/^hi/' }, { body: 'oh hi' })).toEqual({ at: '/body', message: '"oh hi" does not match /^hi/' });
    expect(partialMismatch({ n: 9007199254740993n.toString() }, { n: 9007199254740993n })).toBeNull();
  });

  it('exact match: both ways, key order free', () => {
    expect(exactMismatch({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 })).toBeNull();
    expect(exactMismatch({ a: 1 }, { a: 1, b: 2 })).toEqual({ at: '/b', message: 'unexpected key "b" (2)' });
    expect(exactMismatch({ a: 1, b: 2 }, { a: 1 })).toEqual({ at: '/b', message: 'missing key "b"' });
  });
});

describe('fixture URL globs (gobwas, no separators)', () => {
  it('* runs across / and ?, ? is one character, classes and alternatives', () => {
    expect(urlGlobMatches('https://api.ipify.org*', 'https://api.ipify.org?format=json')).toBe(true);
    expect(urlGlobMatches('https://*/v1/*', 'https://a.example/v1/x/y?z=1')).toBe(true);
    expect(urlGlobMatches('https://api.example.com/items/?', 'https://api.example.com/items/7')).toBe(true);
    expect(urlGlobMatches('https://api.example.com/items/?', 'https://api.example.com/items/77')).toBe(false);
    expect(urlGlobMatches('https://[ab].example/x', 'https://b.example/x')).toBe(true);
    expect(urlGlobMatches('https://[!ab].example/x', 'https://b.example/x')).toBe(false);
    expect(urlGlobMatches('https://{api,www}.example/*', 'https://www.example/')).toBe(true);
    expect(urlGlobMatches('https://x.example/a\\*b', 'https://x.example/a*b')).toBe(true);
    expect(urlGlobMatches('https://x.example/a\\*b', 'https://x.example/aXb')).toBe(false);
    // the whole URL: a prefix is not a match
    expect(urlGlobMatches('https://x.example', 'https://x.example/path')).toBe(false);
  });
});

describe('event step names (custom hooks address the plugin under test)', () => {
  const announcer = { slug: 'announcer', subscriptions: { notify: [{ event: 'announcer.announcement.broadcast' }, { event: 'chat.message.received' }] } };
  const relay = { slug: 'relay', subscriptions: { notify: [{ event: 'relay.ping' }] } };

  it('an unqualified custom name becomes the plugin under test’s own hook', () => {
    expect(resolveStepEventType('announcement.broadcast', 'announcer', [announcer])).toBe('announcer.announcement.broadcast');
    expect(resolveStepEventType('never.subscribed', 'announcer', [announcer])).toBe('announcer.never.subscribed');
  });

  it('built-in events, and names already qualified with a loaded plugin’s slug, are kept', () => {
    expect(resolveStepEventType('chat.message.received', 'announcer', [announcer])).toBe('chat.message.received');
    expect(resolveStepEventType('announcer.announcement.broadcast', 'announcer', [announcer])).toBe('announcer.announcement.broadcast');
    expect(resolveStepEventType('relay.ping', 'announcer', [announcer, relay])).toBe('relay.ping');
  });
});

describe('line diff', () => {
  it('keeps common lines and puts expected before actual in each change', () => {
    expect(diffLines(['[', '  "a",', '  "b"', ']'], ['[', '  "a",', '  "c"', ']'])).toEqual([
      { kind: 'same', text: '[' },
      { kind: 'same', text: '  "a",' },
      { kind: 'expected', text: '  "b"' },
      { kind: 'actual', text: '  "c"' },
      { kind: 'same', text: ']' },
    ]);
  });
});
