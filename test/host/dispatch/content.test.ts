// Content exports and the auth gate (§3.4, §3.7): raw strings, '' for nothing, auth fails closed.
import { afterEach, describe, expect, it } from 'vitest';

import { parseAuthVerdict } from '../../../src/lib/host/dispatch/index.js';
import { harness, type Harness } from './helpers.js';

let h: Harness;
afterEach(() => h?.close());

describe('content exports', () => {
  it('return the raw strings; nothing defined, or no plugin, gives an empty string', async () => {
    h = harness();
    await h.load('content');
    const d = h.dispatcher;
    expect(await d.tabContent('content', { slug: 'stats', user: { id: 'u1' } })).toBe('<p>tab stats for u1</p>');
    expect(await d.pageStyles('content')).toBe('body { color: red; }');
    expect(await d.pageContent('content', { slug: 'extra' })).toBe('');
    expect(await d.pageScripts('content')).toBe('');
    expect(await d.pageStyles('nobody')).toBe('');
    expect(h.warnings).toEqual([]);
    expect(d.strikes('content')).toBe(0);
  });
});

describe('authCheck', () => {
  it('passes ok / refresh / deny through and fails closed, with a strike, when the plugin throws', async () => {
    h = harness();
    await h.load('content');
    const d = h.dispatcher;
    expect(await d.authCheck('content', { id: 'u1' })).toEqual({ action: 'ok' });
    expect(await d.authCheck('content', { id: 'refresh' })).toEqual({ action: 'refresh', ttl: 60 });
    expect(await d.authCheck('content', { id: 'deny' })).toEqual({ action: 'deny', reason: 'not today' });
    expect(await d.authCheck('content', { id: 'throw' })).toEqual({ action: 'deny', reason: 'the sign-in check is unavailable' });
    expect(d.strikes('content')).toBe(1);
    expect(await d.authCheck('missing', { id: 'u1' })).toMatchObject({ action: 'deny' });
  });

  it('refuses answers that are not a verdict', () => {
    expect(parseAuthVerdict('')).toEqual({ action: 'ok' });
    expect(parseAuthVerdict('{"action":"refresh","ttl":"soon"}')).toEqual({ action: 'refresh' });
    expect(() => parseAuthVerdict('{"action":"maybe"}')).toThrow(/expected \{action/);
    expect(() => parseAuthVerdict('[]')).toThrow();
  });
});
