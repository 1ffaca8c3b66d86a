// on_http_request end to end: the envelope a real plugin sees (it echoes it), what of its
// answer reaches the client (status, header allowlist, body or bodyBase64, no owncast_session
// from the plugin, the admin stylesheet), the caps and their codes (413, 500, 504), and the
// session cookies auth.gate plugins grant, read back by the session-cookie resolver.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { signSessionToken } from '../../../src/lib/host/env/index.js';
import {
  ADMIN_STYLE_SNIPPET,
  MAX_HTTP_REQUEST_BODY_BYTES,
  chainAuthResolvers,
  devAuthResolver,
  sessionCookieResolver,
} from '../../../src/lib/devserver/http/index.js';
import { buildPlugin, removeTemps, serve, wasmPlugin, type Served } from './helpers.js';
import { fixedOutputPluginWasm } from './raw-wasm.js';

const MiB = 1024 * 1024;
const secret = new TextEncoder().encode('test session secret');

const api = `
  import { definePlugin, owncast } from '@owncast/plugin-sdk';
  const json = (value: unknown, status = 200) => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) });
  definePlugin({
    onHttpRequest(req) {
      switch (req.path) {
        case '/headers':
          return {
            status: 201,
            headers: {
              'Content-Type': 'text/plain', 'Cache-Control': 'no-store', 'ETag': '"v1"', 'Location': '/elsewhere', 'Vary': 'Accept',
              'Link': '</x>; rel=preload', 'Last-Modified': 'Tue, 01 Dec 2026 00:00:00 GMT', 'Content-Language': 'en',
              'Access-Control-Allow-Origin': '*', 'access-control-max-age': '60',
              'X-Custom-Plugin-Header': 'no', 'Server': 'evil', 'Content-Security-Policy': "default-src *", 'Strict-Transport-Security': 'max-age=0',
              'X-Frame-Options': 'ALLOWALL', 'Authorization': 'Bearer x', 'WWW-Authenticate': 'Basic', 'Set-Cookie': 'theme=dark; Path=/',
            },
            body: 'headers',
          };
        case '/steal-session':
          return { headers: { 'Set-Cookie': 'owncast_session=forged; Path=/; HttpOnly' }, body: 'no' };
        case '/steal-session-2':
          return { headers: { 'set-cookie': 'a=b, Owncast_Session=forged' }, body: 'no' };
        case '/binary':
          return { headers: { 'content-type': 'application/octet-stream' }, body: Uint8Array.from({ length: 256 }, (_, i) => i) };
        case '/nothing':
          return undefined;
        case '/no-content':
          return { status: 204 };
        case '/bad-status':
          return { status: 42, body: 'x' };
        case '/bad-headers':
          return { headers: { 'x-n': 5 as unknown as string }, body: 'x' };
        case '/ok-10mib':
          return { body: 'a'.repeat(${10 * MiB}) };
        case '/big-body':
          return { body: 'a'.repeat(${10 * MiB + 1}) };
        case '/big-output':
          // 2.5 MiB of body, but every control character is six bytes of JSON: 15 MiB of output
          return { body: '\\u0001'.repeat(${2.5 * MiB}) };
        case '/spin':
          for (;;) {}
        case '/throw':
          throw new Error('handler failed');
        case '/admin/page':
          return { headers: { 'content-type': 'text/html; charset=utf-8' }, body: '<html><HEAD><title>t</title></HEAD><body>admin</body></html>' };
        case '/admin/fragment':
          return { headers: { 'content-type': 'text/html' }, body: '<p>fragment</p>' };
        case '/admin/styled':
          return { headers: { 'content-type': 'text/html' }, body: '<head>${ADMIN_STYLE_SNIPPET}</head>' };
        case '/admin/data':
          return json({ admin: true });
        case '/page':
          return { headers: { 'content-type': 'text/html' }, body: '<head></head>' };
        case '/emit':
          owncast.chat.send('handled ' + req.method);
          return json('ok');
        default:
          return json(req);
      }
    },
  });
`;

const gate = `
  import { definePlugin, owncast } from '@owncast/plugin-sdk';
  definePlugin({
    onHttpRequest(req) {
      if (req.path === '/login') {
        owncast.auth.grantSession({ userId: req.query.user, ttl: 3600 });
        return { headers: { 'Set-Cookie': 'owncast_session=forged-by-plugin; Path=/' }, body: 'welcome' };
      }
      if (req.path === '/logout') {
        owncast.auth.endSession();
        return { body: 'bye' };
      }
      return { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: req.user ?? null, headers: req.headers }) };
    },
  });
`;

const raw = (slug: string, output: string) => wasmPlugin(slug, ['http.serve'], fixedOutputPluginWasm({ slug, name: slug, version: '1.0.0' }, output));

let s: Served;
beforeAll(async () => {
  const plugins = await Promise.all([
    buildPlugin({
      source: api,
      manifest: { name: 'api', permissions: ['http.serve', 'chat.send'], admin: { pages: [{ title: 'Admin', path: '/admin/*' }] } },
    }),
    buildPlugin({ source: gate, manifest: { name: 'gate', permissions: ['http.serve', 'auth.gate'] } }),
  ]);
  plugins.push(
    raw('not-json', 'this is not json'),
    raw('both-bodies', '{"status":200,"body":"a","bodyBase64":"YQ=="}'),
    raw('status-zero', '{"status":0,"headers":{"content-type":"text/plain"},"body":"zero"}'),
    raw('bad-base64', '{"bodyBase64":"not base64!"}'),
    raw('raw-binary', '{"status":200,"bodyBase64":"AAEC/w=="}'),
  );
  const now = () => Math.floor(Date.now() / 1000);
  s = await serve(plugins, {
    auth: chainAuthResolvers(devAuthResolver(), sessionCookieResolver({ secret })),
    authService: {
      grantSession: (_slug, userId, ttl) => signSessionToken(secret, userId, now() + ttl),
      endSession: () => undefined,
    },
  });
});
afterAll(async () => {
  await s?.close();
  await removeTemps();
});

interface Echo {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
  remoteAddr: string;
  authenticated: boolean;
  user?: unknown;
}

describe('the request envelope', () => {
  it('first values, canonical header names, no Cookie, no Host, no accessToken, trailing slash stripped, ip:port', async () => {
    const r = await s.request('/plugins/api/some/path/?a=1&a=2&accessToken=SECRET&b=x+y%21&empty=&flag', {
      headers: {
        'x-multi': ['first', 'second'],
        'x-custom': 'yes',
        cookie: 'owncast_chat_token=SECRET; other=1',
        authorization: 'Bearer user:ada',
        'user-agent': 'test-agent',
      },
    });
    expect(r.status).toBe(200);
    const req = r.json<Echo>();
    expect(req.method).toBe('GET');
    expect(req.path).toBe('/some/path');
    expect(req.query).toEqual({ a: '1', b: 'x y!', empty: '', flag: '' });
    expect(req.headers).toMatchObject({ 'X-Multi': 'first', 'X-Custom': 'yes', Authorization: 'Bearer user:ada', 'User-Agent': 'test-agent' });
    expect(Object.keys(req.headers).filter((h) => /^(cookie|host)$/i.test(h))).toEqual([]);
    expect(r.text).not.toContain('SECRET');
    expect(req.remoteAddr).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(req.body).toBe('');
    // a user token is a user, not an admin
    expect(req.authenticated).toBe(false);
    expect(req.user).toEqual({ id: 'u-ada', displayName: 'ada', isAuthenticated: true });
  });

  it('anonymous: no user key at all; the admin: authenticated and still no user', async () => {
    const anon = (await s.request('/plugins/api/x')).json<Echo>();
    expect(anon.authenticated).toBe(false);
    expect('user' in anon).toBe(false);
    const admin = (await s.request('/plugins/api/x', { headers: { authorization: 'Bearer admin' } })).json<Echo>();
    expect(admin.authenticated).toBe(true);
    expect('user' in admin).toBe(false);
  });

  it('the body arrives as a string, UTF-8 intact; the root is "/"', async () => {
    const text = 'héllo wörld ✓ {"json":true}';
    const r = (await s.request('/plugins/api', { method: 'PUT', body: text, headers: { 'content-type': 'text/plain' } })).json<Echo>();
    expect(r).toMatchObject({ method: 'PUT', path: '/', body: text });
  });

  it('a body of exactly 1 MiB is taken; one byte more is a 413', async () => {
    const ok = await s.request('/plugins/api/upload', { method: 'POST', body: 'b'.repeat(MAX_HTTP_REQUEST_BODY_BYTES) });
    expect(ok.status).toBe(200);
    expect(ok.json<Echo>().body.length).toBe(MiB);
    const big = await s.request('/plugins/api/upload', { method: 'POST', body: 'b'.repeat(MAX_HTTP_REQUEST_BODY_BYTES + 1) });
    expect(big.status).toBe(413);
    expect(big.text).toBe('request body too large\n');
  });

  it('a chunked body over 1 MiB (no Content-Length to go by) is a 413 too', async () => {
    const big = await s.request('/plugins/api/upload', {
      method: 'POST',
      body: 'c'.repeat(MiB + 10),
      headers: { 'transfer-encoding': 'chunked' },
    });
    expect(big.status).toBe(413);
  });
});

describe('the response', () => {
  it('keeps only the allowlisted headers', async () => {
    const r = await s.request('/plugins/api/headers');
    expect(r.status).toBe(201);
    expect(r.text).toBe('headers');
    expect(r.headers).toMatchObject({
      'content-type': 'text/plain',
      'cache-control': 'no-store',
      etag: '"v1"',
      location: '/elsewhere',
      vary: 'Accept',
      link: '</x>; rel=preload',
      'last-modified': 'Tue, 01 Dec 2026 00:00:00 GMT',
      'content-language': 'en',
      'access-control-allow-origin': '*',
      'access-control-max-age': '60',
      'set-cookie': ['theme=dark; Path=/'],
    });
    for (const denied of ['x-custom-plugin-header', 'server', 'content-security-policy', 'strict-transport-security', 'x-frame-options', 'authorization', 'www-authenticate']) {
      expect(r.headers[denied], denied).toBeUndefined();
    }
  });

  it('never lets a plugin set owncast_session, however it spells it', async () => {
    for (const path of ['/plugins/api/steal-session', '/plugins/api/steal-session-2']) {
      const r = await s.request(path);
      expect(r.status).toBe(200);
      expect(r.headers['set-cookie'], path).toBeUndefined();
    }
  });

  it('a binary body travels as bodyBase64 and arrives byte for byte', async () => {
    const r = await s.request('/plugins/api/binary');
    expect(r.body).toEqual(Buffer.from(Uint8Array.from({ length: 256 }, (_, i) => i)));
    expect((await s.request('/plugins/raw-binary/')).body).toEqual(Buffer.from([0, 1, 2, 255]));
  });

  it('status 0 is a 200; a handler that returns nothing is an empty 200; 204 has no body', async () => {
    const zero = await s.request('/plugins/status-zero/');
    expect(zero.status).toBe(200);
    expect(zero.text).toBe('zero');
    const nothing = await s.request('/plugins/api/nothing');
    expect(nothing.status).toBe(200);
    expect(nothing.text).toBe('');
    expect((await s.request('/plugins/api/no-content')).status).toBe(204);
  });

  it('output that is not {status, headers, body | bodyBase64} is a 500 "plugin returned invalid response"', async () => {
    for (const path of ['/plugins/not-json/', '/plugins/both-bodies/', '/plugins/bad-base64/', '/plugins/api/bad-status', '/plugins/api/bad-headers']) {
      const r = await s.request(path);
      expect(r.status, path).toBe(500);
      expect(r.text, path).toBe('plugin returned invalid response\n');
    }
  });

  it('HEAD gets the handler\'s headers and no body', async () => {
    const r = await s.request('/plugins/api/headers', { method: 'HEAD' });
    expect(r.status).toBe(201);
    expect(r.headers['content-length']).toBe('7');
    expect(r.body.length).toBe(0);
  });

  it('HTML on an admin page gets the admin stylesheet once; other answers are untouched', async () => {
    const admin = { authorization: 'Bearer admin' };
    const page = await s.request('/plugins/api/admin/page', { headers: admin });
    expect(page.text).toBe(`<html><HEAD><title>t</title>${ADMIN_STYLE_SNIPPET}</HEAD><body>admin</body></html>`);
    expect(Number(page.headers['content-length'])).toBe(page.body.length);
    expect((await s.request('/plugins/api/admin/fragment', { headers: admin })).text).toBe(`${ADMIN_STYLE_SNIPPET}<p>fragment</p>`);
    expect((await s.request('/plugins/api/admin/styled', { headers: admin })).text).toBe(`<head>${ADMIN_STYLE_SNIPPET}</head>`);
    expect((await s.request('/plugins/api/admin/data', { headers: admin })).json()).toEqual({ admin: true });
    expect((await s.request('/plugins/api/page')).text).toBe('<head></head>');
  });
});

describe('caps and failures', () => {
  it('a body of exactly 10 MiB goes out; one byte more is a 500 "plugin response too large"', async () => {
    const ok = await s.request('/plugins/api/ok-10mib');
    expect(ok.status).toBe(200);
    expect(ok.body.length).toBe(10 * MiB);
    const big = await s.request('/plugins/api/big-body');
    expect(big.status).toBe(500);
    expect(big.text).toBe('plugin response too large\n');
  });

  it('handler output over 12 MiB is a 500 "plugin response too large" even when its body is small', async () => {
    const r = await s.request('/plugins/api/big-output');
    expect(r.status).toBe(500);
    expect(r.text).toBe('plugin response too large\n');
  });

  it('a handler that throws is a 500 "plugin error", logged with the plugin name', async () => {
    const r = await s.request('/plugins/api/throw');
    expect(r.status).toBe(500);
    expect(r.text).toBe('plugin error\n');
    expect(s.warnings.some((w) => w.startsWith('plugin api: on_http_request failed') && w.includes('handler failed'))).toBe(true);
  });

  it('a handler that spins is stopped at its 5 s budget: 504 "plugin timed out", and the plugin answers again', async () => {
    const started = Date.now();
    const r = await s.request('/plugins/api/spin');
    const took = Date.now() - started;
    expect(r.status).toBe(504);
    expect(r.text).toBe('plugin timed out\n');
    expect(took).toBeGreaterThanOrEqual(4_900);
    expect(took).toBeLessThan(20_000);
    expect(s.warnings.some((w) => w === 'plugin api: on_http_request timed out after 5s')).toBe(true);
    expect((await s.request('/plugins/api/after')).json<Echo>().path).toBe('/after');
  });

  it("what the handler does still happens: its chat message goes out (a call like any other)", async () => {
    await s.request('/plugins/api/emit', { method: 'POST' });
    expect(s.chat.at(-1)).toMatchObject({ slug: 'api', text: 'handled POST' });
  });
});

describe('auth.gate sessions', () => {
  it('grantSession sets the host cookie (Path=/, HttpOnly, SameSite=Lax, Max-Age); the plugin\'s own owncast_session is dropped', async () => {
    const r = await s.request('/plugins/gate/login?user=ada', { method: 'POST' });
    expect(r.status).toBe(200);
    expect(r.text).toBe('welcome');
    const cookies = r.headers['set-cookie']!;
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatch(/^owncast_session=[\w-]+\.[\w-]+; Path=\/; Max-Age=3600; HttpOnly; SameSite=Lax$/);
    expect(cookies[0]).not.toContain('forged');
  });

  it('behind TLS (X-Forwarded-Proto: https) the cookie is Secure', async () => {
    const r = await s.request('/plugins/gate/login?user=ada', { method: 'POST', headers: { 'x-forwarded-proto': 'https' } });
    expect(r.headers['set-cookie']![0]).toContain('; Secure;');
  });

  it('the cookie then identifies the user to every plugin; the Cookie header itself never reaches them', async () => {
    const login = await s.request('/plugins/gate/login?user=grace', { method: 'POST' });
    const cookie = login.headers['set-cookie']![0]!.split(';')[0]!;
    const me = (await s.request('/plugins/gate/whoami', { headers: { cookie } })).json<{ user: unknown; headers: Record<string, string> }>();
    expect(me.user).toEqual({ id: 'grace', displayName: 'grace', isAuthenticated: true });
    expect(me.headers.Cookie).toBeUndefined();
    expect((await s.request('/plugins/api/x', { headers: { cookie } })).json<Echo>().user).toEqual({ id: 'grace', displayName: 'grace', isAuthenticated: true });
    // a forged or tampered token is nobody
    const forged = (await s.request('/plugins/gate/whoami', { headers: { cookie: `${cookie}x` } })).json<{ user: unknown }>();
    expect(forged.user).toBeNull();
  });

  it('endSession clears the cookie', async () => {
    const r = await s.request('/plugins/gate/logout', { method: 'POST' });
    expect(r.headers['set-cookie']).toEqual(['owncast_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax']);
  });
});
