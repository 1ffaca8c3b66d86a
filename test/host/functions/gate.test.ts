// The permission gate: an ungranted call is a no-op answering 0 (the SDK's fallback), never
// an exception, and the host warns once per plugin and function, naming the permission.
import { afterEach, describe, expect, it } from 'vitest';

import { hostFunctionSpecs } from '../../../src/lib/engine/host-functions.js';
import { createRecordingEnv } from '../../../src/lib/host/env/index.js';
import { createHostImplementations, type HostDeps } from '../../../src/lib/host/functions/index.js';
import { openKvStore } from '../../../src/lib/host/storage/index.js';
import { startPlugin, type Running } from './harness.js';

const warning = (slug: string, fn: string, permission: string) =>
  `${fn}: plugin "${slug}" lacks permission "${permission}"; the call did nothing. Add "${permission}" to "permissions" in plugin.manifest.json.`;

describe('the permission gate, through real plugins', () => {
  const running: Running[] = [];
  const start = async (name: string, permissions: string[], deps: Partial<HostDeps> = {}) => {
    const p = await startPlugin(name, { permissions, deps });
    running.push(p);
    return p;
  };
  afterEach(async () => {
    await Promise.all(running.splice(0).map((p) => p.close()));
  });

  it('storage.kv: set does nothing, get is null, one warning per function however often it is called', async () => {
    const p = await start('kv-counter', []);
    await p.call('/set', { key: 'k', value: 'v' });
    await p.call('/set', { key: 'k', value: 'v' });
    expect(await p.call('/get', { key: 'k' })).toBeNull();
    expect(await p.call('/visit')).toBe(1);
    expect(p.kv.keys('kv-counter')).toEqual([]);
    expect(p.warnings).toEqual([
      warning('kv-counter', 'owncast_kv_set', 'storage.kv'),
      warning('kv-counter', 'owncast_kv_get', 'storage.kv'),
    ]);
  });

  it('chat: granted chat.send works while chat.history and chat.moderate are denied', async () => {
    const p = await start('chat-bot', ['chat.send']);
    await p.call('/send', { text: 'allowed' });
    expect(await p.call('/history', { limit: 5 })).toEqual([]);
    expect(await p.call('/clients')).toEqual([]);
    await p.call('/kick', { clientId: 1 });
    await p.call('/delete', { id: 'm' });
    expect(p.env.calls).toEqual([
      { slug: 'chat-bot', fn: 'chat.send', args: { kind: 'bot', text: 'allowed', botDisplayName: 'Helper Bot' } },
    ]);
    expect(p.warnings).toEqual([
      warning('chat-bot', 'owncast_chat_history', 'chat.history'),
      warning('chat-bot', 'owncast_chat_clients', 'chat.history'),
      warning('chat-bot', 'owncast_kick_client', 'chat.moderate'),
      warning('chat-bot', 'owncast_delete_message', 'chat.moderate'),
    ]);
  });

  it("server.read: reads answer the SDK's fallbacks and Owncast is never asked", async () => {
    const p = await start('stream-info', []);
    expect(await p.call('/stream')).toEqual({ online: false, viewers: 0 });
    expect(await p.call('/federation')).toEqual({ enabled: false });
    expect(await p.call('/tags')).toEqual([]);
    expect(p.env.calls).toEqual([]);
    expect(p.warnings).toHaveLength(3);
  });

  it('storage.fs: write reports failure, exists is false, nothing touches the disk', async () => {
    const p = await start('fs-notes', []);
    expect(await p.call('/write', { path: 'a.txt', text: 'x' })).toEqual({ ok: false, error: 'write failed' });
    expect(await p.call('/exists', { path: 'a.txt' })).toBe(false);
    expect(await p.call('/list', { dir: '' })).toEqual([]);
    expect(p.warnings).toEqual([
      warning('fs-notes', 'owncast_fs_write', 'storage.fs'),
      warning('fs-notes', 'owncast_fs_exists', 'storage.fs'),
      warning('fs-notes', 'owncast_fs_list', 'storage.fs'),
    ]);
  });

  it('users and auth: register answers 0 (the SDK throws), moderation does nothing', async () => {
    const p = await start('member-gate', ['storage.kv']);
    await expect(p.call('/register', { req: 'x' })).rejects.toThrow('users.register failed');
    await p.call('/banIP', { ip: '1.2.3.4' });
    expect(p.env.calls).toEqual([]);
    expect(p.warnings).toEqual([
      warning('member-gate', 'owncast_users_register', 'users.register'),
      warning('member-gate', 'owncast_ban_ip', 'users.moderate'),
    ]);
  });

  it('events.emit, fediverse.post, notifications and SSE: nothing leaves the plugin', async () => {
    const emitted: string[] = [];
    const p = await start('announcer', [], { events: { emit: (_s, type) => void emitted.push(type) } });
    await p.event('stream.started', { title: 'x' });
    expect(await p.call('/post', { text: 'x' })).toBeNull();
    expect(emitted).toEqual([]);
    expect(p.env.calls).toEqual([]);
    expect(p.warnings).toEqual([
      warning('announcer', 'owncast_notify_discord', 'notifications.send'),
      warning('announcer', 'owncast_notify_browser_push', 'notifications.send'),
      warning('announcer', 'owncast_sse_send', 'http.sse'),
      warning('announcer', 'owncast_emit_event', 'events.emit'),
      warning('announcer', 'owncast_fediverse_post', 'fediverse.post'),
    ]);
  });

  it('videoconfig: read is the fallback, write answers 0 (the SDK throws)', async () => {
    const p = await start('video-tuner', ['videoconfig.read']);
    expect(await p.call('/read')).toMatchObject({ latencyLevel: 0 });
    await expect(p.call('/write', { update: { latencyLevel: 1 } })).rejects.toThrow('videoConfig.write failed');
    expect(p.warnings).toEqual([warning('video-tuner', 'owncast_video_config_write', 'videoconfig.write')]);
  });

  it('ui.modify and storage.sql: actions are not stored, SQL throws; ambient functions still work', async () => {
    const sqlCalls: string[] = [];
    const p = await start('toolbox', [], { sql: { exec: (_s, r) => (sqlCalls.push(r), '{}'), query: () => '{}' } });
    await p.call('/addActions', { buttons: { title: 'x', html: 'y' } });
    await expect(p.call('/sqlExec', { sql: 'SELECT 1' })).rejects.toThrow('SQL host call failed');
    expect(await p.call('/config', { key: 'greeting' })).toBe('hello');
    expect(p.kv.keys('toolbox')).toEqual([]);
    expect(sqlCalls).toEqual([]);
    expect(p.warnings).toEqual([
      warning('toolbox', 'owncast_add_actions', 'ui.modify'),
      warning('toolbox', 'owncast_sql_exec', 'storage.sql'),
    ]);
  });

  it('the grant is read on every call: a permission granted later applies to the running plugin', async () => {
    const p = await start('kv-counter', []);
    await p.call('/set', { key: 'k', value: 'before' });
    (p.identity.permissions as Set<string>).add('storage.kv');
    await p.call('/set', { key: 'k', value: 'after' });
    expect(p.kv.get('kv-counter', 'k')).toBe('after');
  });
});

describe('createHostImplementations', () => {
  it('implements every production host function the engine imports', () => {
    const kv = openKvStore(':memory:');
    try {
      const impls = createHostImplementations({ env: createRecordingEnv(), kv, log: { warn: () => undefined, plugin: () => undefined } });
      const names = hostFunctionSpecs().map((s) => s.name);
      expect(names).toHaveLength(49);
      expect(names.filter((n) => !impls[n])).toEqual([]);
      expect(Object.keys(impls).filter((n) => !names.includes(n))).toEqual([]);
    } finally {
      kv.close();
    }
  });
});
