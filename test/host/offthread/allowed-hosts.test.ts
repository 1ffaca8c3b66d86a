import { describe, expect, it } from 'vitest';

import { hostAllowed } from '../../../src/lib/host/offthread/http/allowed-hosts.js';

const host = (url: string) => new URL(url).hostname;

describe('hostAllowed (manifest.network.allowedHosts, Extism glob semantics)', () => {
  it('matches the examples Extism was measured with (notes/dependencies.md §1.3)', () => {
    const allowed = ['*.example.com', 'api.github.com', '192.168.*.*'];
    expect(hostAllowed(host('https://a.example.com/x'), allowed)).toBe(true);
    expect(hostAllowed(host('https://a.b.example.com/x'), allowed)).toBe(true);
    expect(hostAllowed(host('https://example.com/'), allowed)).toBe(false);
    expect(hostAllowed(host('https://API.GITHUB.COM/'), allowed)).toBe(true);
    expect(hostAllowed(host('https://evil.com/?h=a.example.com'), allowed)).toBe(false);
    expect(hostAllowed(host('https://a.example.com.evil.net/'), allowed)).toBe(false);
    expect(hostAllowed(host('http://192.168.1.20:8080/'), allowed)).toBe(true);
  });

  it('allows nothing with an empty list, everything only with an explicit *', () => {
    expect(hostAllowed('example.com', [])).toBe(false);
    expect(hostAllowed('example.com', [''])).toBe(false);
    expect(hostAllowed('example.com', ['   '])).toBe(false);
    expect(hostAllowed('example.com', ['*'])).toBe(true);
    expect(hostAllowed('[::1]', ['*'])).toBe(true);
  });

  it('ignores case on both sides and port and path entirely', () => {
    expect(hostAllowed('example.com', ['EXAMPLE.com'])).toBe(true);
    expect(hostAllowed(host('http://example.com:9999/a/b'), ['example.com'])).toBe(true);
    expect(hostAllowed('example.com', ['example.com:80'])).toBe(false);
  });

  it('supports ?, classes and alternatives, and treats other characters literally', () => {
    expect(hostAllowed('a1.example.com', ['a?.example.com'])).toBe(true);
    expect(hostAllowed('a12.example.com', ['a?.example.com'])).toBe(false);
    expect(hostAllowed('b.example.com', ['[a-c].example.com'])).toBe(true);
    expect(hostAllowed('d.example.com', ['[!a-c].example.com'])).toBe(true);
    expect(hostAllowed('a.example.com', ['[!a-c].example.com'])).toBe(false);
    expect(hostAllowed('api.example.org', ['api.example.{com,org}'])).toBe(true);
    expect(hostAllowed('api.example.net', ['api.example.{com,org}'])).toBe(false);
    expect(hostAllowed('exampleXcom', ['example.com'])).toBe(false);
    expect(hostAllowed('a+b.com', ['a+b.com'])).toBe(true);
    // Not minimatch's negation: "!x" never means "anything but x".
    expect(hostAllowed('evil.com', ['!good.com'])).toBe(false);
    expect(hostAllowed('x.com', ['[z-a].com'])).toBe(false);
  });
});
