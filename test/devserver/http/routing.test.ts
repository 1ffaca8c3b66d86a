// /plugins/<slug>/ routing as production does it (reference-production-host §5, DESIGN §3.2,
// §3.7): which plugin answers, the admin gate before anything else and the ways around it
// that must fail, the reserved /_sse, the http.serve gate, static files from public/ (never
// assets/) with content types, directory index and its redirect, ranges and conditional
// requests, and a struck-out plugin answering 404 as if it were not loaded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ADMIN_STYLE_SNIPPET, devAuthResolver, isAdminPath } from '../../../src/lib/devserver/http/index.js';
import { buildPlugin, openStream, removeTemps, serve, type Served } from './helpers.js';

const ADMIN = { Authorization: 'Bearer admin' };
const SECRET = 'TOP-SECRET';

const echo = `
  import { definePlugin } from '@owncast/plugin-sdk';
  definePlugin({
    onHttpRequest(req) {
      if (req.path === '/throw') throw new Error('boom');
      return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ handler: true, method: req.method, path: req.path, authenticated: req.authenticated }) };
    },
  });
`;

const dataBin = Uint8Array.from({ length: 100 }, (_, i) => i);

let s: Served;
beforeAll(async () => {
  const [site, nosrv, sseonly, fragile] = await Promise.all([
    buildPlugin({
      source: echo,
      manifest: {
        name: 'site',
        permissions: ['http.serve'],
        admin: {
          pages: [
            { title: 'Admin', path: '/admin' },
            { title: 'Reports', path: '/reports/*.html' },
            { title: 'Private stream', path: '/_sse/private' },
          ],
        },
      },
      public: {
        'index.html': '<!doctype html><title>site</title>',
        'style.css': 'body { color: red }',
        'data.bin': dataBin,
        readme: 'plain words',
        page: '<!DOCTYPE html><p>sniffed</p>',
        'docs/index.html': 'docs index',
        'admin/index.html': '<html><head><title>a</title></head><body>admin</body></html>',
        'reports/q1.html': '<p>q1</p>',
        'leak.txt': { symlinkTo: '../assets/secret.txt' },
      },
      assets: { 'secret.txt': `${SECRET}-ASSET` },
      project: { 'secret.txt': `${SECRET}-PROJECT` },
    }),
    buildPlugin({ source: echo, manifest: { name: 'nosrv' }, public: { 'style.css': 'x' } }),
    buildPlugin({ source: echo, manifest: { name: 'sseonly', permissions: ['http.sse'] } }),
    buildPlugin({ source: echo, manifest: { name: 'fragile', permissions: ['http.serve'] }, public: { 'ok.txt': 'ok' } }),
  ]);
  s = await serve([site, nosrv, sseonly, fragile], { auth: devAuthResolver() });
});
afterAll(async () => {
  await s?.close();
  await removeTemps();
});

const get = (path: string, headers: Record<string, string> = {}) => s.request(path, { headers });

describe('which plugin answers', () => {
  it('an unknown slug, an empty slug and /plugins itself are 404 "404 page not found"', async () => {
    for (const path of ['/plugins/nobody/', '/plugins/nobody', '/plugins/', '/plugins', '/plugins/..', '/plugins/%2e']) {
      const r = await get(path);
      expect(r.status, path).toBe(404);
      expect(r.text, path).toBe('404 page not found\n');
    }
  });

  it('/plugins/<slug> and /plugins/<slug>/ both reach the plugin; the handler gets "/" either way', async () => {
    expect((await get('/plugins/site/', { Accept: 'x' })).text).toContain('<title>site</title>');
    const post = await s.request('/plugins/site', { method: 'POST' });
    expect(post.json()).toEqual({ handler: true, method: 'POST', path: '/', authenticated: false });
  });

  it('without http.serve nothing is served, neither its public files nor its handler', async () => {
    expect((await get('/plugins/nosrv/style.css')).status).toBe(404);
    expect((await get('/plugins/nosrv/anything')).status).toBe(404);
  });

  it('/_sse and /_sse/<channel> are the host\'s: 404 without http.sse even with http.serve (the handler never sees them)', async () => {
    for (const path of ['/plugins/site/_sse', '/plugins/site/_sse/news', '/plugins/site/_sse/']) {
      const r = await get(path);
      expect(r.status, path).toBe(404);
      expect(r.text).toBe('404 page not found\n');
    }
    // /_ssefoo is not reserved
    expect((await get('/plugins/site/_ssefoo')).json()).toMatchObject({ handler: true, path: '/_ssefoo' });
  });

  it('with http.sse alone the stream opens, and everything else is 404', async () => {
    const stream = await openStream(s.port, '/plugins/sseonly/_sse');
    try {
      expect(stream.status).toBe(200);
      await stream.until((t) => t.startsWith(': connected\n\n'));
    } finally {
      stream.close();
    }
    expect((await get('/plugins/sseonly/')).status).toBe(404);
  });
});

describe('static files from public/', () => {
  it('serve with content types by extension, else by sniffing, with length, ETag and Last-Modified', async () => {
    const css = await get('/plugins/site/style.css');
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.text).toBe('body { color: red }');
    expect(css.headers['content-length']).toBe(String(css.body.length));
    expect(css.headers['accept-ranges']).toBe('bytes');
    expect(css.headers.etag).toMatch(/^"[\w-]+"$/);
    expect(Date.parse(css.headers['last-modified']!)).not.toBeNaN();
    expect((await get('/plugins/site/data.bin')).body).toEqual(Buffer.from(dataBin));
    expect((await get('/plugins/site/readme')).headers['content-type']).toBe('text/plain; charset=utf-8');
    expect((await get('/plugins/site/page')).headers['content-type']).toBe('text/html; charset=utf-8');
    expect((await get('/plugins/site/data.bin')).headers['content-type']).toBe('application/octet-stream');
  });

  it('HEAD gives the headers without the body; other methods go to the handler', async () => {
    const head = await s.request('/plugins/site/style.css', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('19');
    expect(head.body.length).toBe(0);
    const post = await s.request('/plugins/site/style.css', { method: 'POST' });
    expect(post.json()).toMatchObject({ handler: true, method: 'POST', path: '/style.css' });
  });

  it('a directory serves its index.html, after a 301 to the trailing-slash URL', async () => {
    const root = await get('/plugins/site');
    expect(root.status).toBe(301);
    expect(root.headers.location).toBe('/plugins/site/');
    expect((await get('/plugins/site/')).text).toBe('<!doctype html><title>site</title>');
    const docs = await get('/plugins/site/docs');
    expect(docs.status).toBe(301);
    expect(docs.headers.location).toBe('/plugins/site/docs/');
    const index = await get('/plugins/site/docs/');
    expect(index.text).toBe('docs index');
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
  });

  it('a miss falls through to the handler, with the trailing slash stripped', async () => {
    expect((await get('/plugins/site/nothing/here/')).json()).toMatchObject({ handler: true, path: '/nothing/here' });
  });

  it('assets/ is never served, under any name, nor is anything outside public/', async () => {
    const attempts = [
      '/plugins/site/secret.txt',
      '/plugins/site/assets/secret.txt',
      '/plugins/site/../assets/secret.txt',
      '/plugins/site/%2e%2e/assets/secret.txt',
      '/plugins/site/%2E%2E/%2E%2E/secret.txt',
      '/plugins/site/..%2fassets%2fsecret.txt',
      '/plugins/site/docs/..%2f..%2fsecret.txt',
      '/plugins/site/..%5cassets%5csecret.txt',
      '/plugins/site/docs\\..\\..\\assets\\secret.txt',
      '/plugins/site/docs/%5c..%5c..%5csecret.txt',
      '/plugins/site/leak.txt',
      '/plugins/site/./leak.txt',
    ];
    for (const path of attempts) {
      const r = await get(path);
      expect(r.text, path).not.toContain(SECRET);
      expect([200, 404], path).toContain(r.status);
    }
  });

  it('the path is cleaned before the lookup: ".." and %2e%2e inside the namespace resolve, as production', async () => {
    expect((await get('/plugins/site/docs/../style.css')).text).toBe('body { color: red }');
    expect((await get('/plugins/site/docs/%2e%2e/style.css')).text).toBe('body { color: red }');
    expect((await get('/plugins/site/docs%2f..%2fstyle.css')).text).toBe('body { color: red }');
    expect((await get('//plugins//site//./style.css')).text).toBe('body { color: red }');
    // climbing out of /plugins/<slug>/ leaves the plugin namespace altogether
    expect((await get('/plugins/site/../../style.css')).status).toBe(404);
  });

  it('a NUL anywhere in the path is a 400, and a bad escape too', async () => {
    for (const path of ['/plugins/site/style.css%00', '/plugins/site/%00/../style.css', '/plugins/site/style%zz.css', '/plugins/site/admin%00']) {
      const r = await get(path);
      expect(r.status, path).toBe(400);
    }
  });
});

describe('byte ranges', () => {
  const url = '/plugins/site/data.bin';

  it('one range is a 206 with Content-Range; suffix and open ranges too', async () => {
    const r = await get(url, { Range: 'bytes=10-19' });
    expect(r.status).toBe(206);
    expect(r.headers['content-range']).toBe('bytes 10-19/100');
    expect(r.body).toEqual(Buffer.from(dataBin.subarray(10, 20)));
    expect((await get(url, { Range: 'bytes=-5' })).body).toEqual(Buffer.from([95, 96, 97, 98, 99]));
    expect((await get(url, { Range: 'bytes=98-' })).body).toEqual(Buffer.from([98, 99]));
    expect((await get(url, { Range: 'bytes=95-500' })).headers['content-range']).toBe('bytes 95-99/100');
  });

  it('several ranges come back as multipart/byteranges', async () => {
    const r = await get(url, { Range: 'bytes=0-1,50-51' });
    expect(r.status).toBe(206);
    const boundary = /boundary=(\w+)/.exec(r.headers['content-type']!)![1]!;
    const parts = r.body.toString('latin1').split(`--${boundary}`);
    expect(parts[1]).toContain('Content-Range: bytes 0-1/100');
    expect(parts[1]!.endsWith('\r\n\r\n\x00\x01\r\n')).toBe(true);
    expect(parts[2]).toContain('Content-Range: bytes 50-51/100');
    expect(parts[3]).toBe('--\r\n');
  });

  it('a range past the end is a 416 naming the size; a malformed one is a 416', async () => {
    const past = await get(url, { Range: 'bytes=100-' });
    expect(past.status).toBe(416);
    expect(past.headers['content-range']).toBe('bytes */100');
    expect((await get(url, { Range: 'bytes=5-1' })).status).toBe(416);
    expect((await get(url, { Range: 'items=0-1' })).status).toBe(416);
  });

  it('If-Range with a stale validator gets the whole file', async () => {
    const { headers } = await get(url);
    expect((await get(url, { Range: 'bytes=0-1', 'If-Range': headers.etag! })).status).toBe(206);
    const stale = await get(url, { Range: 'bytes=0-1', 'If-Range': '"stale"' });
    expect(stale.status).toBe(200);
    expect(stale.body.length).toBe(100);
  });
});

describe('conditional requests', () => {
  const url = '/plugins/site/style.css';

  it('If-None-Match with the ETag is a 304 with no body; another ETag is a 200', async () => {
    const { headers } = await get(url);
    const again = await get(url, { 'If-None-Match': headers.etag! });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers.etag).toBe(headers.etag);
    expect((await get(url, { 'If-None-Match': `"other", W/${headers.etag!}` })).status).toBe(304);
    expect((await get(url, { 'If-None-Match': '"other"' })).status).toBe(200);
  });

  it('If-Modified-Since at or after Last-Modified is a 304, before it a 200; If-None-Match wins over it', async () => {
    const { headers } = await get(url);
    const lastModified = headers['last-modified']!;
    expect((await get(url, { 'If-Modified-Since': lastModified })).status).toBe(304);
    expect((await get(url, { 'If-Modified-Since': new Date(Date.parse(lastModified) - 3_600_000).toUTCString() })).status).toBe(200);
    expect((await get(url, { 'If-Modified-Since': lastModified, 'If-None-Match': '"other"' })).status).toBe(200);
  });

  it('If-Match with another ETag is a 412', async () => {
    expect((await get(url, { 'If-Match': '"other"' })).status).toBe(412);
  });
});

describe('the admin gate', () => {
  it('answers 401 with the realm, before anything else, for the page and everything under it, in any case', async () => {
    for (const path of [
      '/plugins/site/admin',
      '/plugins/site/admin/',
      '/plugins/site/admin/index.html',
      '/plugins/site/admin/api/x',
      '/plugins/site/ADMIN',
      '/plugins/site/Admin/Index.HTML',
      '/plugins/site/reports/q1.html',
      '/plugins/site/reports/deep/q2.html',
    ]) {
      const r = await get(path);
      expect(r.status, path).toBe(401);
      expect(r.headers['www-authenticate'], path).toBe('Basic realm="Owncast plugin admin"');
      expect(r.text, path).toBe('authentication required\n');
    }
  });

  it('cannot be walked around with .., %2e%2e, %2f, backslashes or doubled slashes', async () => {
    for (const path of [
      '/plugins/site/public/../admin',
      '/plugins/site/x/y/../../admin/',
      '/plugins/site/%2e%2e/site/admin',
      '/plugins/site/x/%2E%2E/admin/index.html',
      '/plugins/site/x%2f..%2fadmin',
      '/plugins/site/admin%2fapi',
      '/plugins/site/%61dmin',
      '/plugins/site/x%5c..%5cadmin',
      '/plugins/site/x\\..\\admin',
      '/plugins/site/admin\\secret',
      '//plugins//site//admin',
      '/plugins/site/./admin',
      '/plugins/site/reports/%2e/q1.html',
    ]) {
      const r = await get(path);
      expect(r.status, path).toBe(401);
      expect(r.text, path).not.toContain('admin</body>');
    }
  });

  it('gates only the page and what is under it: /administration and /reports/ are not admin pages', async () => {
    expect((await get('/plugins/site/administration')).json()).toMatchObject({ handler: true, authenticated: false });
    expect((await get('/plugins/site/reports/')).json()).toMatchObject({ handler: true, path: '/reports' });
  });

  it('lets an admin in: static admin HTML gets the admin stylesheet, the handler gets authenticated: true', async () => {
    const page = await get('/plugins/site/admin/', ADMIN);
    expect(page.status).toBe(200);
    expect(page.text).toBe(`<html><head><title>a</title>${ADMIN_STYLE_SNIPPET}</head><body>admin</body></html>`);
    expect(Number(page.headers['content-length'])).toBe(page.body.length);
    // a public page that is not an admin page is served as is
    expect((await get('/plugins/site/', ADMIN)).text).toBe('<!doctype html><title>site</title>');
    expect((await get('/plugins/site/admin/api/x', ADMIN)).json()).toEqual({ handler: true, method: 'GET', path: '/admin/api/x', authenticated: true });
    // an admin elsewhere is authenticated too (production: admin credentials)
    expect((await get('/plugins/site/other', ADMIN)).json()).toMatchObject({ authenticated: true });
  });

  it('other credentials are not an admin', async () => {
    expect((await get('/plugins/site/admin', { Authorization: 'Bearer user:ada' })).status).toBe(401);
    expect((await get('/plugins/site/admin', { Authorization: 'Basic YWRtaW46YWRtaW4=' })).status).toBe(401);
  });

  it('covers the reserved SSE path too: 401 first, and only then the missing http.sse', async () => {
    expect((await get('/plugins/site/_sse/private')).status).toBe(401);
    expect((await get('/plugins/site/_sse/private', ADMIN)).status).toBe(404);
  });
});

describe('admin page globs (production\'s dialect: no separators, so * crosses /)', () => {
  const pages = (...paths: string[]) => paths.map((path) => ({ title: path, path, icon: '' }));
  const cases: [string, string, boolean][] = [
    ['/admin', '/admin', true],
    ['/admin', '/admin/deep/x', true],
    ['/admin', '/adminx', false],
    ['/admin/', '/admin/', true],
    ['/admin/', '/admin/x', true],
    ['/', '/', true],
    ['/', '/anything', false],
    ['/a/*', '/a/b/c', true],
    ['/a/*', '/a', false],
    ['/*.html', '/x/y.html', true],
    ['/*.html', '/x/y.htm', false],
    ['/p?ge', '/page', true],
    ['/p?ge', '/pge', false],
    ['/{settings,config}', '/config', true],
    ['/{settings,config}', '/other', false],
    ['/{a,b/{c,d}}/x', '/b/d/x', true],
    ['/[a-c]x', '/bx', true],
    ['/[a-c]x', '/dx', false],
    ['/[!a-c]x', '/dx', true],
    ['/[!a-c]x', '/ax', false],
    ['/lit\\*', '/lit*', true],
    ['/lit\\*', '/litx', false],
    ['/a.b', '/aXb', false],
    ['/Admin/*', '/admin/X', true],
  ];
  it.each(cases)('%s gates %s: %s', (glob, path, gated) => {
    expect(isAdminPath(pages(glob), path)).toBe(gated);
  });
});

describe('a plugin the strike system turned off', () => {
  it('answers 404 everywhere, as if it were not loaded', async () => {
    expect((await get('/plugins/fragile/ok.txt')).text).toBe('ok');
    for (let i = 0; i < 5; i++) {
      const r = await get('/plugins/fragile/throw');
      expect(r.status).toBe(500);
      expect(r.text).toBe('plugin error\n');
    }
    expect(s.host.dispatcher.isDisabled('fragile')).toBe(true);
    for (const path of ['/plugins/fragile/ok.txt', '/plugins/fragile/', '/plugins/fragile/throw']) {
      const r = await get(path);
      expect(r.status, path).toBe(404);
      expect(r.text).toBe('404 page not found\n');
    }
    expect(s.warnings.some((w) => w.includes('plugin fragile: on_http_request failed'))).toBe(true);
  });
});
