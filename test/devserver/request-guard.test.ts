// The dev server's Host and Origin checks, over real HTTP on loopback: a rebinding Host
// (the attacker's name resolving to 127.0.0.1) gets nothing; a cross-site POST to /_dev/chat,
// the login or a plugin route is refused and changes nothing; the server's own pages
// (same Origin) and clients without an Origin (curl, scripts) work as before.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createContext } from '../../src/lib/context.js';
import { checkRequestOrigin, ownHosts } from '../../src/lib/devserver/http/request-guard.js';
import { startDevServer, type DevServer } from '../../src/lib/devserver/server.js';

const PLUGIN = `
  import { definePlugin, owncast } from '@owncast/plugin-sdk';
  definePlugin({
    onHttpRequest(req) {
      if (req.path === '/vote' && req.method === 'POST') {
        owncast.chat.send('vote ' + req.body);
        return { body: 'counted' };
      }
      return { status: 404 };
    },
  });
`;

let cwd: string;
let server: DevServer;

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'ocp-guard-'));
  const dir = join(cwd, 'poll');
  await mkdir(join(dir, 'src'), { recursive: true });
  await mkdir(join(dir, 'public'), { recursive: true });
  await writeFile(join(dir, 'src', 'plugin.ts'), PLUGIN);
  await writeFile(join(dir, 'public', 'index.html'), '<form method="post" action="vote"><button>vote</button></form>');
  await writeFile(
    join(dir, 'plugin.manifest.json'),
    JSON.stringify({ api: '1', name: 'Poll', slug: 'poll', version: '1.0.0', bot: { displayName: 'Poll' }, permissions: ['http.serve', 'chat.send'] }),
  );
  const sink = { write: () => undefined, isTTY: false };
  const ctx = createContext({ cwd, stdout: sink, stderr: sink, color: false, logLevel: 'warn' });
  server = await startDevServer(ctx, { paths: ['poll'], port: 0 });
}, 120_000);

afterAll(async () => {
  await server?.close();
  if (cwd) await rm(cwd, { recursive: true, force: true });
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** node:http, so Host and Origin go out exactly as given (fetch would fill them in). */
function send(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, method, path, headers: { host: `127.0.0.1:${server.port}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function chatBodies(): Promise<string[]> {
  const answer = await send('GET', '/_dev/chat');
  expect(answer.status).toBe(200);
  const parsed = JSON.parse(answer.body) as { messages?: { body: string }[] } | { body: string }[];
  const messages = Array.isArray(parsed) ? parsed : (parsed.messages ?? []);
  return messages.map((m) => m.body);
}

describe('Host: only the server’s own loopback names', () => {
  it('refuses a rebinding Host on every kind of route, with a 421 that says where to go', async () => {
    for (const path of ['/', '/_dev/state', '/_dev/chat', '/api/config', '/plugins/poll/', '/console.css']) {
      const answer = await send('GET', path, { host: `attacker.example:${server.port}` });
      expect(answer.status, path).toBe(421);
      expect(answer.body).toContain(`http://127.0.0.1:${server.port}/`);
    }
    // the right name with another port is someone else's server, as far as a browser knows
    expect((await send('GET', '/_dev/state', { host: `127.0.0.1:${server.port + 1}` })).status).toBe(421);
    expect((await send('GET', '/_dev/state', { host: 'localhost' })).status).toBe(421);
    const posted = await send('POST', '/_dev/chat', { host: 'rebind.attacker.example' }, JSON.stringify({ body: 'via rebinding' }));
    expect(posted.status).toBe(421);
    expect(await chatBodies()).not.toContain('via rebinding');
  });

  it('answers 127.0.0.1, localhost and [::1] with the bound port, in any case', async () => {
    for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`, `LocalHost:${server.port}`, `[::1]:${server.port}`]) {
      const answer = await send('GET', '/_dev/state', { host });
      expect(answer.status, host).toBe(200);
      expect(JSON.parse(answer.body)).toMatchObject({ plugins: [{ slug: 'poll', status: 'running' }] });
    }
  });
});

describe('Origin: state changes only from the server’s own pages', () => {
  it('refuses a foreign Origin POST to /_dev/chat, and the chat does not change', async () => {
    const before = await chatBodies();
    for (const origin of ['http://attacker.example', 'null', `http://127.0.0.1:${server.port + 1}`, `https://127.0.0.1:${server.port}`]) {
      const answer = await send('POST', '/_dev/chat', { origin, 'content-type': 'text/plain' }, JSON.stringify({ body: `from ${origin}` }));
      expect(answer.status, origin).toBe(403);
      expect(answer.body).toMatch(/cross-origin request .* refused/);
    }
    expect(await chatBodies()).toEqual(before);
  });

  it('refuses a foreign Origin on the rest of the dev API: login, plugin actions, the feed', async () => {
    const origin = 'http://attacker.example';
    const login = await send('POST', '/_dev/login?as=admin', { origin });
    expect(login.status).toBe(403);
    expect(login.headers['set-cookie']).toBeUndefined();
    expect((await send('POST', '/_dev/plugins/poll/disable', { origin })).status).toBe(403);
    expect((await send('GET', '/_dev/stream', { origin })).status).toBe(403);
    expect((await send('GET', '/_dev/state', { origin })).status).toBe(403);
    expect((await send('OPTIONS', '/_dev/chat', { origin, 'access-control-request-method': 'POST' })).status).toBe(403);
    const state = JSON.parse((await send('GET', '/_dev/state')).body) as { plugins: { slug: string; status: string }[] };
    expect(state.plugins).toMatchObject([{ slug: 'poll', status: 'running' }]);
  });

  it('refuses a cross-site form POST to a plugin route before the plugin runs; its own page’s form works', async () => {
    const foreign = await send('POST', '/plugins/poll/vote', { origin: 'http://attacker.example', 'content-type': 'application/x-www-form-urlencoded' }, 'a');
    expect(foreign.status).toBe(403);
    const own = await send('POST', '/plugins/poll/vote', { origin: `http://127.0.0.1:${server.port}`, 'content-type': 'application/x-www-form-urlencoded' }, 'b');
    expect(own).toMatchObject({ status: 200, body: 'counted' });
    const viaLocalhost = await send('POST', '/plugins/poll/vote', { host: `localhost:${server.port}`, origin: `http://localhost:${server.port}` }, 'c');
    expect(viaLocalhost).toMatchObject({ status: 200, body: 'counted' });
    // a cross-site GET of the page itself is only a read: the browser keeps the answer from the other site
    expect((await send('GET', '/plugins/poll/', { origin: 'http://attacker.example' })).status).toBe(200);
    const votes = (await chatBodies()).filter((b) => b.startsWith('vote '));
    expect(votes).toEqual(['vote b', 'vote c']);
  });

  it('same-origin and Origin-less (curl-like) requests to the dev API work', async () => {
    const own = await send('POST', '/_dev/chat', { origin: `http://127.0.0.1:${server.port}` }, JSON.stringify({ body: 'same origin' }));
    expect(own.status).toBe(200);
    expect(JSON.parse(own.body)).toMatchObject({ allowed: true });
    const curl = await send('POST', '/_dev/chat', {}, JSON.stringify({ body: 'no origin' }));
    expect(curl.status).toBe(200);
    const fetched = await fetch(`${server.url}/_dev/chat`, { method: 'POST', body: JSON.stringify({ body: 'node fetch' }) });
    expect(fetched.status).toBe(200);
    const login = await send('POST', '/_dev/login?as=admin', { origin: `http://127.0.0.1:${server.port}` });
    expect(login.status).toBe(200);
    expect(String(login.headers['set-cookie'])).toContain('owncast_dev_auth=admin');
    expect(await chatBodies()).toEqual(expect.arrayContaining(['same origin', 'no origin', 'node fetch']));
  });
});

describe('checkRequestOrigin', () => {
  it('lists the own hosts, and the bare names only on port 80 (where browsers leave the port out)', () => {
    expect(ownHosts(8080)).toEqual(['127.0.0.1:8080', 'localhost:8080', '[::1]:8080']);
    expect(ownHosts(80)).toEqual(['127.0.0.1:80', 'localhost:80', '[::1]:80', '127.0.0.1', 'localhost', '[::1]']);
    expect(checkRequestOrigin({ method: 'POST', url: '/x', headers: { host: 'localhost', origin: 'http://localhost' } }, 80)).toBeNull();
  });

  it('refuses a request without Host (HTTP/1.0 from no browser names us)', () => {
    expect(checkRequestOrigin({ method: 'GET', url: '/', headers: {} }, 8080)?.status).toBe(421);
  });
});
