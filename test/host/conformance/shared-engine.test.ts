// Production shared_engine_test and engine_lifecycle_test, as they apply to our host: one
// engine module compiled once, one instance per plugin, each with its own identity, grants and
// allowedHosts (reference-production-host.md §1.6, §3.6, §7; DESIGN §3.13).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { PluginError } from '../../../src/lib/errors.js';
import { loadEngineModule } from '../../../src/lib/host/engine-module.js';
import type { PluginHost } from '../../../src/lib/host/host.js';
import { chatMessage, recordingHost, type Recorded } from '../../helpers/host.js';
import { startServers, type Servers } from '../offthread/http-servers.js';
import { load, rejection, said } from './helpers.js';

const EVENT = 'chat.message.received';
let host: PluginHost;
let rec: Recorded;
afterEach(() => host?.close());

describe('grants and identity per plugin', () => {
  it('an ungranted chat.send is a silent no-op: the plugin loads, its handler succeeds, no strike, one warning', async () => {
    ({ host, rec } = recordingHost());
    await load(host, 'probe', { permissions: [] });
    const r = await host.dispatch(EVENT, chatMessage('hello'));
    await host.dispatch(EVENT, chatMessage('again'));
    expect(r.notified).toEqual([{ slug: 'probe', ok: true, durationMs: expect.any(Number) }]);
    expect(rec.chat).toEqual([]);
    expect(rec.env.calls).toEqual([]);
    expect(host.dispatcher.strikes('probe')).toBe(0);
    expect(rec.warnings).toEqual([
      'owncast_send_chat: plugin "probe" lacks permission "chat.send"; the call did nothing. Add "chat.send" to "permissions" in plugin.manifest.json.',
    ]);
  });

  it('a manifest without "type" loads, a stray "type" is ignored, a config key "__slug" is refused', async () => {
    ({ host, rec } = recordingHost());
    await load(host, 'probe', { slug: 'untyped', manifest: { type: undefined } });
    await load(host, 'probe', { slug: 'typed', manifest: { type: 'python' } });
    expect(host.plugins.map((p) => p.slug)).toEqual(['untyped', 'typed']);
    const err = await rejection(load(host, 'probe', { slug: 'reserved', manifest: { config: { __slug: { type: 'string', default: 'x' } } } }));
    expect(err).toBeInstanceOf(PluginError);
    expect(err.message).toBe('invalid manifest: manifest.config key "__slug" is reserved (keys starting with "__" are used internally)');
    expect(host.plugins).toHaveLength(2);
  });
});

describe('allowedHosts per plugin on one engine', () => {
  let servers: Servers;
  beforeAll(async () => {
    servers = await startServers();
  });
  afterAll(() => servers.stop());

  it('two plugins keep their own allowedHosts: the same URL is fetched for one and refused for the other', async () => {
    ({ host, rec } = recordingHost());
    const permissions = ['chat.send', 'network.fetch'];
    await load(host, 'probe', { slug: 'loopback', permissions, manifest: { network: { allowedHosts: ['127.0.0.1'] } } });
    await load(host, 'probe', { slug: 'elsewhere', permissions, manifest: { network: { allowedHosts: ['example.com'] } } });
    await servers.reset();
    const url = `${servers.a}/hello`;
    await host.dispatch('elsewhere.fetch', { url });
    await host.dispatch('loopback.fetch', { url });
    await host.dispatch('elsewhere.fetch', { url });
    expect(said(rec, 'loopback')).toEqual(['200 hello from a']);
    const why = `http_request from "elsewhere": HTTP request to "${url}" is not allowed (no allowedHosts match "127.0.0.1")`;
    expect(said(rec, 'elsewhere')).toEqual([`refused: ${why}`, `refused: ${why}`]);
    expect((await servers.seen()).a).toEqual(['GET /hello']);
    expect(rec.warnings).toContain(why);
  });
});

describe('engine lifecycle (engine_lifecycle_test)', () => {
  it('plugins share one compiled engine with an instance each; closing one leaves the other working; a later load works', async () => {
    ({ host, rec } = recordingHost());
    const module = await loadEngineModule();
    const a = await load(host, 'probe', { slug: 'engine-a' });
    await load(host, 'probe', { slug: 'engine-b' });
    expect(await loadEngineModule()).toBe(module);
    // separate instances: module-level state is per plugin
    await host.dispatch('engine-a.count', {});
    await host.dispatch('engine-a.count', {});
    await host.dispatch('engine-b.count', {});
    expect(rec.chat.map((c) => `${c.slug}: ${c.text}`)).toEqual(['engine-a: count 1', 'engine-a: count 2', 'engine-b: count 1']);

    await host.unload(a);
    await expect(a.notify('engine-a.count', {})).rejects.toThrow(/closed/);
    rec.chat.length = 0;
    const r = await host.dispatch(EVENT, chatMessage('still here'));
    expect(r.notified.map((n) => n.slug)).toEqual(['engine-b']);
    expect(rec.chat.map((c) => `${c.slug}: ${c.text}`)).toEqual(['engine-b: heard still here']);

    // the last one closed: the engine stays compiled (DESIGN §3.13: eviction is optional) and loads again
    await host.unload(host.plugin('engine-b')!);
    expect(host.plugins).toEqual([]);
    await load(host, 'probe', { slug: 'engine-c' });
    await host.dispatch('engine-c.count', {});
    expect(said(rec, 'engine-c')).toEqual(['count 1']);
  });
});
