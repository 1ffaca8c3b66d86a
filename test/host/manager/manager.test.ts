// PluginManager over real temp plugin directories with real plugins built by our compiler
// (production §7 engine_lifecycle_test, manager_authgate_test; §3.6).
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { PluginError, UserError } from '../../../src/lib/errors.js';
import type { PluginSource } from '../../../src/lib/host/host.js';
import {
  createHostPluginManager,
  PENDING_AT_STARTUP,
  PluginManager,
  type HostPluginHandle,
  type LoadPlugin,
  type ManagerEvents,
  type PluginHandle,
} from '../../../src/lib/host/manager/index.js';
import { chatMessage } from '../../helpers/host.js';
import { writeZip } from '../../package/zip-writer.js';
import { build, hostLoader, manifestJson, ocpkgBytes, removeTemps, SOURCES, tempDir, writeLoose, writeOcpkg, type ManifestInput } from './helpers.js';

let v1: PluginSource;
let v2: PluginSource;
let boom: PluginSource;
let filterPlugin: PluginSource;
let fediPlugin: PluginSource;
let wasm: PluginSource;
let touchy: PluginSource;
const WASM_MANIFEST = { name: 'Wasm Agree', slug: 'wasm-agree', version: '1.0.0', permissions: ['chat.send', 'storage.kv'] };

beforeAll(async () => {
  const any = { name: 'Build', permissions: ['chat.send'] };
  [v1, v2, boom, filterPlugin, fediPlugin, wasm] = await Promise.all([
    build(SOURCES.echo('v1'), any),
    build(SOURCES.echo('v2'), any),
    build(SOURCES.throwsAtLoad, any),
    build(SOURCES.filter, { name: 'Build', permissions: ['chat.filter'] }),
    build(SOURCES.fediverse, { name: 'Build', permissions: ['fediverse.inbound'] }),
    build(SOURCES.echo('wasm'), WASM_MANIFEST, 'wasm'),
  ]);
  touchy = await build(
    `import { definePlugin, owncast } from '@owncast/plugin-sdk';
    definePlugin({ onChatMessage(msg) { if (msg.body === 'boom') throw new Error('boom'); owncast.chat.send('touchy: ' + msg.body); } });`,
    any,
  );
});
afterAll(removeTemps);

type Events = ManagerEvents<HostPluginHandle>;
interface Ctx {
  pluginsDir: string;
  stateDir: string;
  m: PluginManager<HostPluginHandle>;
  host: ReturnType<typeof hostLoader>['host'];
  rec: ReturnType<typeof hostLoader>['rec'];
  events: { [K in keyof Events]: Events[K][] };
}

const open: Ctx[] = [];
afterEach(async () => {
  for (const ctx of open.splice(0)) {
    await ctx.m.stop();
    // every load that was refused or unloaded left nothing running in the host
    expect(ctx.host.plugins).toHaveLength(0);
    await ctx.host.close();
  }
});

function manager(pluginsDir: string, stateDir: string, load?: LoadPlugin<HostPluginHandle>, scanIntervalMs = 0): Ctx {
  const loader = hostLoader();
  const m = new PluginManager<HostPluginHandle>({ pluginsDir, stateDir, load: load ?? loader.load, scanIntervalMs });
  const events = { loaded: [], unloaded: [], failed: [], pending: [], warning: [] } as unknown as Ctx['events'];
  for (const name of Object.keys(events) as (keyof Events)[]) m.on(name, (e) => (events[name] as unknown[]).push(e));
  const ctx = { pluginsDir, stateDir, m, host: loader.host, rec: loader.rec, events };
  open.push(ctx);
  return ctx;
}

async function started(): Promise<Ctx> {
  const ctx = manager(await tempDir(), await tempDir());
  await ctx.m.start();
  return ctx;
}

/** A second manager over the same directories (the first one stopped): a restart. */
async function restart(ctx: Ctx): Promise<Ctx> {
  await ctx.m.stop();
  const next = manager(ctx.pluginsDir, ctx.stateDir);
  await next.m.start();
  return next;
}

const echoManifest = (slug: string, permissions: string[] = ['chat.send'], extra: Record<string, unknown> = {}): ManifestInput => ({
  name: slug.replace(/-/g, ' '),
  slug,
  permissions,
  ...extra,
});

async function say(ctx: Ctx, slug: string, body = 'hi'): Promise<string[]> {
  ctx.rec.chat.length = 0;
  await ctx.m.plugin(slug)!.plugin.notify('chat.message.received', chatMessage(body));
  return ctx.rec.chat.map((c) => c.text);
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e as Error,
  );
}

describe('discovery', () => {
  it('discovers .ocpkg, .wasm and loose .js files without loading any of them', async () => {
    const ctx = manager(await tempDir(), await tempDir());
    await writeOcpkg(ctx.pluginsDir, 'pkg.ocpkg', v1, echoManifest('pkg-plugin'), [{ name: 'INSTRUCTIONS.md', data: '# hi' }]);
    await writeLoose(ctx.pluginsDir, 'native', wasm, WASM_MANIFEST);
    await writeLoose(ctx.pluginsDir, 'loose', v1, echoManifest('loose-plugin'));
    await writeFile(join(ctx.pluginsDir, 'notes.txt'), 'ignored');
    await writeFile(join(ctx.pluginsDir, '.upload-123.ocpkg'), 'half written');
    await ctx.m.start();

    const list = ctx.m.list();
    expect(list.map((e) => [e.slug, e.format, e.enabled, e.loaded])).toEqual([
      ['loose-plugin', 'js', false, false],
      ['pkg-plugin', 'ocpkg', false, false],
      ['wasm-agree', 'wasm', false, false],
    ]);
    expect(list[1]).toMatchObject({
      name: 'pkg plugin',
      version: '1.0.0',
      permissions: ['chat.send'],
      path: join(ctx.pluginsDir, 'pkg.ocpkg'),
      hasInstructions: true,
      // nothing approved yet: everything it declares awaits approval
      pendingPermissions: ['chat.send'],
    });
    expect(Date.parse(list[1]!.discoveredAt)).not.toBeNaN();
    expect(ctx.host.plugins).toHaveLength(0);
    expect(ctx.events.loaded).toHaveLength(0);
    // the loose .js loads here, and production will not discover it: said once
    expect(ctx.events.warning.map((w) => w.message)).toEqual([expect.stringContaining('loose.js: production Owncast discovers only .ocpkg and .wasm')]);
    await ctx.m.scan();
    expect(ctx.events.warning).toHaveLength(1);
  });

  it('reports a broken file once and skips it; the same slug twice: the later file wins', async () => {
    const ctx = manager(await tempDir(), await tempDir());
    await writeFile(join(ctx.pluginsDir, 'broken.ocpkg'), 'not a zip');
    await writeOcpkg(ctx.pluginsDir, 'a.ocpkg', v1, echoManifest('dup', ['chat.send'], { description: 'first' }));
    await writeOcpkg(ctx.pluginsDir, 'b.ocpkg', v2, echoManifest('dup', ['chat.send'], { description: 'second' }));
    await ctx.m.start();
    await ctx.m.scan();
    expect(ctx.m.list().map((e) => [e.slug, e.description, e.path])).toEqual([['dup', 'second', join(ctx.pluginsDir, 'b.ocpkg')]]);
    const warnings = ctx.events.warning.map((w) => w.message);
    expect(warnings.filter((w) => w.startsWith('discover broken.ocpkg: broken.ocpkg: not a valid .ocpkg'))).toHaveLength(1);
    expect(warnings).toContain('discover: a.ocpkg and b.ocpkg both declare slug "dup"; using b.ocpkg');
    await ctx.m.enable('dup');
    expect(await say(ctx, 'dup')).toEqual(['v2: hi']);
  });

  it('rescans on its interval', async () => {
    const ctx = manager(await tempDir(), await tempDir(), undefined, 50);
    await ctx.m.start();
    expect(ctx.m.list()).toEqual([]);
    await writeOcpkg(ctx.pluginsDir, 'late.ocpkg', v1, echoManifest('late'));
    await vi.waitFor(() => expect(ctx.m.entry('late')).toBeDefined(), { timeout: 20_000, interval: 50 });
    expect(ctx.m.entry('late')!.loaded).toBe(false);
  });

  it('forgets a file that disappears and unloads it, but keeps it enabled for when it returns', async () => {
    const ctx = await started();
    const file = await writeOcpkg(ctx.pluginsDir, 'gone.ocpkg', v1, echoManifest('gone'));
    await ctx.m.scan();
    await ctx.m.enable('gone');
    await rm(file);
    await ctx.m.scan();
    expect(ctx.m.entry('gone')).toBeUndefined();
    expect(ctx.events.unloaded).toEqual([{ slug: 'gone', reason: 'removed' }]);
    expect(ctx.m.state().enabled).toEqual(['gone']);
    await writeOcpkg(ctx.pluginsDir, 'gone.ocpkg', v1, echoManifest('gone'));
    await ctx.m.scan();
    // a scan never loads: the admin (or a restart) does
    expect(ctx.m.entry('gone')).toMatchObject({ enabled: true, loaded: false });
    await ctx.m.reload('gone');
    expect(ctx.m.entry('gone')!.loaded).toBe(true);
  });
});

describe('enable, disable, reload', () => {
  it('enable loads and approves; enabling again is a no-op on the same instance', async () => {
    const ctx = await started();
    await writeOcpkg(ctx.pluginsDir, 'echo.ocpkg', v1, echoManifest('echo'));
    await ctx.m.scan();
    await ctx.m.enable('echo');
    expect(ctx.m.entry('echo')).toMatchObject({ enabled: true, loaded: true });
    expect(ctx.m.entry('echo')!.pendingPermissions).toBeUndefined();
    expect(await say(ctx, 'echo')).toEqual(['v1: hi']);
    expect(ctx.events.loaded.map((e) => e.slug)).toEqual(['echo']);
    expect(ctx.events.loaded[0]!.registration.subscriptions.notify).toEqual([{ event: 'chat.message.received' }]);
    expect(ctx.m.state()).toEqual({ enabled: ['echo'], approvedPermissions: { echo: ['chat.send'] } });
    expect(ctx.m.snapshot().map((p) => p.slug)).toEqual(['echo']);

    const before = ctx.m.plugin('echo');
    await ctx.m.enable('echo');
    expect(ctx.m.plugin('echo')).toBe(before);
    expect(ctx.events.loaded).toHaveLength(1);
  });

  it('disable unloads and closes the instance and keeps the approval', async () => {
    const ctx = await started();
    await writeOcpkg(ctx.pluginsDir, 'echo.ocpkg', v1, echoManifest('echo'));
    await ctx.m.scan();
    await ctx.m.enable('echo');
    const handle = ctx.m.plugin('echo')!;
    await ctx.m.disable('echo');
    expect(ctx.m.entry('echo')).toMatchObject({ enabled: false, loaded: false });
    expect(ctx.m.plugin('echo')).toBeUndefined();
    expect(ctx.host.plugins).toHaveLength(0);
    expect(ctx.events.unloaded).toEqual([{ slug: 'echo', reason: 'disabled' }]);
    await expect(handle.plugin.notify('chat.message.received', chatMessage('x'))).rejects.toThrow(/closed/);
    expect(ctx.m.state()).toEqual({ enabled: [], approvedPermissions: { echo: ['chat.send'] } });
  });

  it('a top-level throw fails the load, records lastError and leaks no instance', async () => {
    const ctx = await started();
    await writeOcpkg(ctx.pluginsDir, 'boom.ocpkg', boom, echoManifest('boom'));
    await ctx.m.scan();
    const err = await rejection(ctx.m.enable('boom'));
    expect(err).toBeInstanceOf(PluginError);
    expect(err.message).toContain('boom at load');
    expect(ctx.m.entry('boom')).toMatchObject({ enabled: true, loaded: false, lastError: err.message });
    expect(ctx.events.failed).toEqual([{ slug: 'boom', error: err }]);
    expect(ctx.host.plugins).toHaveLength(0);
    // a working update clears the error on the next load
    await writeOcpkg(ctx.pluginsDir, 'boom.ocpkg', v1, echoManifest('boom'));
    await ctx.m.reload('boom');
    expect(ctx.m.entry('boom')!.lastError).toBeUndefined();
  });

  it('refuses unknown slugs and reloading a plugin that is not enabled', async () => {
    const ctx = await started();
    await writeOcpkg(ctx.pluginsDir, 'echo.ocpkg', v1, echoManifest('echo'));
    await ctx.m.scan();
    await expect(ctx.m.enable('nope')).rejects.toThrow('plugin "nope" not discovered');
    await expect(ctx.m.disable('nope')).rejects.toThrow('plugin "nope" not discovered');
    const err = await rejection(ctx.m.reload('echo'));
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toBe('plugin "echo" is not enabled; use Enable to load it');
  });

  it('reload picks up new code that asks for nothing new', async () => {
    const ctx = await started();
    await writeLoose(ctx.pluginsDir, 'echo', v1, echoManifest('echo'));
    await ctx.m.scan();
    await ctx.m.enable('echo');
    await writeLoose(ctx.pluginsDir, 'echo', v2, echoManifest('echo', ['chat.send'], { version: '1.1.0' }));
    expect(await say(ctx, 'echo')).toEqual(['v1: hi']);
    await ctx.m.reload('echo');
    expect(await say(ctx, 'echo')).toEqual(['v2: hi']);
    expect(ctx.m.entry('echo')!.version).toBe('1.1.0');
    expect(ctx.events.unloaded).toEqual([{ slug: 'echo', reason: 'reload' }]);
  });

  it('leaves an auto-disabled plugin out of the snapshot until it is reloaded', async () => {
    const ctx = await started();
    await writeOcpkg(ctx.pluginsDir, 'echo.ocpkg', v1, echoManifest('echo'));
    await ctx.m.scan();
    await ctx.m.enable('echo');
    ctx.m.setAutoDisabled('echo');
    expect(ctx.m.entry('echo')).toMatchObject({ enabled: true, loaded: true, autoDisabled: true });
    expect(ctx.m.snapshot()).toEqual([]);
    await ctx.m.reload('echo');
    expect(ctx.m.entry('echo')!.autoDisabled).toBeUndefined();
    expect(ctx.m.snapshot()).toHaveLength(1);
  });
});

describe('the strike system through createHostPluginManager', () => {
  it('five failing messages turn the plugin off in the manager; enable loads a fresh instance with no strikes', async () => {
    const { host, rec } = hostLoader();
    const pluginsDir = await tempDir();
    const m = createHostPluginManager(host, { pluginsDir, stateDir: await tempDir(), scanIntervalMs: 0 });
    try {
      await m.start();
      await writeOcpkg(pluginsDir, 'touchy.ocpkg', touchy, echoManifest('touchy'));
      await m.scan();
      await m.enable('touchy');
      const first = m.plugin('touchy')!.plugin;
      for (let i = 0; i < 5; i++) await host.dispatchChatMessage(chatMessage('boom'));
      expect(m.entry('touchy')).toMatchObject({ enabled: true, loaded: true, autoDisabled: true });
      expect(m.snapshot()).toEqual([]);
      rec.chat.length = 0;
      await host.dispatchChatMessage(chatMessage('hi'));
      expect(rec.chat.map((c) => c.text)).toEqual([]);

      await m.enable('touchy');
      expect(m.entry('touchy')!.autoDisabled).toBeUndefined();
      expect(m.plugin('touchy')!.plugin).not.toBe(first);
      await host.dispatchChatMessage(chatMessage('hi'));
      expect(rec.chat.map((c) => c.text)).toEqual(['touchy: hi']);
      // four failures and a success: the count starts again, nothing is turned off
      for (let i = 0; i < 4; i++) await host.dispatchChatMessage(chatMessage('boom'));
      await host.dispatchChatMessage(chatMessage('hi'));
      for (let i = 0; i < 4; i++) await host.dispatchChatMessage(chatMessage('boom'));
      expect(m.entry('touchy')!.autoDisabled).toBeUndefined();
    } finally {
      await m.stop();
      await host.close();
    }
  });
});

describe('permission approval', () => {
  async function runningV1(): Promise<Ctx> {
    const ctx = await started();
    await writeOcpkg(ctx.pluginsDir, 'grow.ocpkg', v1, echoManifest('grow'));
    await ctx.m.scan();
    await ctx.m.enable('grow');
    return ctx;
  }

  it('an update with more permissions is pending; the old instance keeps running; reload then fails', async () => {
    const ctx = await runningV1();
    await writeOcpkg(ctx.pluginsDir, 'grow.ocpkg', v2, echoManifest('grow', ['chat.send', 'storage.kv']));
    await ctx.m.scan();
    expect(ctx.m.entry('grow')).toMatchObject({ enabled: true, loaded: true, pendingPermissions: ['storage.kv'] });
    expect(ctx.events.pending).toEqual([{ slug: 'grow', permissions: ['storage.kv'] }]);
    expect(await say(ctx, 'grow')).toEqual(['v1: hi']);

    const err = await rejection(ctx.m.reload('grow'));
    expect(err.message).toBe('plugin "grow" declares new permissions that need admin approval: storage.kv');
    expect(ctx.m.entry('grow')).toMatchObject({ loaded: false, lastError: err.message, pendingPermissions: ['storage.kv'] });

    // Enable is the re-approval
    await ctx.m.enable('grow');
    expect(ctx.m.entry('grow')).toMatchObject({ loaded: true });
    expect(ctx.m.entry('grow')!.pendingPermissions).toBeUndefined();
    expect(ctx.m.entry('grow')!.lastError).toBeUndefined();
    expect(await say(ctx, 'grow')).toEqual(['v2: hi']);
    expect(ctx.m.state().approvedPermissions.grow).toEqual(['chat.send', 'storage.kv']);
  });

  it('enable on a running plugin with pending permissions swaps the instance', async () => {
    const ctx = await runningV1();
    const old = ctx.m.plugin('grow')!;
    await writeOcpkg(ctx.pluginsDir, 'grow.ocpkg', v2, echoManifest('grow', ['storage.kv', 'chat.send']));
    await ctx.m.scan();
    await ctx.m.enable('grow');
    expect(ctx.m.plugin('grow')).not.toBe(old);
    expect(ctx.events.unloaded).toEqual([{ slug: 'grow', reason: 'replaced' }]);
    expect(await say(ctx, 'grow')).toEqual(['v2: hi']);
    await expect(old.plugin.notify('chat.message.received', chatMessage('x'))).rejects.toThrow(/closed/);
  });

  it('fewer permissions load normally, and the old superset stays approved', async () => {
    const ctx = await started();
    await writeOcpkg(ctx.pluginsDir, 'shrink.ocpkg', v1, echoManifest('shrink', ['chat.send', 'storage.kv']));
    await ctx.m.scan();
    await ctx.m.enable('shrink');
    await writeOcpkg(ctx.pluginsDir, 'shrink.ocpkg', v2, echoManifest('shrink', ['chat.send']));
    await ctx.m.scan();
    expect(ctx.m.entry('shrink')!.pendingPermissions).toBeUndefined();
    await ctx.m.reload('shrink');
    expect(await say(ctx, 'shrink')).toEqual(['v2: hi']);
    await writeOcpkg(ctx.pluginsDir, 'shrink.ocpkg', v1, echoManifest('shrink', ['chat.send', 'storage.kv']));
    await ctx.m.scan();
    expect(ctx.m.entry('shrink')!.pendingPermissions).toBeUndefined();
    expect(ctx.events.pending).toEqual([]);
  });

  it('checks the permissions of the file it actually loads, even when it changed after the scan', async () => {
    const ctx = await runningV1();
    await writeOcpkg(ctx.pluginsDir, 'grow.ocpkg', v2, echoManifest('grow', ['chat.send', 'users.moderate']));
    // no scan in between: reload reads the file and still refuses the unapproved permission
    const err = await rejection(ctx.m.reload('grow'));
    expect(err.message).toBe('plugin "grow" declares new permissions that need admin approval: users.moderate');
  });
});

describe('state across restarts', () => {
  it('a new manager over the same directories loads what was enabled', async () => {
    let ctx = await started();
    await writeOcpkg(ctx.pluginsDir, 'keep.ocpkg', v1, echoManifest('keep'));
    await writeOcpkg(ctx.pluginsDir, 'off.ocpkg', v1, echoManifest('off'));
    await ctx.m.scan();
    await ctx.m.enable('keep');
    await ctx.m.enable('off');
    await ctx.m.disable('off');
    const saved = ctx.m.state();
    ctx = await restart(ctx);
    expect(ctx.m.state()).toEqual(saved);
    expect(ctx.m.list().map((e) => [e.slug, e.enabled, e.loaded])).toEqual([
      ['keep', true, true],
      ['off', false, false],
    ]);
    expect(await say(ctx, 'keep')).toEqual(['v1: hi']);
    expect(ctx.m.stateFile).toBe(join(ctx.stateDir, 'state.db'));
  });

  it('does not load an enabled plugin whose file now asks for unapproved permissions', async () => {
    let ctx = await started();
    await writeOcpkg(ctx.pluginsDir, 'grow.ocpkg', v1, echoManifest('grow'));
    await ctx.m.scan();
    await ctx.m.enable('grow');
    await ctx.m.stop();
    await writeOcpkg(ctx.pluginsDir, 'grow.ocpkg', v2, echoManifest('grow', ['chat.send', 'storage.kv']));
    ctx = await restart(ctx);
    expect(ctx.m.entry('grow')).toMatchObject({
      enabled: true,
      loaded: false,
      pendingPermissions: ['storage.kv'],
      lastError: PENDING_AT_STARTUP,
    });
    expect(ctx.events.pending).toEqual([{ slug: 'grow', permissions: ['storage.kv'] }]);
    await ctx.m.enable('grow');
    expect(await say(ctx, 'grow')).toEqual(['v2: hi']);
  });

  it('imports a production .enabled.json and silently captures missing approval baselines', async () => {
    const ctx = manager(await tempDir(), await tempDir());
    await writeOcpkg(ctx.pluginsDir, 'legacy.ocpkg', v1, echoManifest('legacy', ['chat.send', 'storage.kv']));
    await writeFile(join(ctx.pluginsDir, '.enabled.json'), JSON.stringify({ enabled: ['legacy'] }, null, 2));
    await ctx.m.start();
    expect(ctx.m.entry('legacy')).toMatchObject({ enabled: true, loaded: true });
    expect(ctx.m.entry('legacy')!.pendingPermissions).toBeUndefined();
    expect(ctx.events.pending).toEqual([]);
    expect(ctx.m.state()).toEqual({ enabled: ['legacy'], approvedPermissions: { legacy: ['chat.send', 'storage.kv'] } });
    // persisted: a restart neither re-imports nor asks again
    await writeFile(join(ctx.pluginsDir, '.enabled.json'), JSON.stringify({ enabled: [] }));
    const next = await restart(ctx);
    expect(next.m.state().enabled).toEqual(['legacy']);
  });
});

describe('auth.gate', () => {
  it('allows one enabled auth.gate plugin; a second is refused and not enabled', async () => {
    const ctx = await started();
    await writeOcpkg(ctx.pluginsDir, 'gate-one.ocpkg', v1, echoManifest('gate-one', ['auth.gate']));
    await writeOcpkg(ctx.pluginsDir, 'gate-two.ocpkg', v1, echoManifest('gate-two', ['auth.gate']));
    await ctx.m.scan();
    expect(ctx.m.activeAuthGate()).toBeNull();
    await ctx.m.enable('gate-one');
    expect(ctx.m.activeAuthGate()).toEqual({ slug: 'gate-one', loaded: true });
    const err = await rejection(ctx.m.enable('gate-two'));
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toBe('cannot enable "gate-two": another authentication-gate plugin ("gate-one") is already enabled; disable it first');
    expect(ctx.m.entry('gate-two')).toMatchObject({ enabled: false, loaded: false });
    expect(ctx.m.state().enabled).toEqual(['gate-one']);
    await ctx.m.disable('gate-one');
    expect(ctx.m.activeAuthGate()).toBeNull();
    await ctx.m.enable('gate-two');
    expect(ctx.m.activeAuthGate()).toEqual({ slug: 'gate-two', loaded: true });
  });

  it('reports an enabled gate that failed to load as not loaded', async () => {
    const ctx = await started();
    await writeOcpkg(ctx.pluginsDir, 'gate.ocpkg', boom, echoManifest('gate', ['auth.gate']));
    await ctx.m.scan();
    await expect(ctx.m.enable('gate')).rejects.toThrow('boom at load');
    expect(ctx.m.activeAuthGate()).toEqual({ slug: 'gate', loaded: false });
  });
});

describe('install', () => {
  it('validates, preflights and writes <slug>.ocpkg atomically; a fresh install is neither enabled nor loaded', async () => {
    const ctx = await started();
    const bytes = ocpkgBytes(v1, echoManifest('fresh'));
    const entry = await ctx.m.install(bytes);
    expect(entry).toMatchObject({ slug: 'fresh', enabled: false, loaded: false, path: join(ctx.pluginsDir, 'fresh.ocpkg') });
    expect((await readFile(join(ctx.pluginsDir, 'fresh.ocpkg'))).equals(bytes)).toBe(true);
    expect(await readdir(ctx.pluginsDir)).toEqual(['fresh.ocpkg']);
    expect(ctx.host.plugins).toHaveLength(0);
  });

  it('refuses what would not load, and writes nothing', async () => {
    const ctx = await started();
    await expect(ctx.m.install(new Uint8Array())).rejects.toThrow('upload is empty');
    await expect(ctx.m.install(Buffer.from('nope'))).rejects.toThrow(/not a valid \.ocpkg/);
    await expect(ctx.m.install(ocpkgBytes(boom, echoManifest('boom')))).rejects.toThrow('boom at load');
    await expect(ctx.m.install(ocpkgBytes(filterPlugin, echoManifest('filter', [])))).rejects.toThrow(/manifest\/runtime mismatch: .*chat\.filter/);
    const py = writeZip([{ name: 'plugin.manifest.json', data: manifestJson(echoManifest('py')) }, { name: 'plugin.py', data: 'x = 1' }]);
    await expect(ctx.m.install(py)).rejects.toThrow('Python plugins are not supported by this tool');
    await expect(ctx.m.install(writeZip([{ name: '../evil', data: 'x' }]))).rejects.toThrow(/"\.\.\/evil" is refused/);
    expect(await readdir(ctx.pluginsDir)).toEqual([]);
    expect(ctx.host.plugins).toHaveLength(0);
  });

  it('an update of an enabled plugin with no new permissions reloads in place', async () => {
    const ctx = await started();
    await ctx.m.install(ocpkgBytes(v1, echoManifest('upd')));
    await ctx.m.enable('upd');
    const entry = await ctx.m.install(ocpkgBytes(v2, echoManifest('upd', ['chat.send'], { version: '2.0.0' })));
    expect(entry).toMatchObject({ enabled: true, loaded: true, version: '2.0.0' });
    expect(await say(ctx, 'upd')).toEqual(['v2: hi']);
  });

  it('an update that expands permissions leaves the old instance running and pending', async () => {
    const ctx = await started();
    await ctx.m.install(ocpkgBytes(v1, echoManifest('upd')));
    await ctx.m.enable('upd');
    const entry = await ctx.m.install(ocpkgBytes(v2, echoManifest('upd', ['chat.send', 'storage.kv'])));
    expect(entry).toMatchObject({ enabled: true, loaded: true, pendingPermissions: ['storage.kv'] });
    expect(await say(ctx, 'upd')).toEqual(['v1: hi']);
    expect(ctx.events.pending).toEqual([{ slug: 'upd', permissions: ['storage.kv'] }]);
    await ctx.m.enable('upd');
    expect(await say(ctx, 'upd')).toEqual(['v2: hi']);
  });

  it('a conforming update also loads an enabled plugin that was not running, over its existing file', async () => {
    const ctx = await started();
    await writeOcpkg(ctx.pluginsDir, 'Custom Name.ocpkg', boom, echoManifest('fix-me'));
    await ctx.m.scan();
    await expect(ctx.m.enable('fix-me')).rejects.toThrow('boom at load');
    const entry = await ctx.m.install(ocpkgBytes(v2, echoManifest('fix-me')));
    expect(entry).toMatchObject({ enabled: true, loaded: true, path: join(ctx.pluginsDir, 'Custom Name.ocpkg') });
    expect(await readdir(ctx.pluginsDir)).toEqual(['Custom Name.ocpkg']);
    expect(await say(ctx, 'fix-me')).toEqual(['v2: hi']);
  });
});

describe('register() agreement, with real plugins', () => {
  async function enableFails(write: (dir: string) => Promise<unknown>, slug: string): Promise<Error> {
    const ctx = await started();
    await write(ctx.pluginsDir);
    await ctx.m.scan();
    const err = await rejection(ctx.m.enable(slug));
    expect(ctx.m.entry(slug)).toMatchObject({ loaded: false, lastError: err.message });
    expect(ctx.host.plugins).toHaveLength(0);
    return err;
  }

  it('a plugin.wasm whose sidecar slug was edited after the build', async () => {
    const err = await enableFails((d) => writeLoose(d, 'renamed', wasm, { ...WASM_MANIFEST, slug: 'renamed' }), 'renamed');
    expect(err.message).toBe('manifest/runtime mismatch: slug mismatch: manifest="renamed" register="wasm-agree"');
  });

  it('a plugin.wasm whose sidecar lost a permission the build declared', async () => {
    const err = await enableFails((d) => writeLoose(d, 'native', wasm, { ...WASM_MANIFEST, permissions: ['chat.send'] }), 'wasm-agree');
    expect(err.message).toBe('manifest/runtime mismatch: plugin requested permission "storage.kv" at runtime not declared in manifest');
  });

  it('a plugin.wasm with another version loads, with a warning', async () => {
    const ctx = await started();
    await writeLoose(ctx.pluginsDir, 'native', wasm, { ...WASM_MANIFEST, version: '2.0.0' });
    await ctx.m.scan();
    await ctx.m.enable('wasm-agree');
    expect(await say(ctx, 'wasm-agree')).toEqual(['wasm: hi']);
    expect(ctx.events.warning.map((w) => w.message)).toContain(
      'wasm-agree: version differs: manifest="2.0.0" register="1.0.0" (Owncast loads it anyway; rebuild so they agree)',
    );
  });

  it('register() output over 256 KiB', async () => {
    const description = 'x'.repeat(300 * 1024);
    const err = await enableFails((d) => writeOcpkg(d, 'big.ocpkg', v1, echoManifest('big', ['chat.send'], { description })), 'big');
    expect(err.message).toMatch(/^manifest\/runtime mismatch: register\(\) output too large: \d+ bytes \(max 262144\)$/);
  });

  it('a chat filter without chat.filter', async () => {
    const err = await enableFails((d) => writeOcpkg(d, 'f.ocpkg', filterPlugin, echoManifest('filterer', [])), 'filterer');
    expect(err.message).toContain('plugin subscribes to filterChatMessage but does not declare the "chat.filter" permission');
  });

  it('a fediverse handler without fediverse.inbound', async () => {
    const err = await enableFails((d) => writeOcpkg(d, 'f.ocpkg', fediPlugin, echoManifest('fedi', [])), 'fedi');
    expect(err.message).toBe('manifest/runtime mismatch: plugin subscribes to fediverse.follow but does not declare the "fediverse.inbound" permission');
  });

  it('output that does not parse, from a loader that hands over the raw text; the handle is closed', async () => {
    let closed = 0;
    const load: LoadPlugin<HostPluginHandle> = async (source) =>
      ({ slug: source.slug, registration: '{"slug": "raw"', plugin: undefined as never, close: async () => void closed++ }) satisfies PluginHandle & {
        plugin: never;
      };
    const ctx = manager(await tempDir(), await tempDir(), load);
    await writeOcpkg(ctx.pluginsDir, 'raw.ocpkg', v1, echoManifest('raw'));
    await ctx.m.start();
    const err = await rejection(ctx.m.enable('raw'));
    expect(err.message).toMatch(/^manifest\/runtime mismatch: parse register\(\) output: /);
    expect(closed).toBe(1);
  });
});
