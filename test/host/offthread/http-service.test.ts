import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { createHttpService, type HttpRequest, type HttpResult, type HttpService } from '../../../src/lib/host/offthread/http/index.js';
import { startServers, type Servers } from './http-servers.js';

let servers: Servers;
let http: HttpService;
beforeAll(async () => {
  servers = await startServers();
  http = createHttpService();
  // Timing tests below must not include the worker's start.
  expect(http.warm()).toBe(true);
});
afterAll(async () => {
  http.close();
  await servers.stop();
});
beforeEach(async () => {
  await servers.reset();
});

const ALLOWED = ['127.0.0.1'];
function get(url: string, extra: Partial<HttpRequest> = {}): HttpResult {
  return http.request({
    slug: 'fetcher',
    allowedHosts: ALLOWED,
    url,
    method: 'GET',
    headers: {},
    body: null,
    deadlineAt: performance.now() + 10_000,
    ...extra,
  });
}
const text = (r: HttpResult) => ('body' in r ? Buffer.from(r.body).toString() : `error: ${r.error}`);

describe('createHttpService (network.fetch)', () => {
  it('fetches from an allowed host, synchronously', () => {
    const r = get(`${servers.a}/hello`);
    expect(r).toMatchObject({ status: 200, headers: { 'content-type': 'text/plain', 'x-test': 'yes' } });
    expect(text(r)).toBe('hello from a');
  });

  it('never contacts a host that is not allowed, nor anything when the list is empty', async () => {
    expect(get(`${servers.a}/hello`, { allowedHosts: ['example.com', '*.127.0.0.1'] })).toEqual({
      error: `HTTP request to "${servers.a}/hello" is not allowed (no allowedHosts match "127.0.0.1")`,
    });
    expect(get(`${servers.a}/hello`, { allowedHosts: [] })).toMatchObject({ error: expect.stringContaining('is not allowed') });
    expect(get('file:///etc/passwd', { allowedHosts: ['*'] })).toEqual({ error: 'unsupported URL scheme "file"' });
    expect(get('not a url')).toEqual({ error: 'invalid URL "not a url"' });
    expect(await servers.seen()).toEqual({ a: [], b: [] });
  });

  it('refuses a redirect to a host that is not allowed, at the hop, without contacting it', async () => {
    // b is reached as "localhost": a different hostname for the same loopback server.
    const target = `http://localhost:${servers.portB}/hello`;
    const r = get(`${servers.a}/redirect/302?to=${encodeURIComponent(target)}`);
    expect(r).toEqual({ error: `HTTP request to "${target}" is not allowed (no allowedHosts match "localhost")` });
    expect(await servers.seen()).toEqual({ a: [`GET /redirect/302?to=${encodeURIComponent(target)}`], b: [] });
  });

  it('follows allowed redirects the way Go does: 301/302/303 become a bodiless GET, 307/308 keep method and body', async () => {
    const body = new TextEncoder().encode('payload');
    const post = (status: number) =>
      get(`${servers.a}/redirect/${status}?to=/echo`, { method: 'POST', body, headers: { 'content-type': 'text/plain', authorization: 'Bearer t' } });
    for (const status of [301, 302, 303]) {
      const r = post(status);
      expect(r).toMatchObject({ status: 201, headers: { 'x-method': 'GET', 'x-auth': 'Bearer t' } });
      expect(text(r)).toBe('');
    }
    for (const status of [307, 308]) {
      const r = post(status);
      expect(r).toMatchObject({ status: 201, headers: { 'x-method': 'POST' } });
      expect(text(r)).toBe('payload');
    }
    // A redirect to another allowed host is followed.
    const r = get(`${servers.a}/redirect/302?to=${encodeURIComponent(`${servers.b}/hello`)}`);
    expect(text(r)).toBe('hello from b');
  });

  it('stops after 10 requests: 9 redirects are followed, a 10th is an error', async () => {
    expect(text(get(`${servers.a}/chain/9`))).toBe('end of chain');
    await servers.reset();
    expect(get(`${servers.a}/chain/10`)).toEqual({ error: 'stopped after 10 redirects' });
    expect((await servers.seen()).a).toHaveLength(10);
  });

  it('caps the response body at 10 MiB: an error, not a truncation, whether or not the length is announced', () => {
    const limit = 10 * 1024 * 1024;
    const exact = get(`${servers.a}/bytes/${limit}`);
    expect('body' in exact && exact.body.length).toBe(limit);
    expect(get(`${servers.a}/bytes/${limit + 1}`)).toEqual({ error: 'HTTP response body exceeds 10485760 bytes' });
    expect(get(`${servers.a}/chunked/${limit + 1}`)).toEqual({ error: 'HTTP response body exceeds 10485760 bytes' });
    const chunkedExact = get(`${servers.a}/chunked/${limit}`);
    expect('body' in chunkedExact && chunkedExact.body.length).toBe(limit);
  });

  it('gives up at the caller\'s deadline, waiting for headers or for the body, and then works again', () => {
    for (const path of ['/slow-headers', '/slow-body']) {
      const t0 = performance.now();
      const r = get(`${servers.a}${path}`, { deadlineAt: performance.now() + 500 });
      const took = performance.now() - t0;
      expect(r).toEqual({ error: 'HTTP request exceeded the call deadline' });
      expect(took).toBeGreaterThanOrEqual(450);
      expect(took).toBeLessThan(5000);
    }
    expect(get(`${servers.a}/hello`, { deadlineAt: performance.now() - 1 })).toEqual({ error: 'HTTP request exceeded the call deadline' });
    expect(text(get(`${servers.a}/hello`))).toBe('hello from a');
  });

  it('round-trips a POST body and keeps binary bodies intact both ways', () => {
    const sent = new Uint8Array(70_000);
    for (let i = 0; i < sent.length; i++) sent[i] = (i * 7) & 0xff;
    const r = get(`${servers.a}/echo`, { method: 'POST', body: sent, headers: { 'content-type': 'application/octet-stream' } });
    expect(r).toMatchObject({ status: 201, headers: { 'x-method': 'POST' } });
    expect('body' in r && Buffer.from(r.body).equals(Buffer.from(sent))).toBe(true);
    // The caller's buffer is left alone.
    expect(sent[1]).toBe(7);

    const bin = get(`${servers.a}/binary`);
    expect('body' in bin && [...bin.body.subarray(0, 256)]).toEqual([...Array(256).keys()]);
  });

  it('sends the plugin\'s headers and no body for GET', () => {
    const r = get(`${servers.a}/headers`, { headers: { 'x-plugin': 'fetcher', accept: 'application/json' }, body: new Uint8Array([1]) });
    const headers = JSON.parse(text(r)) as Record<string, string>;
    expect(headers['x-plugin']).toBe('fetcher');
    expect(headers.accept).toBe('application/json');
    expect(headers['content-length']).toBeUndefined();
  });

  it('warm() starts the worker up front; a closed service refuses everything', () => {
    const own = createHttpService();
    expect(own.warm()).toBe(true);
    expect(text(own.request({ slug: 'fetcher', allowedHosts: ALLOWED, url: `${servers.a}/hello`, method: 'GET', headers: {}, body: null, deadlineAt: performance.now() + 5000 }))).toBe('hello from a');
    own.close();
    expect(own.warm()).toBe(false);
    expect(own.request({ slug: 'fetcher', allowedHosts: ALLOWED, url: `${servers.a}/hello`, method: 'GET', headers: {}, body: null, deadlineAt: performance.now() + 5000 })).toEqual({
      error: 'the HTTP service is closed',
    });
  });

  it('reports a connection failure as an error', () => {
    const r = get('http://127.0.0.1:1/nothing');
    expect('error' in r && r.error).toMatch(/ECONNREFUSED/);
  });
});
