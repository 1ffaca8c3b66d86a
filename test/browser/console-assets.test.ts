// The console's files as the dev server serves them (serveConsole on a real loopback server,
// no browser needed): types, no-cache, the names it refuses, and nothing fetched from elsewhere.
import { readdir, readFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { consoleDir, consoleFileFor, serveConsole } from '../../src/lib/devserver/console/index.js';

let server: Server;
let port: number;

beforeAll(async () => {
  server = createServer((req, res) => serveConsole(req, res, (req.url ?? '/').split('?')[0]!));
  port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** One request with the path exactly as written (fetch would normalize "..") */
function get(path: string, method = 'GET'): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await files(path)));
    else out.push(relative(consoleDir(), path).replaceAll('\\', '/'));
  }
  return out.sort();
}

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
};

describe('the console route', () => {
  it('serves the page at / and every console file under /_console/, uncached, with its type', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.headers).toMatchObject({ 'content-type': TYPES.html, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
    expect(page.body).toBe(await readFile(join(consoleDir(), 'index.html'), 'utf8'));

    const names = await files(consoleDir());
    expect(names).toContain('js/main.js');
    for (const name of names) {
      const res = await get(`/_console/${name}`);
      expect(res.status, name).toBe(200);
      expect(res.headers['content-type'], name).toBe(TYPES[name.split('.').pop()!]);
      expect(res.headers['cache-control'], name).toBe('no-cache');
    }
  });

  it("stands in for Owncast's admin stylesheet, which the host links into admin pages", async () => {
    const res = await get('/styles/plugin.css');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(TYPES.css);
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await get('/_console/console.css', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(Number(head.headers['content-length'])).toBeGreaterThan(0);
    const post = await get('/', 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });

  it('serves nothing outside the console folder, nor names it does not ship', async () => {
    for (const path of [
      '/_console/../package.json',
      '/_console/%2e%2e/package.json',
      '/_console/js/..%2f..%2fpackage.json',
      '/_console/js\\..\\..\\package.json',
      '/_console/js/%00main.js',
      '/_console/.hidden.js',
      '/_console/JS/MAIN.JS',
      '/_console/js/',
      '/_console/',
      '/_console/missing.js',
      '/index.html',
      '/anything-else',
    ]) {
      expect((await get(path)).status, path).toBe(404);
    }
    expect(consoleFileFor('/_console/js/../../package.json')).toBeNull();
  });

  it('loads nothing from elsewhere: no CDN, no external fonts, every import resolves to a shipped file', async () => {
    const names = await files(consoleDir());
    for (const name of names) {
      const text = await readFile(join(consoleDir(), name), 'utf8');
      expect(text, name).not.toMatch(/(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}\//i);
      expect(text, name).not.toMatch(/@import|@font-face/);
      for (const [, spec] of text.matchAll(/^import .* from '([^']+)';$/gm)) {
        expect(spec, name).toMatch(/^\.\/[a-z-]+\.js$/);
        expect(names, `${name} imports ${spec}`).toContain(join(name, '..', spec!).replaceAll('\\', '/'));
      }
    }
    const html = await readFile(join(consoleDir(), 'index.html'), 'utf8');
    for (const [, url] of html.matchAll(/(?:src|href)="([^"]*)"/g)) expect(url).toMatch(/^(?:\/_console\/|data:,$)/);
  });
});
