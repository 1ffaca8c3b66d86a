// The JS test API (`owncast-plugin/testing`, src/testing.ts): loadPlugin drives real plugin
// projects (built by the real compiler, run in the real engine on a fresh host) step by step
// and reads back what they did; check/assert apply the scenario files' matching rules; bad
// input fails up front with JSON pointers.

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ExpectationError, loadPlugin, TestSetupError, type PluginHarness } from '../../src/testing.js';
import { chat, kitchenProject, removeTemps, tempDir, writeProject } from './helpers.js';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
const message = (id: string, user: string, body: string) => ({ id, user: { id: `u-${user}`, displayName: user }, body, timestamp: '2026-11-29T18:00:00Z' });

let kitchen: string;

beforeAll(async () => {
  kitchen = await kitchenProject();
});
afterAll(removeTemps);

/** Runs `body` on a freshly loaded harness and closes it whatever happens. */
async function withPlugin<T>(harness: Promise<PluginHarness>, body: (h: PluginHarness) => Promise<T>): Promise<T> {
  const h = await harness;
  try {
    return await body(h);
  } finally {
    await h.close();
  }
}

describe('loadPlugin on an example project', () => {
  it('delivers events, reads chat and KV back, and checks a scenario expect with its rules', () =>
    withPlugin(loadPlugin(join(EXAMPLES, 'message-counter'), { kv: { 'count:u-ann': '9' } }), async (bot) => {
      expect(bot.slug).toBe('message-counter');
      const outcome = await bot.event('chat.message.received', message('m1', 'ann', 'hi'));
      expect(outcome).toEqual({ notified: [{ slug: 'message-counter', ok: true }] });
      await bot.event('chat.message.received', message('m2', 'bo', 'hello'));

      expect(bot.chatSends).toEqual(['ann has sent 10 messages!', "Welcome, bo! That's your first message here."]);
      expect(bot.kv).toEqual({ 'count:u-ann': '10', 'count:u-bo': '1', total: '2' });
      expect(bot.effects).toMatchObject({ chatSends: bot.chatSends, emits: [], httpRequests: [], logs: [] });
      expect(bot.permissionWarnings).toEqual([]);

      // the scenario rules: regex strings, kv only the listed keys, a missing key reads as ""
      expect(bot.check({ chatSends: ['/10 messages/', '/^Welcome, bo/'], kv: { total: '2', 'count:nobody': '' } })).toEqual([]);
      expect(() => bot.assert({ chatSends: ['/10 messages/', '/^Welcome/'] })).not.toThrow();

      const failures = bot.check({ kv: { total: '3' }, chatActions: [] });
      expect(failures).toEqual([{ key: 'kv', pointer: '/expect/kv/total', message: '"total": expected "3", got "2"', expected: { total: '3' }, actual: { total: '2' } }]);
    }));

  it('assert throws an ExpectationError with each failing key, its pointer and a diff', () =>
    withPlugin(loadPlugin(join(EXAMPLES, 'message-counter')), async (bot) => {
      await bot.event('chat.message.received', message('m1', 'ann', 'hi'));
      let thrown: unknown;
      try {
        bot.assert({ chatSends: ['Welcome, ann!'] });
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(ExpectationError);
      const err = thrown as ExpectationError;
      expect(err.failures.map((f) => `${f.key} ${f.pointer}`)).toEqual(['chatSends /expect/chatSends/0']);
      // one failing key: expected/actual are its values, so vitest shows its own diff too
      expect(err.expected).toEqual(['Welcome, ann!']);
      expect(err.actual).toEqual(["Welcome, ann! That's your first message here."]);
      expect(err.message).toContain(`chatSends: [0] expected "Welcome, ann!", got "Welcome, ann! That's your first message here."  (at /expect/chatSends/0)`);
      expect(err.message).toContain('  -   "Welcome, ann!"\n  +   "Welcome, ann! That\'s your first message here."');
    }));

  it('clearEffects forgets what was recorded but keeps the plugin’s state', () =>
    withPlugin(loadPlugin(join(EXAMPLES, 'message-counter')), async (bot) => {
      await bot.event('chat.message.received', message('m1', 'ann', 'one'));
      expect(bot.chatSends).toHaveLength(1);
      bot.clearEffects();
      expect(bot.effects.chatSends).toEqual([]);
      await bot.event('chat.message.received', message('m2', 'ann', 'two'));
      // the second message is not a first any more: the count survived in KV
      expect(bot.chatSends).toEqual([]);
      expect(bot.kv['count:u-ann']).toBe('2');
    }));

  it('loads several projects: what the relay emits reaches the announcer', () =>
    withPlugin(loadPlugin(join(EXAMPLES, 'relay'), {}, { plugins: [join(EXAMPLES, 'announcer')] }), async (relay) => {
      expect(relay.slugs).toEqual(['relay', 'announcer']);
      await relay.event('chat.message.received', { ...message('m1', 'ann', '/announce doors open'), user: { id: 'u-ann', displayName: 'ann', scopes: ['MODERATOR'] } });
      expect(relay.emits.map((e) => e.eventType)).toEqual(['announcer.announcement.broadcast']);
      expect(relay.effectsOf('relay').chatSystems).toEqual([]);
      expect(relay.effectsOf('announcer').chatSystems.join('\n')).toContain('doors open');
      expect(() => relay.effectsOf('nobody')).toThrow('no plugin "nobody"');
    }));
});

describe('each step on a plugin that can do anything', () => {
  it('filter: pass, modify, drop and fail-open, with each filter’s verdict', () =>
    withPlugin(loadPlugin(kitchen), async (k) => {
      expect(await k.filter('chat.message.received', chat('fine'))).toMatchObject({ action: 'pass', reason: '', filters: [{ slug: 'kitchen', action: 'pass' }] });
      expect(await k.filter('chat.message.received', chat('darn it'))).toMatchObject({ action: 'modify', payload: { body: '**** it' } });
      expect(await k.filter('chat.message.received', chat('buy spam'))).toMatchObject({ action: 'drop', reason: 'spam is not welcome here', droppedBy: 'kitchen' });
      const failed = await k.filter('chat.message.received', chat('boom'));
      expect(failed).toMatchObject({ action: 'pass', filters: [{ slug: 'kitchen', action: 'error' }] });
      expect(failed.filters[0]!.error).toContain('filter exploded');
      expect(k.strikes()).toBe(1);
      expect(k.disabled()).toBe(false);
      // a filter step never notifies
      expect(k.chatSends).toEqual([]);
    }));

  it('command, advance and emit, on the fake clock from a given start time', () =>
    withPlugin(loadPlugin(kitchen, { config: { greeting: 'Howdy' } }, { startTime: '2026-11-29T18:00:00Z' }), async (k) => {
      expect(k.now).toBe(Date.parse('2026-11-29T18:00:00Z'));
      const roll = await k.command('!roll 4', { user: 'bob' });
      expect(roll.commands).toEqual([{ slug: 'kitchen', command: 'roll', ok: true }]);
      const help = await k.command('!help');
      expect(help.help).toContain('!roll');

      await k.event('do', { what: 'timer', ms: 1500 });
      await k.advance(1000);
      expect(k.chatSends).toEqual(['bob rolled 4']);
      await k.advance(500);
      expect(k.chatSends).toEqual(['bob rolled 4', 'timer fired']);
      expect(k.now).toBe(Date.parse('2026-11-29T18:00:01.500Z'));
      // tick ran once per second passed
      expect(k.kv.ticks).toBe('1');

      const emitted = await k.emit('kitchen.do', { what: 'config' });
      expect(emitted.notified).toEqual([{ slug: 'kitchen', ok: true }]);
      await k.event('ping', { n: 1 });
      expect(k.chatSends.slice(2)).toEqual(['greeting: Howdy', 'pong {"n":1}']);
      await expect(k.advance(-1)).rejects.toThrow(RangeError);
    }));

  it('http through the real plugin server: a path, JSON bodies, admin and viewer sign-in, public files', () =>
    withPlugin(loadPlugin(kitchen), async (k) => {
      const get = await k.http('api/echo?q=1');
      expect(get.status).toBe(200);
      expect(get.headers['content-type']).toBe('application/json');
      expect(get.json()).toMatchObject({ method: 'GET', query: { q: '1' }, authenticated: false, user: null });

      const post = await k.http({ method: 'post', path: '/api/echo', body: { n: 1 }, user: { id: 'u1', displayName: 'ada' } });
      expect(post.json()).toMatchObject({ method: 'POST', body: '{"n":1}', authenticated: true, user: { id: 'u1', displayName: 'ada' } });

      expect((await k.http('/admin/secret')).status).toBe(401);
      expect(await k.http({ path: '/admin/secret', authenticated: true })).toMatchObject({ status: 200, body: 'secret' });
      expect(await k.http('/index.html')).toMatchObject({ status: 200, body: '<h1>kitchen</h1>' });
    }));

  it('every effect list, the storage readers and the fixtures of given', () =>
    withPlugin(
      loadPlugin(kitchen, {
        httpResponses: [{ url: 'https://api.example.com/*', status: 201, body: 'made' }],
        fs: { 'notes/a.txt': 'from given' },
        sql: ['CREATE TABLE scores (name TEXT)', { sql: 'INSERT INTO scores VALUES (?)', params: ['ann'] }],
      }),
      async (k) => {
        const does: [string, Record<string, unknown>][] = [
          ['action', { text: 'waves' }],
          ['system', { text: 'notice' }],
          ['sendTo', { clientId: 7, text: 'psst' }],
          ['delete', { id: 'm9' }],
          ['kick', { clientId: 8 }],
          ['discord', { text: 'to discord' }],
          ['push', { payload: { title: 'Live', body: 'now' } }],
          ['notifyFediverse', { payload: { type: 'follow', body: 'a follow' } }],
          ['post', { text: 'tooted' }],
          ['ban', { ip: '10.0.0.1' }],
          ['setEnabled', { userId: 'u-x', enabled: false, reason: 'spam' }],
          ['upload', { name: 'a.txt', body: 'bytes' }],
          ['videoWrite', { update: { latencyLevel: 2 } }],
          ['sse', { channel: 'feed', event: 'update', data: '{"n":1}' }],
          ['emit', { type: 'other.thing', payload: { x: 1 } }],
          ['log', { level: 'warn', text: 'careful' }],
          ['fetch', { url: 'https://api.example.com/things', method: 'POST', body: 'b' }],
          ['write', { path: 'out.txt', text: 'written' }],
          ['sql', { sql: 'INSERT INTO scores VALUES (?)', params: ['bo'] }],
          ['kv', { key: 'k', value: 'v' }],
        ];
        for (const [what, args] of does) await k.event('do', { what, ...args });
        expect(k.effects).toEqual({
          chatSends: ['fetched 201 made'],
          chatActions: ['waves'],
          chatSystems: ['notice'],
          chatTo: [{ clientId: 7, text: 'psst' }],
          emits: [{ eventType: 'other.thing', payload: { x: 1 } }],
          httpRequests: [{ url: 'https://api.example.com/things', method: 'POST', body: 'b' }],
          deletedMessages: ['m9'],
          kickedClients: [8],
          discordPosts: ['to discord'],
          browserPushes: [{ title: 'Live', body: 'now' }],
          fediversePosts: [{ type: 'follow', body: 'a follow' }],
          fediverseOutbox: ['tooted'],
          userModerations: [{ userId: 'u-x', enabled: false, reason: 'spam' }],
          bannedIPs: ['10.0.0.1'],
          uploads: [{ name: 'a.txt', body: 'bytes' }],
          videoConfigWrites: [{ latencyLevel: 2 }],
          logs: [{ level: 'warn', message: 'careful' }],
          sse: [{ channel: 'feed', event: 'update', data: '{"n":1}' }],
        });
        expect(k.kv).toEqual({ k: 'v' });
        expect(k.file('notes/a.txt')).toBe('from given');
        expect(k.file('out.txt')).toBe('written');
        expect(k.fileBytes('missing.txt')).toBeNull();
        expect(k.query<{ name: string }>('SELECT name FROM scores ORDER BY name')).toEqual([{ name: 'ann' }, { name: 'bo' }]);
        k.exec('DELETE FROM scores WHERE name = ?', ['ann']);
        expect(k.query('SELECT count(*) AS n FROM scores')).toEqual([{ n: 1 }]);
        expect(() => k.query('SELECT * FROM nowhere')).toThrow(/query failed: .*no such table/);
        expect(k.peakMemoryBytes()).toBeGreaterThan(0);
        // the same through the scenario rules, with the new keys
        expect(k.check({ fs: { 'out.txt': '/^writ/', 'gone.txt': null }, sql: [{ query: 'SELECT name FROM scores', rows: [{ name: 'bo' }] }], strikes: 0, disabled: false })).toEqual([]);
      },
    ));

  it('storage.sql: each harness starts with empty databases, and two live harnesses of one plugin never share one', async () => {
    const seed = { sql: ['CREATE TABLE scores (name TEXT)'] };
    const a = await loadPlugin(kitchen, seed);
    const b = await loadPlugin(kitchen, seed);
    try {
      a.exec('INSERT INTO scores VALUES (?)', ['only in a']);
      expect(a.query('SELECT name FROM scores')).toEqual([{ name: 'only in a' }]);
      expect(b.query('SELECT name FROM scores')).toEqual([]);
    } finally {
      await a.close();
      await b.close();
    }
    await withPlugin(loadPlugin(kitchen), async (c) => {
      expect(() => c.query('SELECT name FROM scores')).toThrow(/no such table/);
    });
  });

  it('a handler that throws is reported on the delivery, and a host call without permission is a warning', async () => {
    const dir = await writeProject(await tempDir('ocp-api-'), {
      manifest: { name: 'Needy', slug: 'needy', permissions: [] },
      source: `import {definePlugin, owncast} from '@owncast/plugin-sdk'
definePlugin({ onChatMessage(msg) { if (msg.body === 'fail') throw new Error('nope'); owncast.chat.send('hi') } })`,
    });
    await withPlugin(loadPlugin(dir), async (p) => {
      const failed = await p.event('chat.message.received', chat('fail'));
      expect(failed.notified).toEqual([{ slug: 'needy', ok: false, error: expect.stringContaining('nope') }]);
      await p.event('chat.message.received', chat('ok'));
      expect(p.chatSends).toEqual([]);
      expect(p.permissionWarnings.join('\n')).toMatch(/lacks permission "chat\.send"/);
      expect(p.hostWarnings.join('\n')).toContain('nope');
    });
  });
});

describe('setup errors', () => {
  const setupError = async (work: () => unknown): Promise<TestSetupError> => {
    try {
      await work();
    } catch (err) {
      expect(err).toBeInstanceOf(TestSetupError);
      return err as TestSetupError;
    }
    throw new Error('expected a TestSetupError');
  };

  it('a given is validated like a scenario file’s: every problem with its JSON pointer, unknown keys included', async () => {
    const err = await setupError(() => loadPlugin(kitchen, { kv: { n: 1 }, stream: { viewers: 'many' }, kvv: {} } as never));
    expect(err.diagnostics.map((d) => `${d.pointer}: ${d.text}`)).toEqual([
      '/given/kvv: unknown key "kvv" in given; did you mean "kv"?',
      '/given/kv/n: must be a string, not a number',
      '/given/stream: json: cannot unmarshal string into Go struct field StreamInfo.viewers of type int',
    ]);
    expect(err.message).toContain('invalid given');
    expect(err.message).toContain('must be a string, not a number (at /given/kv/n)');
  });

  it('an expect with a misspelt key or a bad pattern throws instead of checking nothing', () =>
    withPlugin(loadPlugin(kitchen), async (k) => {
      const misspelt = await setupError(() => k.check({ chatSend: [] } as never));
      expect(misspelt.diagnostics.map((d) => d.pointer)).toEqual(['/expect/chatSend']);
      expect(misspelt.message).toContain('did you mean "chatSends"?');
      const pattern = await setupError(() => k.check({ chatSends: ['/(unclosed/'] }));
      expect(pattern.diagnostics[0]!.pointer).toBe('/expect/chatSends/0');
    }));

  it('a missing project, one that does not build and a config key the manifest lacks', async () => {
    expect((await setupError(() => loadPlugin(join(kitchen, 'nowhere')))).message).toMatch(/nowhere/);
    const broken = await writeProject(await tempDir('ocp-api-'), { manifest: { name: 'Broken', slug: 'broken' }, source: 'this is not ( TypeScript' });
    const build = await setupError(() => loadPlugin(broken));
    expect(build.message).toMatch(/^Building .* failed/);
    expect(build.diagnostics[0]!.file).toMatch(/src\/plugin\.ts$/);
    expect((await setupError(() => loadPlugin(kitchen, { config: { colour: 'red' } }))).message).toContain('declares no config key "colour"');
    await expect(loadPlugin(kitchen, {}, { startTime: 'yesterday' })).rejects.toThrow('startTime: yesterday is not a time');
  });
});
