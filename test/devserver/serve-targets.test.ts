// What `serve` can be pointed at besides projects: a plugins directory (managed like
// Owncast's: discovered, then enabled; approvals and storage survive a restart), an .ocpkg
// and a loose .js; --config, --fresh; SSE streams end when their plugin is disabled.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { createContext } from '../../src/lib/context.js';
import { startDevServer, type DevServer, type DevServerOptions } from '../../src/lib/devserver/server.js';
import { UserError } from '../../src/lib/errors.js';
import type { PluginSource } from '../../src/lib/host/host.js';
import { buildSource } from '../helpers/host.js';
import { writeZip } from '../package/zip-writer.js';

const temps: string[] = [];
const running: DevServer[] = [];
let counter: PluginSource;
const COUNTER_MANIFEST = {
  api: '1',
  name: 'Counter',
  slug: 'counter',
  version: '1.0.0',
  permissions: ['chat.send', 'storage.kv', 'http.serve', 'http.sse'],
  config: { greeting: { type: 'string', default: 'count' } },
};

async function temp(prefix: string): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), prefix));
  temps.push(d);
  return d;
}

beforeAll(async () => {
  const dir = await temp('ocp-counter-');
  await mkdir(join(dir, 'src'));
  await writeFile(join(dir, 'plugin.manifest.json'), JSON.stringify(COUNTER_MANIFEST));
  await writeFile(
    join(dir, 'src', 'plugin.ts'),
    `import { definePlugin, owncast } from '@owncast/plugin-sdk';
    definePlugin({
      onChatMessage(m) {
        const n = Number(owncast.kv.get('n') ?? '0') + 1;
        owncast.kv.set('n', String(n));
        owncast.sse.send('', 'count', String(n));
        owncast.chat.send(owncast.config.get('greeting') + ' ' + n);
      },
      onHttpRequest() { return { status: 200, body: owncast.kv.get('n') ?? '0' }; },
    });`,
  );
  counter = await buildSource(dir, 'js');
}, 120_000);

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await Promise.all(temps.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function serve(cwd: string, opts: Partial<DevServerOptions> & { paths: string[] }): Promise<DevServer> {
  const sink = { write: () => undefined, isTTY: false };
  const ctx = createContext({ cwd, stdout: sink, stderr: sink, color: false, logLevel: 'silent' });
  const server = await startDevServer(ctx, { port: 0, scanIntervalMs: 0, ...opts });
  running.push(server);
  return server;
}
const chat = async (s: DevServer, body: string) =>
  (await (await fetch(`${s.url}/_dev/chat`, { method: 'POST', body: JSON.stringify({ user: 'ada', body }) })).json()) as {
    trace: { notified: { slug: string }[] };
  };
const lastLine = async (s: DevServer) => ((await (await fetch(`${s.url}/_dev/chat`)).json()) as { messages: { body: string }[] }).messages.at(-1)?.body;
const status = async (s: DevServer) =>
  Object.fromEntries(((await (await fetch(`${s.url}/_dev/plugins`)).json()) as { plugins: { slug: string; status: string }[] }).plugins.map((p) => [p.slug, p.status]));

describe('serve a plugins directory', () => {
  it('discovers without running; enable runs it; approvals and KV survive a restart; --fresh forgets both', async () => {
    const cwd = await temp('ocp-serve-dir-');
    const plugins = join(cwd, 'plugins');
    await mkdir(plugins);
    await writeFile(join(plugins, 'counter.ocpkg'), writeZip([{ name: 'plugin.manifest.json', data: counter.manifestJson }, { name: 'plugin.js', data: counter.script! }]));

    let s = await serve(cwd, { paths: ['plugins'] });
    expect(await status(s)).toEqual({ counter: 'discovered' });
    expect((await chat(s, 'hi')).trace.notified).toEqual([]);
    expect((await fetch(`${s.url}/_dev/plugins/counter/enable`, { method: 'POST' })).status).toBe(200);
    expect(await status(s)).toEqual({ counter: 'running' });
    await chat(s, 'one');
    await chat(s, 'two');
    expect(await lastLine(s)).toBe('count 2');
    await s.close();
    running.length = 0;

    s = await serve(cwd, { paths: ['plugins'] });
    expect(await status(s)).toEqual({ counter: 'running' });
    await chat(s, 'three');
    expect(await lastLine(s)).toBe('count 3');
    await s.close();
    running.length = 0;

    s = await serve(cwd, { paths: ['plugins'], fresh: true });
    expect(await status(s)).toEqual({ counter: 'discovered' });
  }, 120_000);
});

describe('serve files directly', () => {
  it('runs an .ocpkg and a loose .js side by side, with --config overrides', async () => {
    const cwd = await temp('ocp-serve-files-');
    await writeFile(join(cwd, 'counter.ocpkg'), writeZip([{ name: 'plugin.manifest.json', data: counter.manifestJson }, { name: 'plugin.js', data: counter.script! }]));
    const loose = { ...COUNTER_MANIFEST, name: 'Loose', slug: 'loose' };
    await writeFile(join(cwd, 'loose.js'), counter.script!);
    await writeFile(join(cwd, 'loose.manifest.json'), JSON.stringify(loose));
    const s = await serve(cwd, { paths: ['counter.ocpkg', 'loose.js'], config: ['loose.greeting=loose count'] });
    expect(await status(s)).toEqual({ counter: 'running', loose: 'running' });
    const answer = await chat(s, 'hi');
    expect(answer.trace.notified.map((n) => n.slug).sort()).toEqual(['counter', 'loose']);
    const log = ((await (await fetch(`${s.url}/_dev/chat`)).json()) as { messages: { body: string }[] }).messages.map((m) => m.body);
    expect(log).toEqual(expect.arrayContaining(['count 1', 'loose count 1']));
    // the loose .js loads here, and serve says Owncast would not discover it
    const state = (await (await fetch(`${s.url}/_dev/plugins`)).json()) as { plugins: { slug: string; warnings: string[] }[] };
    expect(state.plugins.find((p) => p.slug === 'loose')!.warnings.join(' ')).toMatch(/\.ocpkg|discover/);
    expect(await (await fetch(`${s.url}/plugins/counter/`)).text()).toBe('1');
  }, 120_000);

  it('a --config key the manifest does not declare is a usage error', async () => {
    const cwd = await temp('ocp-serve-cfg-');
    await writeFile(join(cwd, 'counter.ocpkg'), writeZip([{ name: 'plugin.manifest.json', data: counter.manifestJson }, { name: 'plugin.js', data: counter.script! }]));
    const err = await serve(cwd, { paths: ['counter.ocpkg'], config: ['counter.colour=red'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(/declares no config key "colour"/);
  }, 60_000);

  it("ends a plugin's SSE streams when it is disabled", async () => {
    const cwd = await temp('ocp-serve-sse-');
    await writeFile(join(cwd, 'counter.ocpkg'), writeZip([{ name: 'plugin.manifest.json', data: counter.manifestJson }, { name: 'plugin.js', data: counter.script! }]));
    const s = await serve(cwd, { paths: ['counter.ocpkg'] });
    const res = await fetch(`${s.url}/plugins/counter/_sse`);
    const reader = res.body!.getReader();
    let text = '';
    const readAll = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        text += new TextDecoder().decode(value);
      }
    })();
    await chat(s, 'hi');
    await fetch(`${s.url}/_dev/plugins/counter/disable`, { method: 'POST' });
    await Promise.race([readAll, new Promise((_, reject) => setTimeout(() => reject(new Error('stream still open')), 10_000))]);
    expect(text).toContain(': connected');
    expect(text).toContain('event: count\ndata: 1');
  }, 60_000);
});
