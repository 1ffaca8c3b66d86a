// PluginHost with everything wired: storage that survives a restart, SQL, network.fetch,
// emits between plugins, timers, and the chat pipeline with commands.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { recordingHost, type Recorded } from '../helpers/host.js';
import { startServers, type Servers } from './offthread/http-servers.js';

const manifest = (slug: string, permissions: string[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ api: '1', name: slug, slug, version: '1.0.0', permissions, ...extra });
const sdk = 'const { definePlugin, owncast, filter } = require("@owncast/plugin-sdk");';

// The test servers run in their own thread: a plugin's fetch blocks this one until it is answered.
let servers: Servers;
beforeAll(async () => {
  servers = await startServers();
});
afterAll(() => servers.stop());

describe('PluginHost', () => {
  it('keeps KV and SQL data across a host restart on the same data dir', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ocp-host-data-'));
    const source = {
      manifestJson: manifest('keeper', ['storage.kv', 'storage.sql', 'chat.send']),
      script: `${sdk}
        definePlugin({ on: {
          save() {
            owncast.kv.set("k", "kv value");
            owncast.sql.exec("CREATE TABLE IF NOT EXISTS t (v TEXT)");
            owncast.sql.exec("INSERT INTO t (v) VALUES (?)", ["sql value"]);
          },
          show() {
            const rows = owncast.sql.query("SELECT v FROM t");
            owncast.chat.send(owncast.kv.get("k") + " / " + JSON.stringify(rows));
          },
        } });`,
    };
    try {
      const first = recordingHost({ dataDir });
      await (await first.host.load(source)).notify('save', {});
      await first.host.close();
      const second = recordingHost({ dataDir });
      await (await second.host.load(source)).notify('show', {});
      expect(second.rec.chat.map((c) => c.text)).toEqual(['kv value / [{"v":"sql value"}]']);
      await second.host.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('performs network.fetch for granted hosts only, and never for a plugin without the permission', async () => {
    const { host, rec } = recordingHost();
    try {
      const script = `${sdk}
        definePlugin({ on: { get(p) {
          try { const r = owncast.http.fetch(p.url); owncast.chat.send(r.status + " " + r.body); }
          catch (e) { owncast.chat.send("threw: " + e.message); }
        } } });`;
      const allowed = await host.load({
        manifestJson: manifest('fetcher', ['network.fetch', 'chat.send'], { network: { allowedHosts: ['127.0.0.1'] } }),
        script,
      });
      const denied = await host.load({ manifestJson: manifest('nofetch', ['chat.send']), script });
      await servers.reset();
      await allowed.notify('get', { url: `${servers.a}/hello` });
      await denied.notify('get', { url: `${servers.a}/never` });
      expect(rec.chat.map((c) => `${c.slug}: ${c.text}`)).toEqual([
        'fetcher: 200 hello from a',
        'nofetch: threw: http_request: plugin "nofetch" lacks permission "network.fetch"',
      ]);
      expect((await servers.seen()).a).toEqual(['GET /hello']);
    } finally {
      await host.close();
    }
  });

  it('runs the chat pipeline: filters, notifications, a command, and an emit to another plugin', async () => {
    const { host, rec } = recordingHost();
    try {
      await host.load({
        manifestJson: manifest('masker', ['chat.filter']),
        script: `${sdk} definePlugin({ filterChatMessage(m) { return filter.modify({ ...m, body: m.body.replace("darn", "****") }); } });`,
      });
      await host.load({
        manifestJson: manifest('relay', ['chat.send', 'events.emit']),
        script: `${sdk} definePlugin({
          onChatMessage(m) { owncast.events.emit("listener.heard", { body: m.body }); },
          commands: { ping: { description: "answers pong", run(ctx) { ctx.reply("pong " + ctx.argString); } } },
        });`,
      });
      await host.load({
        manifestJson: manifest('listener', ['chat.send']),
        script: `${sdk} definePlugin({ on: { heard(p) { owncast.chat.send("heard: " + p.body); } } });`,
      });
      await host.dispatchChatMessage({ id: '1', body: 'darn it', user: { id: 'u', displayName: 'V' }, timestamp: '2026-11-29T12:00:00Z' });
      await host.dispatchChatMessage({ id: '2', body: '!ping a  b', user: { id: 'u', displayName: 'V' }, timestamp: '2026-11-29T12:00:01Z' });
      await host.dispatcher.idle();
      expect(rec.chat.map((c) => `${c.slug}: ${c.text}`)).toEqual(['listener: heard: **** it', 'listener: heard: !ping a  b', 'relay: pong a  b']);
    } finally {
      await host.close();
    }
  });
});

export type { Recorded };
