// The simulator's engine on small projects of its own (built from source by the simulator,
// since their dist/ is missing): the simulated clock behind timers, ticks and timestamps; the
// script's canned HTTP answers; every kind of scripted step; typing as different users;
// reloading while the stream goes on; --state; plugins that fail to load.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createCaptureStream, createContext, createFakeClock } from '../../src/lib/context.js';
import type { SimEvent } from '../../src/lib/simulate/events.js';
import type { SimScript } from '../../src/lib/simulate/script.js';
import { Simulation, type SimulationOptions } from '../../src/lib/simulate/simulation.js';
import { parseScript } from '../../src/lib/simulate/validate.js';
import { writeZip } from '../package/zip-writer.js';

const START = Date.parse('2026-11-29T20:00:00Z');
let root: string;

async function project(name: string, manifest: Record<string, unknown>, source: string): Promise<string> {
  const dir = join(root, name);
  await mkdir(join(dir, 'src'), { recursive: true });
  await writeFile(join(dir, 'plugin.manifest.json'), JSON.stringify({ api: '1', name, slug: name, version: '1.0.0', ...manifest }));
  await writeFile(join(dir, 'src', 'plugin.ts'), source);
  return dir;
}

const CLOCKWORK = `
import {definePlugin, owncast} from '@owncast/plugin-sdk'
let ticks = 0
let lastTick = 0
definePlugin({
  onStreamStarted(info) {
    owncast.log.info('started at ' + info.startedAt)
    owncast.timer.setInterval(() => owncast.chat.send('a minute passed'), 60_000)
  },
  onTick({now}) { ticks++; lastTick = now },
  commands: {
    ticks: { description: 'tick count', run(ctx) { ctx.reply(ticks + ' ticks, last at ' + new Date(lastTick).toISOString() + ', message at ' + ctx.msg.timestamp) } },
    secret: { description: 'mods only', modOnly: true, run(ctx) { ctx.reply('hello, moderator ' + (ctx.user && ctx.user.displayName)) } },
  },
})`;

const FETCHER = `
import {definePlugin, owncast} from '@owncast/plugin-sdk'
definePlugin({
  onChatMessage(msg) {
    if (!msg.body.startsWith('fetch ')) return
    try {
      const res = owncast.http.fetch(msg.body.slice(6))
      owncast.chat.send(res.status === 0 ? 'failed' : res.status + ' ' + res.body)
    } catch (err) {
      owncast.chat.send('failed')
    }
  },
})`;

const LISTENER = `
import {definePlugin, owncast} from '@owncast/plugin-sdk'
definePlugin({
  on: { ping(payload) { owncast.log.info('ping ' + JSON.stringify(payload)) } },
  onFediverseFollow(e) { owncast.log.info('follow from ' + e.actor.handle) },
  onFediverseMention(p) { owncast.log.info('mention: ' + p.contentText) },
  onChatUserRenamed(c) { owncast.log.info(c.previousName + ' is now ' + c.user.displayName) },
  onChatUserParted(u) { owncast.log.info('bye ' + u.displayName) },
  onChatMessage(msg) {
    const n = Number(owncast.kv.get('count') || '0') + 1
    owncast.kv.set('count', String(n))
    if (msg.body === 'count') owncast.chat.send('count ' + n)
    if (msg.body === 'boom') throw new Error('boom')
    if (msg.body === 'whoami') owncast.chat.send((msg.user ? msg.user.displayName + ' ' + JSON.stringify(msg.user.scopes || []) + ' ' + !!msg.user.isAuthenticated : 'nobody'))
  },
})`;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ocp-sim-test-'));
  await project('clockwork', { bot: { displayName: 'Clockwork' }, permissions: ['chat.send'] }, CLOCKWORK);
  await project('fetcher', { permissions: ['chat.send', 'network.fetch'], network: { allowedHosts: ['api.example.com'] } }, FETCHER);
  await project('listener', { permissions: ['chat.send', 'storage.kv', 'fediverse.inbound'], config: { greeting: { type: 'string', default: 'hi' } } }, LISTENER);
  await project('broken', { permissions: [] }, 'this is not TypeScript at all (');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function script(body: Record<string, unknown>): SimScript {
  return parseScript(JSON.stringify({ users: ['alice', { displayName: 'mia', role: 'moderator' }], ...body }), join(root, 'test.json'));
}

async function simulate(paths: string[], s: SimScript, extra: Partial<SimulationOptions> = {}) {
  const events: SimEvent[] = [];
  const ctx = createContext({ cwd: root, toolRoot: root, stdout: createCaptureStream(), stderr: createCaptureStream(), clock: createFakeClock(START), color: false, env: {} });
  const sim = await Simulation.create(ctx, { script: s, paths, startMs: START, onEvent: (e) => events.push(e), ...extra });
  return { sim, events };
}

const chats = (events: SimEvent[]) => events.filter((e): e is Extract<SimEvent, { type: 'chat' }> => e.type === 'chat').map((e) => e.text);
const logs = (events: SimEvent[]) => events.filter((e) => e.type === 'log' && e.source === 'plugin').map((e) => (e as { message: string }).message);

describe('Simulation', () => {
  it('runs timers, ticks and timestamps on its own clock, and jumps it', async () => {
    const { sim, events } = await simulate(
      ['clockwork'],
      script({
        events: [
          { at: '1s', type: 'stream.start' },
          { at: '1m30s', type: 'chat', user: 'alice', body: '!ticks' },
          { at: '1m31s', type: 'clock', advance: '3m' },
          { at: '1m32s', type: 'chat', user: 'alice', body: '!ticks' },
        ],
      }),
    );
    try {
      await sim.runToEnd();
      expect(logs(events)).toEqual(['started at 2026-11-29T20:00:01.000Z']);
      expect(chats(events)).toEqual([
        'a minute passed',
        '90 ticks, last at 2026-11-29T20:01:30.000Z, message at 2026-11-29T20:01:30.000Z',
        'a minute passed',
        'a minute passed',
        'a minute passed',
        '272 ticks, last at 2026-11-29T20:04:32.000Z, message at 2026-11-29T20:04:32.000Z',
      ]);
      const timers = events.filter((e) => e.type === 'timer');
      expect(timers.map((e) => e.t)).toEqual([61_000, 121_000, 181_000, 241_000]);
      // each timer is reported before what its callback did
      const i = events.findIndex((e) => e.type === 'timer');
      expect(events[i + 1]).toMatchObject({ type: 'chat', slug: 'clockwork', text: 'a minute passed', t: 61_000 });
      expect(events.find((e) => e.type === 'clock')).toMatchObject({ t: 91_000, advancedMs: 180_000 });
      expect(sim.now).toBe(272_000);
      expect(sim.scriptTime).toBe(92_000);
      expect(sim.ended).toBe(true);
      expect(events.at(-1)).toMatchObject({ type: 'end', messages: 2 });
    } finally {
      await sim.close();
    }
  });

  it("answers fetches from the script's httpResponses, refuses hosts the manifest does not allow, and never uses the network", async () => {
    const { sim, events } = await simulate(
      ['fetcher'],
      script({
        httpResponses: [{ url: 'https://api.example.com/v1/*', status: 201, body: { ok: true } }],
        events: [
          { at: 0, type: 'chat', user: 'alice', body: 'fetch https://api.example.com/v1/things?x=1' },
          { at: '3s', type: 'chat', user: 'alice', body: 'fetch https://api.example.com/v2/other' },
          { at: '6s', type: 'chat', user: 'alice', body: 'fetch https://evil.example.net/' },
        ],
      }),
    );
    try {
      await sim.runToEnd();
      // a failed request reaches the plugin as an error (or status 0), with the reason in the fetch event
      expect(chats(events)).toEqual(['201 {"ok":true}', 'failed', 'failed']);
      expect(events.filter((e) => e.type === 'fetch')).toEqual([
        { t: 0, type: 'fetch', slug: 'fetcher', method: 'GET', url: 'https://api.example.com/v1/things?x=1', status: 201 },
        expect.objectContaining({ t: 3000, url: 'https://api.example.com/v2/other', error: expect.stringMatching(/no httpResponses entry in the script matches GET/) }),
        expect.objectContaining({ t: 6000, url: 'https://evil.example.net/', error: expect.stringMatching(/not allowed/) }),
      ]);
    } finally {
      await sim.close();
    }
  });

  it('plays every kind of step: emits to namespaced hooks, fediverse events, renames, parts, raw events; typed lines as any user', async () => {
    const { sim, events } = await simulate(
      ['listener', 'clockwork'],
      script({
        events: [
          { at: 0, type: 'join', user: 'alice' },
          { at: '1s', type: 'emit', event: 'listener.ping', payload: { n: 1 } },
          { at: '2s', type: 'fediverse', kind: 'follow', actor: '@zed@social.example' },
          { at: '3s', type: 'fediverse', kind: 'mention', actor: '@zed@social.example', content: '<p>nice <b>stream</b></p>' },
          { at: '4s', type: 'rename', user: 'alice', to: 'alicia' },
          // scripts name users as the script declares them; the plugins see the new name
          { at: '5s', type: 'part', user: 'alice' },
          { at: '6s', type: 'event', event: 'chat.user.parted', payload: { id: 'x', displayName: 'raw' } },
          { at: '7s', type: 'viewers', count: 12 },
        ],
      }),
    );
    try {
      await sim.runToEnd();
      expect(logs(events)).toEqual(['ping {"n":1}', 'follow from @zed@social.example', 'mention: nice stream', 'alice is now alicia', 'bye alicia', 'bye raw']);
      expect(sim.env.world.stream.viewers).toBe(12);
      expect(sim.env.world.users.find((u) => u.id === 'u-alice')).toMatchObject({ displayName: 'alicia', previousNames: ['alice'] });
      expect(events.find((e) => e.type === 'event' && e.eventType === 'chat.user.renamed')).toMatchObject({ summary: 'alice → alicia', notified: ['listener'] });

      // typed lines: as a viewer, an anonymous user and a moderator (modOnly commands answer only the moderator)
      const as = (name: string) => sim.users.find((u) => u.displayName === name)!;
      await sim.say(as('you'), 'whoami');
      await sim.say(as('anonymous-otter'), 'whoami');
      await sim.say(as('you'), '!secret');
      await sim.say(as('mod'), '!secret');
      await sim.say(as('mod'), 'whoami');
      expect(chats(events).slice(-4)).toEqual(['you [] true', 'anonymous-otter [] false', 'hello, moderator mod', 'mod ["MODERATOR"] true']);
      const typed = events.filter((e) => e.type === 'message' && e.source === 'typed');
      expect(typed).toHaveLength(5);
      expect(typed[0]).toMatchObject({ t: 7000, user: { displayName: 'you', role: 'viewer' }, notified: ['listener'] });
    } finally {
      await sim.close();
    }
  });

  it('reloads a plugin while the stream goes on: KV stays, strikes and failures start over', async () => {
    const { sim, events } = await simulate(['listener'], script({ events: [] }));
    try {
      const alice = sim.users[0]!;
      for (let i = 0; i < 5; i++) await sim.say(alice, 'boom');
      expect(sim.plugins()).toEqual([expect.objectContaining({ slug: 'listener', state: 'disabled', strikes: 5, lastError: 'Error: boom' })]);
      await sim.say(alice, 'count');
      expect(chats(events)).toEqual([]);
      await sim.reload('listener');
      expect(events.filter((e) => e.type === 'reload')).toEqual([{ t: 0, type: 'reload', slug: 'listener', ok: true }]);
      expect(sim.plugins()).toEqual([expect.objectContaining({ slug: 'listener', state: 'running', strikes: 0 })]);
      expect(sim.plugins()[0]).not.toHaveProperty('lastError');
      await sim.say(alice, 'count');
      // the five booms were counted before each failed; the message sent while disabled was not
      expect(chats(events)).toEqual(['count 6']);
      await expect(sim.reload('nope')).rejects.toThrow(/no plugin "nope"/);
    } finally {
      await sim.close();
    }
  });

  it('keeps KV in --state DIR from one simulation to the next, and applies --config', async () => {
    const state = join(root, 'state');
    await mkdir(state, { recursive: true });
    for (const expected of ['count 1', 'count 2']) {
      const { sim, events } = await simulate(['listener'], script({ events: [{ at: 0, type: 'chat', user: 'alice', body: 'count' }] }), {
        stateDir: state,
        config: ['listener.greeting=hello'],
      });
      try {
        await sim.runToEnd();
        expect(chats(events)).toEqual([expected]);
      } finally {
        await sim.close();
      }
    }
    await expect(simulate(['listener'], script({ events: [] }), { config: ['listener.colour=red'] })).rejects.toThrow(/declares no config key "colour"/);
  });

  it('loads an .ocpkg and a loose .js beside a project', async () => {
    const code = (slug: string) => `const { definePlugin, owncast } = require("@owncast/plugin-sdk");
      definePlugin({ onChatMessage(m) { if (!m.user.isBot) owncast.chat.send("${slug} heard " + m.body); } });`;
    const manifest = (slug: string) => JSON.stringify({ api: '1', name: slug, slug, version: '1.0.0', permissions: ['chat.send'] });
    // beside the projects, not among them: the plugins-directory test below lists root
    const files = join(root, 'files');
    await mkdir(files, { recursive: true });
    await writeFile(join(files, 'packaged.ocpkg'), writeZip([{ name: 'plugin.manifest.json', data: manifest('packaged') }, { name: 'plugin.js', data: code('packaged') }]));
    await writeFile(join(files, 'loose.js'), code('loose'));
    await writeFile(join(files, 'loose.manifest.json'), manifest('loose'));
    const { sim, events } = await simulate(['files/packaged.ocpkg', 'files/loose.js', 'listener'], script({ events: [{ at: 0, type: 'chat', user: 'alice', body: 'count' }] }));
    try {
      await sim.runToEnd();
      expect(chats(events).sort()).toEqual(['count 1', 'loose heard count', 'packaged heard count']);
      expect(sim.pluginInfo().map((p) => [p.slug, p.path])).toEqual([
        ['packaged', 'files/packaged.ocpkg'],
        ['loose', 'files/loose.js'],
        ['listener', 'listener'],
      ]);
    } finally {
      await sim.close();
    }
  });

  it('reports a plugin that fails to build and runs the others; none loading is an error', async () => {
    const { sim, events } = await simulate(['broken', 'listener'], script({ events: [] }));
    try {
      const start = events.find((e) => e.type === 'start') as Extract<SimEvent, { type: 'start' }>;
      expect(start.plugins.map((p) => p.slug)).toEqual(['listener']);
      expect(start.failed).toEqual([{ path: join(root, 'broken'), error: expect.stringMatching(/./) }]);
      expect(events.at(-1)).toMatchObject({ type: 'end', messages: 0 });
    } finally {
      await sim.close();
    }
    await expect(simulate(['broken'], script({ events: [] }))).rejects.toThrow(/no plugin could be loaded/);
    await expect(simulate(['nowhere'], script({ events: [] }))).rejects.toThrow(/nowhere does not exist/);
    // a plugins directory: every project in it
    const all = await simulate([root], script({ events: [] }));
    try {
      expect(all.sim.pluginInfo().map((p) => p.slug)).toEqual(['clockwork', 'fetcher', 'listener']);
    } finally {
      await all.sim.close();
    }
  });
});
