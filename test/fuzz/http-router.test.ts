// The plugin HTTP router and request envelope under generated paths (issue 8 item 1; DESIGN
// §3.2, §3.7). Models in test/fuzz/support/http-oracle.ts.
// - request targets: the cleaned, percent-decoded path and the query are what a model of Go's
//   unescape + ServeMux cleanPath says (or both refuse); a cleaned path has no empty, "." or
//   ".." segment and no NUL, and cleaning it again changes nothing;
// - the admin gate: however a path to an admin page is written (case, %-escapes, double
//   escapes, dot segments, %2f, backslashes, trailing slashes, directory URLs), if the plugin's
//   handler or the static lookup would see an admin page, the gate says admin;
// - through a real server on loopback (public/ on disk beside secrets, with symlinks out):
//   an anonymous client never gets a byte from outside public/, never an admin page's file or
//   handler answer, and never gets an admin endpoint to act.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { HttpPluginView, PluginHttpBackend } from '../../src/lib/devserver/http/backend.js';
import { createPluginHttpHandler, devAuthResolver, isAdminPath, parseRequestTarget } from '../../src/lib/devserver/http/index.js';
import { cleanPath } from '../../src/lib/devserver/http/paths.js';
import { directoryFileSource } from '../../src/lib/host/manager/index.js';
import type { AdminPage, Manifest } from '../../src/lib/manifest/types.js';
import { checkProperty, FUZZ_TIMEOUT } from './support/fuzz.js';
import { adminPagePath, applyTwists, instance, oracleAdmin, oracleTarget, twist } from './support/http-oracle.js';

const pagesOf = (paths: readonly string[]): AdminPage[] => paths.map((path) => ({ title: 'Admin', path, icon: '' }));

/**
 * The plugin-relative forms a request reaches: the gate's, the handler's, the static lookup's
 * (a directory URL's index.html, which depends on public/, is the loopback property's).
 */
function reachedForms(rest: string): string[] {
  const handler = rest.length > 1 && rest.endsWith('/') ? rest.replace(/\/+$/, '') || '/' : rest;
  const forms = [rest, handler, cleanPath(`/${rest}`)];
  // a plugin (or a proxy) that reads backslashes as slashes
  for (const f of [...forms]) if (f.includes('\\')) forms.push(cleanPath(f.replaceAll('\\', '/')));
  return forms;
}

// ---- request targets ----------------------------------------------------------------------------

const pathish = fc.string({ unit: fc.constantFrom(...'/./%2eEfF5cC0a\\?#é\u0000 +'), maxLength: 24 });
const rawTarget = fc.oneof(
  pathish.map((p) => `/${p}`),
  pathish,
  fc.tuple(adminPagePath, fc.array(twist, { maxLength: 5 })).map(([p, t]) => applyTwists(p, t)),
  fc.tuple(fc.constantFrom('http://h', 'HTTPS://x:8080', 'h://', 'a+b.c-d://u@h'), pathish).map(([a, p]) => a + p),
  fc.string({ unit: 'binary', maxLength: 16 }),
);

describe('plugin HTTP router: request targets', () => {
  it(
    'the cleaned path and query are what the model of Go says; cleaned paths are clean and stable',
    async () => {
      await checkProperty(
        { target: 'http-router', name: 'request targets: decoded+cleaned path and query = model; clean; idempotent', runs: 500 },
        fc.property(rawTarget, (raw) => {
          const got = parseRequestTarget(raw);
          const want = oracleTarget(raw);
          expect(got.ok, raw).toBe(want.ok);
          if (!got.ok || !want.ok) return;
          expect({ path: got.path, query: got.query }).toEqual({ path: want.path, query: want.query });
          const p = got.path;
          expect(p.startsWith('/')).toBe(true);
          expect(p.includes('\0')).toBe(false);
          const body = p.endsWith('/') ? p.slice(1, -1) : p.slice(1);
          if (p !== '/') expect(body.split('/').every((s) => s !== '' && s !== '.' && s !== '..'), p).toBe(true);
          // written back as a URL (every segment escaped), it reads as itself
          const again = parseRequestTarget(p.split('/').map(encodeURIComponent).join('/'));
          expect(again.ok && again.path).toBe(p);
        }),
      );
    },
    FUZZ_TIMEOUT,
  );
});

// ---- the admin gate -------------------------------------------------------------------------------

const attack = fc
  .record({
    pages: fc.array(adminPagePath, { minLength: 1, maxLength: 3 }),
    which: fc.nat(),
    picks: fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
    below: fc.constantFrom('', '', '/', '/x', '/a/b.html', '/index.html'),
    twists: fc.array(twist, { maxLength: 5 }),
  })
  .map(({ pages, which, picks, below, twists }) => {
    let n = 0;
    const target = instance(pages[which % pages.length]!, (k) => picks[n++ % picks.length]! % k) + below;
    return { pages, raw: `/plugins/site${applyTwists(target, twists)}` };
  });

describe('plugin HTTP router: the admin gate', () => {
  it('attacks reach admin pages often enough for the property to mean something', () => {
    const cases = fc.sample(attack, { numRuns: 1000, seed: 7 });
    const reaching = cases.filter(({ pages, raw }) => {
      const t = parseRequestTarget(raw);
      const rest = t.ok ? /^\/plugins\/site(\/.*)?$/.exec(t.path)?.[1] : undefined;
      return rest !== undefined && reachedForms(rest).some((f) => oracleAdmin(pages, f));
    });
    expect(reaching.length).toBeGreaterThan(250);
  });

  it(
    'whatever the handler or the static lookup would see of an admin page, the gate says admin',
    async () => {
      await checkProperty(
        { target: 'http-router', name: 'admin gate: every form the handler or static lookup sees of an admin page is gated', runs: 500 },
        fc.property(attack, ({ pages, raw }) => {
          const t = parseRequestTarget(raw);
          if (!t.ok) return;
          const m = /^\/plugins\/site(\/.*)?$/.exec(t.path);
          if (!m) return;
          const rest = m[1] ?? '/';
          const reached = reachedForms(rest).filter((f) => oracleAdmin(pages, f));
          if (reached.length > 0) expect(isAdminPath(pagesOf(pages), rest), `${raw} → ${rest} reaches ${reached.join(', ')}`).toBe(true);
        }),
      );
    },
    FUZZ_TIMEOUT,
  );
});

// ---- a real server on loopback ---------------------------------------------------------------------

const SECRET = 'SECRET-OUTSIDE-PUBLIC';
const PAGES = ['/admin', '/reports/*.html', '/Secret/{a,b}.txt', '/deep/[a-c]?/x', '/area/index.html', '/tail/'];
const PUBLIC_FILES = ['index.html', 'admin/index.html', 'admin/x.txt', 'reports/q1.html', 'reports/sub/q2.html', 'secret/a.txt', 'deep/b1/x', 'area/index.html', 'tail/index.html', 'plain.txt', 'dir/index.html'];

let root: string;
let server: Server;
let port: number;
const adminCalls: string[] = [];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'ocp-fuzz-http-'));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  for (const f of PUBLIC_FILES) write(`public/${f}`, `FILE:${f}`);
  write('secret.txt', SECRET);
  write('assets/secret.txt', SECRET);
  write('plugin.js', SECRET);
  symlinkSync('../secret.txt', join(root, 'public', 'leak.txt'));
  symlinkSync('..', join(root, 'public', 'up'));
  symlinkSync(join(root, 'assets'), join(root, 'public', 'assets-link'));
  const manifest = { slug: 'site', name: 'site', permissions: ['http.serve'], admin: { pages: pagesOf(PAGES) } } as unknown as Manifest;
  const view: HttpPluginView = {
    slug: 'site',
    name: 'site',
    permissions: ['http.serve'],
    manifest,
    publicFiles: directoryFileSource(join(root, 'public')),
    assets: directoryFileSource(join(root, 'assets')),
    icon: null,
    instructions: SECRET,
    loadedAt: 0,
  };
  const backend: PluginHttpBackend = {
    plugins: async () => [view],
    plugin: async (slug) => (slug === 'site' ? view : null),
    httpRequest: async (_slug, envelope) => ({ output: JSON.stringify({ status: 200, body: JSON.stringify({ handler: true, path: envelope.path, authenticated: envelope.authenticated }) }), session: [] }),
    content: async () => '',
    notify: async () => undefined,
    runtimeActions: async () => [],
    admin: {
      list: async () => [SECRET],
      enable: async (slug) => void adminCalls.push(`enable ${slug}`),
      disable: async (slug) => void adminCalls.push(`disable ${slug}`),
      reload: async (slug) => void adminCalls.push(`reload ${slug}`),
    },
  };
  const handler = createPluginHttpHandler({ backend, auth: devAuthResolver(), log: { warn: () => undefined } });
  server = createServer((req, res) => handler(req, res));
  port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  rmSync(root, { recursive: true, force: true });
});

/** One request with the path as written (what node:http lets a client put on the wire). */
function send(path: string, method = 'GET', headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString('latin1') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Characters a client cannot send raw are sent %-escaped (the server decodes them the same way). */
const wireSafe = (path: string) => path.replace(/[^\x21-\x7e]/gu, (ch) => [...new TextEncoder().encode(ch)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join(''));

const onWire = fc.oneof(
  fc
    .tuple(fc.constantFrom(...PAGES, ...PUBLIC_FILES.map((f) => `/${f}`)), fc.array(fc.nat(), { minLength: 4, maxLength: 4 }), fc.constantFrom('', '/', '/x', '/index.html'), fc.array(twist, { maxLength: 5 }))
    .map(([page, picks, below, twists]) => {
      let n = 0;
      return `/plugins/site${applyTwists(instance(page, (k) => picks[n++ % 4]! % k) + below, twists)}`;
    }),
  fc
    .tuple(fc.constantFrom('/leak.txt', '/up/secret.txt', '/up/assets/secret.txt', '/assets-link/secret.txt', '/../secret.txt', '/%2e%2e/plugin.js', '/..%2fsecret.txt', '/up/plugin.js', '/../assets/secret.txt', '/%2e%2e%2fassets%2fsecret.txt'), fc.array(twist, { maxLength: 4 }))
    .map(([p, twists]) => `/plugins/site${applyTwists(p, twists)}`),
  fc.tuple(fc.constantFrom('/api/admin/plugins/site/disable', '/api/admin/plugins', '/api/admin/plugins/site/instructions'), fc.array(twist, { maxLength: 4 })).map(([p, twists]) => applyTwists(p, twists)),
);

describe('plugin HTTP router: a real server on loopback, anonymous clients', () => {
  it(
    'nothing from outside public/, no admin page file or handler answer, no admin action',
    async () => {
      await checkProperty(
        { target: 'http-router', name: 'loopback server: nothing outside public/, no admin page or action without auth', runs: 150, fuzzShare: 0.1 },
        fc.asyncProperty(onWire, fc.constantFrom('GET', 'HEAD', 'POST'), async (raw, method) => {
          const before = adminCalls.length;
          const { status, body } = await send(wireSafe(raw), method);
          expect(body.includes(SECRET), `${raw}: ${status} ${body.slice(0, 80)}`).toBe(false);
          expect(adminCalls.length, raw).toBe(before);
          if (status !== 200) return;
          if (body.startsWith('FILE:')) {
            const name = body.slice('FILE:'.length);
            expect(PUBLIC_FILES).toContain(name);
            expect(oracleAdmin(PAGES, `/${name}`), `${raw} served admin file ${name}`).toBe(false);
          } else if (body.startsWith('{"handler"')) {
            const { path } = JSON.parse(body) as { path: string };
            expect(oracleAdmin(PAGES, path), `${raw} reached the handler as admin path ${path}`).toBe(false);
          }
        }),
      );
    },
    FUZZ_TIMEOUT,
  );

  it('with admin credentials the same pages answer (the server under test is wired as it should be)', async () => {
    const admin = { Authorization: 'Bearer admin' };
    expect((await send('/plugins/site/admin/x.txt', 'GET', admin)).body).toBe('FILE:admin/x.txt');
    expect((await send('/plugins/site/reports/q1.html', 'GET', admin)).body).toContain('FILE:reports/q1.html');
    expect((await send('/plugins/site/admin/x.txt')).status).toBe(401);
    expect((await send('/plugins/site/plain.txt')).body).toBe('FILE:plain.txt');
    // found by the properties above (SECURITY.md): a trailing slash, and a directory URL served its admin index.html
    for (const path of ['/plugins/site/reports/q1.html/', '/plugins/site/Secret/a.txt/', '/plugins/site/area/', '/plugins/site/%61rea/']) {
      expect((await send(path)).status, path).toBe(401);
    }
    expect((await send('/plugins/site/area/', 'GET', admin)).body).toContain('FILE:area/index.html');
    expect((await send('/plugins/site/dir/')).body).toBe('FILE:dir/index.html');
    expect((await send('/api/admin/plugins/site/disable', 'POST', admin)).status).toBe(200);
    expect(adminCalls.splice(0)).toEqual(['disable site']);
  });
});
