// Every final `expect` key, with its matching rule holding and failing, and every `given` key
// reaching the plugin. One run per group keeps the suite quick: each scenario is its own
// fresh host, so they cannot see each other.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { TestRunResult } from '../../src/lib/testing/index.js';
import { doStep, kitchenProject, removeTemps, runScenarios, tempDir, writeProject } from './helpers.js';

let project: string;
beforeAll(async () => {
  project = await kitchenProject();
});
afterAll(removeTemps);

/** Runs named scenarios; each one's failure lines by name. */
async function outcomes(scenarios: Record<string, Record<string, unknown>>): Promise<Record<string, string[]>> {
  const run: TestRunResult = await runScenarios(
    project,
    Object.entries(scenarios).map(([name, s]) => ({ name, ...s })),
  );
  return Object.fromEntries(run.scenarios.map((s) => [s.name, s.failures.map((f) => `${f.key}: ${f.message}`)]));
}

describe('chat and moderation keys: exact ordered lists', () => {
  it('hold and fail', async () => {
    const send = [doStep('send', { text: 'a' }), doStep('send', { text: 'b' })];
    expect(
      await outcomes({
        'chatSends holds (patterns allowed)': { events: send, expect: { chatSends: ['a', '/^b$/'] } },
        'chatSends counts': { events: send, expect: { chatSends: ['a'] } },
        'chatSends orders': { events: send, expect: { chatSends: ['b', 'a'] } },
        '[] asserts none': { events: send, expect: { chatSends: [] } },
        chatActions: { events: [doStep('action', { text: 'waves' })], expect: { chatActions: ['waves'], chatSends: [] } },
        chatSystems: { events: [doStep('system', { text: '<b>x</b>' })], expect: { chatSystems: ['<i>x</i>'] } },
        chatTo: { events: [doStep('sendTo', { clientId: 7, text: 'psst' })], expect: { chatTo: [{ clientId: 7, text: 'psst' }] } },
        'chatTo fails': { events: [doStep('sendTo', { clientId: 7, text: 'psst' })], expect: { chatTo: [{ clientId: 8, text: 'psst' }] } },
        deletedMessages: { events: [doStep('delete', { id: 'm9' })], expect: { deletedMessages: ['m9'] } },
        kickedClients: { events: [doStep('kick', { clientId: 42 })], expect: { kickedClients: [43] } },
        discordPosts: { events: [doStep('discord', { text: 'we are live' })], expect: { discordPosts: ['/live/'] } },
        bannedIPs: { events: [doStep('ban', { ip: '203.0.113.9' })], expect: { bannedIPs: ['203.0.113.9'] } },
        fediverseOutbox: { events: [doStep('post', { text: 'hello fedi' })], expect: { fediverseOutbox: ['hello fedi'] } },
      }),
    ).toEqual({
      'chatSends holds (patterns allowed)': [],
      'chatSends counts': ['chatSends: expected 1 item(s), got 2'],
      'chatSends orders': ['chatSends: [0] expected "b", got "a"'],
      '[] asserts none': ['chatSends: expected 0 item(s), got 2'],
      chatActions: [],
      chatSystems: ['chatSystems: [0] expected "<i>x</i>", got "<b>x</b>"'],
      chatTo: [],
      'chatTo fails': ['chatTo: [0] clientId: expected 8, got 7'],
      deletedMessages: [],
      kickedClients: ['kickedClients: [0] expected client 43, got 42'],
      discordPosts: [],
      bannedIPs: [],
      fediverseOutbox: [],
    });
  });
});

describe('structured keys: count, then fields (a left-out field compares as "")', () => {
  it('hold and fail', async () => {
    expect(
      await outcomes({
        browserPushes: { events: [doStep('push', { payload: { title: 'T', body: 'B' } })], expect: { browserPushes: [{ title: 'T', body: 'B' }] } },
        'browserPushes: an omitted body is ""': { events: [doStep('push', { payload: { title: 'T', body: 'B' } })], expect: { browserPushes: [{ title: 'T' }] } },
        fediversePosts: {
          events: [doStep('notifyFediverse', { payload: { type: 'follow', body: 'x', link: 'https://l' } })],
          expect: { fediversePosts: [{ type: 'follow', body: 'x', link: '/^https:/' }] },
        },
        userModerations: {
          events: [doStep('setEnabled', { userId: 'u1', enabled: false, reason: 'spam' })],
          expect: { userModerations: [{ userId: 'u1', enabled: false, reason: 'spam' }] },
        },
        'userModerations fails': {
          events: [doStep('setEnabled', { userId: 'u1', enabled: false, reason: 'spam' })],
          expect: { userModerations: [{ userId: 'u1', enabled: true, reason: 'spam' }] },
        },
        'uploads: body checked only when given': {
          events: [doStep('upload', { name: 'a.txt', body: 'hello' }), doStep('upload', { name: 'b.txt', body: 'bye' })],
          expect: { uploads: [{ name: 'a.txt', body: 'hello' }, { name: 'b.txt' }] },
        },
        'uploads fails': { events: [doStep('upload', { name: 'a.txt', body: 'hello' })], expect: { uploads: [{ name: 'a.txt', body: 'bye' }] } },
        'videoConfigWrites: exact, Go zero values for left-out variant fields': {
          events: [
            doStep('videoWrite', { update: { latencyLevel: 3 } }),
            doStep('videoWrite', { update: { variants: [{ width: 1280, height: 720, framerate: 30, videoBitrate: 2500, audioBitrate: 128 }] } }),
          ],
          expect: { videoConfigWrites: [{ latencyLevel: 3 }, { variants: [{ width: 1280, height: 720, framerate: 30, videoBitrate: 2500, audioBitrate: 128 }] }] },
        },
        'videoConfigWrites fails': { events: [doStep('videoWrite', { update: { latencyLevel: 3 } })], expect: { videoConfigWrites: [{ latencyLevel: 2 }] } },
        'emits: payload matched partially': {
          events: [doStep('emit', { type: 'kitchen.done', payload: { n: 1, extra: true } })],
          expect: { emits: [{ eventType: 'kitchen.done', payload: { n: 1 } }] },
        },
        'emits fails': {
          events: [doStep('emit', { type: 'kitchen.done', payload: { n: 1 } })],
          expect: { emits: [{ eventType: '/done/', payload: { n: 2 } }] },
        },
      }),
    ).toEqual({
      browserPushes: [],
      'browserPushes: an omitted body is ""': ['browserPushes: [0] body: expected "", got "B"'],
      fediversePosts: [],
      userModerations: [],
      'userModerations fails': ['userModerations: [0] enabled: expected true, got false'],
      'uploads: body checked only when given': [],
      'uploads fails': ['uploads: [0] body: expected "bye", got "hello"'],
      'videoConfigWrites: exact, Go zero values for left-out variant fields': [],
      'videoConfigWrites fails': ['videoConfigWrites: [0] /latencyLevel: expected 2, got 3'],
      'emits: payload matched partially': [],
      'emits fails': ['emits: [0] payload/n: expected 2, got 1'],
    });
  });
});

describe('storage keys', () => {
  it('kv: listed keys only, a missing key reads as ""', async () => {
    expect(
      await outcomes({
        kv: { given: { kv: { seeded: 'yes' } }, events: [doStep('kv', { key: 'a', value: '1' })], expect: { kv: { a: '1', seeded: 'yes', missing: '' } } },
        'kv fails': { events: [doStep('kv', { key: 'a', value: '1' })], expect: { kv: { a: '2' } } },
      }),
    ).toEqual({ kv: [], 'kv fails': ['kv: "a": expected "2", got "1"'] });
  });

  it('fs: text, bytes, and null for "must not exist"; given.fs seeds files', async () => {
    expect(
      await outcomes({
        fs: {
          given: { fs: { 'seed.txt': 'seeded', 'bin.dat': { base64: 'AAEC' }, 'notes/readme.md': 'read me' } },
          events: [doStep('write', { path: 'notes/a.txt', text: 'hi there' }), doStep('remove', { path: 'seed.txt' }), doStep('readFile', { path: 'notes/readme.md' })],
          expect: { fs: { 'notes/a.txt': '/^hi/', 'seed.txt': null, 'bin.dat': { base64: 'AAEC' } }, chatSends: ['file: read me'] },
        },
        'fs fails': {
          given: { fs: { 'seed.txt': 'seeded' } },
          events: [doStep('write', { path: 'a.txt', text: 'x' })],
          expect: { fs: { 'a.txt': 'y', 'seed.txt': null } },
        },
        'fs missing': { expect: { fs: { 'nothing.txt': 'x' } } },
      }),
    ).toEqual({
      fs: [],
      // one failure per key: the first difference
      'fs fails': ['fs: "a.txt": expected "y", got "x"'],
      'fs missing': ['fs: "nothing.txt" does not exist'],
    });
  });

  it('sql: given statements seed the database; expect queries it (rows in order, matched partially)', async () => {
    const given = { sql: ['CREATE TABLE scores (name TEXT, points INTEGER)', { sql: 'INSERT INTO scores VALUES (?, ?)', params: ['a', 1] }] };
    const events = [doStep('sql', { sql: 'INSERT INTO scores VALUES (?, ?)', params: ['b', 5] }), doStep('count')];
    const query = 'SELECT name, points FROM scores ORDER BY name';
    expect(
      await outcomes({
        sql: { given, events, expect: { sql: [{ query, rows: [{ name: 'a', points: 1 }, { name: 'b' }] }], chatSends: ['rows: [{"name":"a"},{"name":"b"}]'] } },
        'sql fails': { given, events, expect: { sql: [{ query: 'SELECT points FROM scores WHERE name = ?', params: ['b'], rows: [{ points: 6 }] }] } },
        'sql counts rows': { given, events, expect: { sql: [{ query, rows: [{ name: 'a' }] }] } },
        'sql error': { expect: { sql: [{ query: 'SELECT * FROM nowhere', rows: [] }] } },
      }),
    ).toEqual({
      sql: [],
      'sql fails': ['sql: [0] rows[0] /points: expected 6, got 5'],
      'sql counts rows': ['sql: [0] rows: expected 1 item(s), got 2'],
      'sql error': ['sql: [0] the query failed: no such table: nowhere'],
    });
  });
});

describe('logs, sse, httpRequests', () => {
  it('logs: the plugin’s log lines in order, level optional', async () => {
    const events = [doStep('log', { text: 'hello' }), doStep('log', { text: 'bad thing', level: 'error' })];
    expect(
      await outcomes({
        logs: { events, expect: { logs: ['hello', { level: 'error', message: '/bad/' }] } },
        'logs fails': { events, expect: { logs: ['hello', { level: 'warn', message: 'bad thing' }] } },
      }),
    ).toEqual({ logs: [], 'logs fails': ['logs: [1] level: expected warn, got error ("bad thing")'] });
  });

  it('sse: frames plugins sent; data as text, or matched as JSON', async () => {
    expect(
      await outcomes({
        sse: {
          events: [doStep('sse', { channel: 'overlay', event: 'emoji', data: '🦉' }), doStep('sse', { channel: '', event: 'score', data: { n: 1, by: 'a' } })],
          expect: { sse: [{ channel: 'overlay', event: 'emoji', data: '🦉' }, { event: 'score', data: { n: 1 } }] },
        },
        'sse fails': { events: [doStep('sse', { channel: 'overlay', event: 'emoji', data: 'x' })], expect: { sse: [{ channel: 'other' }] } },
      }),
    ).toEqual({ sse: [], 'sse fails': ['sse: [0] channel: expected "other", got "overlay"'] });
  });

  it('httpRequests: fixtures answer fetches (first match wins); every request is recorded; allowedHosts still apply', async () => {
    const given = {
      httpResponses: [
        { url: 'https://api.example.com/items/*', method: 'post', status: 201, body: 'created' },
        { url: 'https://api.example.com/*', status: 200, body: 'any' },
      ],
    };
    const run = await runScenarios(project, [
      {
        name: 'fixtures',
        given,
        events: [
          doStep('fetch', { url: 'https://api.example.com/items/1?x=y', method: 'POST', body: 'b' }),
          doStep('fetch', { url: 'https://api.example.com/items/1' }),
          doStep('fetch', { url: 'https://elsewhere.example/' }),
        ],
        expect: {
          // the third never leaves the host (allowedHosts), so it is not recorded either
          chatSends: ['fetched 201 created', 'fetched 200 any', '/^fetch/'],
          httpRequests: [{ url: 'https://api.example.com/items/1?x=y', method: 'POST', body: 'b' }, { url: '/items/1$/' }],
        },
      },
      { name: 'unmatched', events: [doStep('fetch', { url: 'https://api.example.com/x' })], expect: { httpRequests: [{ url: 'https://api.example.com/y' }] } },
    ]);
    expect(run.scenarios[0]!.failures).toEqual([]);
    expect(run.scenarios[0]!.hostWarnings.join('\n')).toContain('is not allowed (no allowedHosts match "elsewhere.example")');
    expect(run.scenarios[1]!.failures.map((f) => f.message)).toEqual(['[0] url: expected "https://api.example.com/y", got "https://api.example.com/x"']);
    expect(run.scenarios[1]!.hostWarnings.join('\n')).toContain('no http fixture matched GET https://api.example.com/x');
  });
});

describe('strikes, disabled, and expect.plugins scope', () => {
  it('strikes count consecutive failures; five disable the plugin', async () => {
    const throws = Array.from({ length: 5 }, () => doStep('throw'));
    expect(
      await outcomes({
        disabled: { events: [...throws, doStep('send', { text: 'after' })], expect: { strikes: 5, disabled: true, chatSends: [] } },
        'not disabled': { events: throws.slice(0, 2), expect: { strikes: 1, disabled: true } },
      }),
    ).toEqual({
      disabled: [],
      'not disabled': ['strikes: expected 1 consecutive failure(s), got 2', 'disabled: expected the plugin to be auto-disabled; it is not'],
    });
  });

  it('expect.plugins narrows keys to one plugin; an unknown slug is a failure', async () => {
    expect(
      await outcomes({
        scoped: { events: [doStep('send', { text: 'a' })], expect: { plugins: { kitchen: { chatSends: ['a'], strikes: 0 } } } },
        unknown: { expect: { plugins: { nobody: { chatSends: [] } } } },
      }),
    ).toEqual({ scoped: [], unknown: ['plugins.nobody: expect.plugins: no plugin "nobody" in this scenario (it has kitchen)'] });
  });
});

describe('given: Owncast data and config reach the plugin', () => {
  it('world data, emotes and config values', async () => {
    const given = {
      stream: { online: true, title: 'Speedruns', viewers: 3 },
      server: { name: 'My Owncast' },
      tags: ['retro'],
      emotes: [{ name: 'wave', url: '/e/wave.gif' }],
      users: [{ id: 'u1', displayName: 'ada' }],
      chatHistory: [{ id: 'h1', body: 'earlier', timestamp: '2026-01-01T00:00:00Z' }],
      chatClients: [{ id: 5, messageCount: 1 }],
      videoConfig: { latencyLevel: 4, codec: 'libx264' },
      federation: { enabled: true },
      config: { greeting: 'Howdy' },
    };
    const world = { title: 'Speedruns', server: 'My Owncast', tags: ['retro'], emotes: ['wave'], users: ['u1'], history: ['earlier'], clients: 1, latency: 4, federation: true };
    expect(
      await outcomes({
        given: { given, events: [doStep('world'), doStep('config')], expect: { chatSends: [JSON.stringify(world), 'greeting: Howdy'] } },
        defaults: { events: [doStep('config')], expect: { chatSends: ['greeting: Hello'] } },
        'an undeclared config key': { given: { config: { greting: 'Hi' } } },
      }),
    ).toEqual({
      given: [],
      defaults: [],
      'an undeclared config key': ['load: load plugin: given config: the manifest of "kitchen" declares no config key "greting" (it declares greeting)'],
    });
  });
});

describe('permission warnings', () => {
  it('ungranted host calls are reported per scenario (the call did nothing)', async () => {
    const dir = await writeProject(await tempDir(), {
      manifest: { name: 'Shy', slug: 'shy', permissions: [] },
      source: `import {definePlugin, owncast} from '@owncast/plugin-sdk'\ndefinePlugin({ on: { go() { owncast.chat.send('x'); owncast.kv.set('a', '1') } } })\n`,
    });
    const run = await runScenarios(dir, [{ name: 'tries', events: [{ event: 'go' }], expect: { chatSends: [] } }]);
    expect(run.scenarios[0]!.status).toBe('passed');
    expect(run.scenarios[0]!.permissionWarnings).toEqual([
      'owncast_send_chat: plugin "shy" lacks permission "chat.send"; the call did nothing. Add "chat.send" to "permissions" in plugin.manifest.json.',
      'owncast_kv_set: plugin "shy" lacks permission "storage.kv"; the call did nothing. Add "storage.kv" to "permissions" in plugin.manifest.json.',
    ]);
  });
});
