import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openKvStore } from '../../../src/lib/host/storage/index.js';
import { createRecordingEnv } from '../../../src/lib/host/env/index.js';
import type { HostDeps } from '../../../src/lib/host/functions/index.js';
import { startPlugin, type Running } from './harness.js';

describe('notifications, uploads, SSE and emits through a real plugin', () => {
  let p: Running;
  const emitted: { slug: string; eventType: string; payloadJson: string | null }[] = [];
  beforeAll(async () => {
    p = await startPlugin('announcer', {
      deps: { events: { emit: (slug, eventType, payloadJson) => void emitted.push({ slug, eventType, payloadJson }) } },
    });
  });
  afterAll(() => p.close());

  it('a stream.started handler notifies Discord, browsers and overlays and emits a custom event', async () => {
    p.env.clear();
    emitted.length = 0;
    await p.event('stream.started', { title: 'Speedrun night' });
    expect(p.env.calls).toEqual([
      { slug: 'announcer', fn: 'notifications.discord', args: { text: "We're live: Speedrun night" } },
      { slug: 'announcer', fn: 'notifications.browserPush', args: { payload: { title: 'Live now', body: 'Speedrun night', url: '/' } } },
      { slug: 'announcer', fn: 'sse.send', args: { channel: 'overlay', event: 'live', data: '{"title":"Speedrun night"}' } },
    ]);
    expect(emitted).toEqual([{ slug: 'announcer', eventType: 'scoreboard.reset', payloadJson: '{"reason":"stream started"}' }]);
  });

  it('browserPush with a string sends {title}; an invalid payload type is dropped with a log line', async () => {
    p.env.clear();
    await p.call('/push', { payload: 'Going live soon' });
    await p.call('/push', { payload: { title: 7 } });
    expect(p.env.calls).toEqual([{ slug: 'announcer', fn: 'notifications.browserPush', args: { payload: { title: 'Going live soon' } } }]);
    expect(p.warnings.at(-1)).toBe(
      'owncast_notify_browser_push from announcer: invalid JSON: json: cannot unmarshal number into Go struct field BrowserPushPayload.title of type string',
    );
  });

  it('fediverse notifications carry the FediversePayload', async () => {
    p.env.clear();
    await p.call('/notifyFediverse', { payload: { type: 'follow', body: 'New follower', link: 'https://x.example/@a' } });
    expect(p.env.calls).toEqual([
      {
        slug: 'announcer',
        fn: 'notifications.fediverse',
        args: { payload: { type: 'follow', body: 'New follower', link: 'https://x.example/@a' } },
      },
    ]);
  });

  it('uploads text and exact bytes and returns {url}; a failed upload is null and logged', async () => {
    p.env.clear();
    expect(await p.call('/upload', { name: 'note.txt', text: 'hi' })).toEqual({ url: 'mock://uploads/note.txt' });
    expect(await p.call('/uploadBytes', { name: 'pic.png', bytes: [137, 80, 78, 71, 0, 255] })).toEqual({ url: 'mock://uploads/pic.png' });
    const uploads = p.env.callsOf('storage.upload').map((c) => [c.args.name, Array.from(c.args.data as Uint8Array)]);
    expect(uploads).toEqual([
      ['note.txt', [104, 105]],
      ['pic.png', [137, 80, 78, 71, 0, 255]],
    ]);
    p.env.failures['storage.upload'] = 'bucket unreachable';
    expect(await p.call('/upload', { name: 'x', text: 'y' })).toBeNull();
    expect(p.warnings.at(-1)).toBe('owncast_storage_upload from announcer: bucket unreachable');
    p.env.failures['storage.upload'] = undefined;
  });

  it('sse.send: strings pass through, other data is JSON, channel and event default to ""', async () => {
    p.env.clear();
    await p.call('/sse', { channel: 'overlay', event: 'score', data: '3-1' });
    await p.call('/sse', { data: { n: 1 } });
    expect(p.env.callsOf('sse.send').map((c) => c.args)).toEqual([
      { channel: 'overlay', event: 'score', data: '3-1' },
      { channel: '', event: '', data: '{"n":1}' },
    ]);
  });

  it('emit: an empty payload is null; reserved host event types are dropped with a log line', async () => {
    emitted.length = 0;
    await p.call('/emitNothing', { type: 'other-plugin.ping' });
    await p.call('/emit', { type: 'chat.message.received', payload: { body: 'forged' } });
    await p.call('/emit', { type: 'timer.fire', payload: { id: 1 } });
    await p.call('/emit', { type: 'chat.command', payload: {} });
    await p.call('/emit', { type: 'tick', payload: { now: 0 } });
    await p.call('/emit', { type: 'fediverse.quote', payload: {} });
    expect(emitted).toEqual([{ slug: 'announcer', eventType: 'other-plugin.ping', payloadJson: null }]);
    expect(p.warnings.slice(-5)).toEqual([
      'owncast_emit_event from announcer: "chat.message.received" is a reserved host event type and cannot be emitted by a plugin',
      'owncast_emit_event from announcer: "timer.fire" is a reserved host event type and cannot be emitted by a plugin',
      'owncast_emit_event from announcer: "chat.command" is a reserved host event type and cannot be emitted by a plugin',
      'owncast_emit_event from announcer: "tick" is a reserved host event type and cannot be emitted by a plugin',
      'owncast_emit_event from announcer: "fediverse.quote" is a reserved host event type and cannot be emitted by a plugin',
    ]);
  });
});

describe('late wiring', () => {
  it('an event sink assigned after the host functions were built receives the emits', async () => {
    const p = await startPlugin('announcer');
    try {
      const emitted: string[] = [];
      await p.call('/emit', { type: 'x.before', payload: 1 });
      p.deps.events = { emit: (_slug, type) => void emitted.push(type) };
      await p.call('/emit', { type: 'x.after', payload: 2 });
      expect(emitted).toEqual(['x.after']);
    } finally {
      await p.close();
    }
  });
});

describe('fediverse.post: rate limit and kill switch', () => {
  let p: Running;
  let now = Date.parse('2026-11-29T20:00:00Z');
  let postingEnabled = true;
  beforeAll(async () => {
    p = await startPlugin('announcer', {
      deps: { clock: { now: () => now }, fediverse: { postingEnabled: () => postingEnabled } },
    });
  });
  afterAll(() => p.close());

  it('five posts an hour per plugin: the sixth within the hour is null, and a slot frees an hour after the first', async () => {
    const urls: unknown[] = [];
    for (let i = 1; i <= 5; i++) {
      urls.push(await p.call('/post', { text: `post ${i}` }));
      now += 60_000;
    }
    expect(urls).toEqual([1, 2, 3, 4, 5].map((n) => ({ url: `mock://fediverse/announcer/${n}` })));
    expect(await p.call('/post', { text: 'sixth' })).toBeNull();
    expect(p.env.callsOf('fediverse.post')).toHaveLength(5);
    expect(p.warnings.at(-1)).toBe('owncast_fediverse_post from announcer: rate limit of 5 posts per hour reached; dropped');
    // the first post was at +0; at +60 min it has left the window
    now = Date.parse('2026-11-29T21:00:00Z');
    expect(await p.call('/post', { text: 'an hour later' })).toEqual({ url: 'mock://fediverse/announcer/6' });
    expect(await p.call('/post', { text: 'and one more' })).toBeNull();
  });

  it('the admin kill switch turns posting off without counting against the limit', async () => {
    now += 2 * 60 * 60_000;
    postingEnabled = false;
    expect(await p.call('/post', { text: 'blocked' })).toBeNull();
    expect(p.warnings.at(-1)).toBe(
      'owncast_fediverse_post from announcer: posting to the fediverse is turned off for plugins by the admin; dropped',
    );
    postingEnabled = true;
    expect(await p.call('/post', { text: 'allowed again' })).toMatchObject({ url: expect.any(String) });
  });

  it('a failed post is null, logged, and not counted', async () => {
    now += 2 * 60 * 60_000;
    p.env.failures['fediverse.post'] = 'federation is disabled';
    expect(await p.call('/post', { text: 'x' })).toBeNull();
    expect(p.warnings.at(-1)).toBe('owncast_fediverse_post from announcer: federation is disabled');
    p.env.failures['fediverse.post'] = undefined;
    for (let i = 0; i < 5; i++) expect(await p.call('/post', { text: `ok ${i}` })).not.toBeNull();
  });

  it('the limit survives rebuilding the host functions over the same deps (a reload)', async () => {
    const deps: HostDeps = {
      env: createRecordingEnv(),
      kv: openKvStore(':memory:'),
      log: { warn: () => undefined, plugin: () => undefined },
      clock: { now: () => now },
    };
    const first = await startPlugin('announcer', { sharedDeps: deps });
    try {
      for (let i = 0; i < 5; i++) expect(await first.call('/post', { text: `${i}` })).not.toBeNull();
    } finally {
      await first.close();
    }
    const reloaded = await startPlugin('announcer', { sharedDeps: deps });
    try {
      expect(await reloaded.call('/post', { text: 'after reload' })).toBeNull();
    } finally {
      await reloaded.close();
      deps.kv.close();
    }
  });
});
