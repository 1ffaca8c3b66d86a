// Server-sent events with real clients reading real streams (production sse.go, §G.5): the
// opening comment, the frame format, channels (bare /_sse is the channel ""), the plugin's
// own owncast.sse.send reaching them, sse.connect / sse.disconnect delivered to the plugin
// with the connection id and user, 64 connections per plugin, a slow client losing frames
// without holding anyone back, and the keep-alive comment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SSE_MAX_CONNECTIONS_PER_PLUGIN, devAuthResolver, sseFrame } from '../../../src/lib/devserver/http/index.js';
import { buildPlugin, eventually, openStream, removeTemps, serve, type BuiltPlugin, type Served, type Stream } from './helpers.js';

const streamerSource = `
  import { definePlugin, owncast } from '@owncast/plugin-sdk';
  definePlugin({
    onSseConnect(e) { owncast.chat.send('connect ' + JSON.stringify(e)); },
    onSseDisconnect(e) { owncast.chat.send('disconnect ' + JSON.stringify(e)); },
    onHttpRequest(req) {
      if (req.path !== '/push') return { status: 404 };
      owncast.sse.send(req.query.channel ?? '', req.query.event ?? '', req.body);
      return { body: 'sent' };
    },
  });
`;

let streamer: BuiltPlugin;
let quiet: BuiltPlugin;
let s: Served;
const open: Stream[] = [];

async function connect(path: string, headers: Record<string, string> = {}, port = s.port): Promise<Stream> {
  const stream = await openStream(port, path, headers);
  open.push(stream);
  if (stream.status === 200) await stream.until((t) => t.startsWith(': connected\n\n'));
  return stream;
}

function closeAll(): void {
  for (const stream of open.splice(0)) stream.close();
}

/** What the streamer plugin said in chat about connections: [kind, payload]. */
const connectionEvents = () =>
  s.chat
    .filter((c) => c.slug === 'streamer' && /^(connect|disconnect) /.test(c.text))
    .map((c) => {
      const space = c.text.indexOf(' ');
      return { kind: c.text.slice(0, space), payload: JSON.parse(c.text.slice(space + 1)) as { channel: string; connectionId: number; user?: unknown } };
    });

beforeAll(async () => {
  [streamer, quiet] = await Promise.all([
    buildPlugin({ source: streamerSource, manifest: { name: 'streamer', permissions: ['http.sse', 'http.serve', 'chat.send'] } }),
    buildPlugin({
      source: `import { definePlugin } from '@owncast/plugin-sdk'; definePlugin({});`,
      manifest: { name: 'quiet', permissions: ['http.sse'] },
    }),
  ]);
  s = await serve([streamer, quiet], { auth: devAuthResolver() });
});
afterAll(async () => {
  closeAll();
  await s?.close();
  await removeTemps();
});

describe('a stream', () => {
  it('opens with the event-stream headers and ": connected"', async () => {
    try {
      const stream = await connect('/plugins/streamer/_sse');
      expect(stream.status).toBe(200);
      expect(stream.headers['content-type']).toBe('text/event-stream');
      expect(stream.headers['cache-control']).toBe('no-cache');
      expect(stream.headers.connection).toBe('keep-alive');
      expect(stream.received).toBe(': connected\n\n');
    } finally {
      closeAll();
    }
  });

  it('carries frames in production\'s format: event line when named, one data line per line', async () => {
    try {
      const stream = await connect('/plugins/streamer/_sse');
      expect(s.hub.send('streamer', '', 'greet', 'line one\nline two')).toBe(1);
      s.hub.send('streamer', '', '', 'unnamed');
      s.hub.send('streamer', '', 'empty', '');
      await stream.until((t) => t.includes('event: empty'));
      expect(stream.received).toBe(': connected\n\nevent: greet\ndata: line one\ndata: line two\n\ndata: unnamed\n\nevent: empty\ndata: \n\n');
      expect(sseFrame('a\nb', 'x')).toBe('event: ab\ndata: x\n\n');
    } finally {
      closeAll();
    }
  });

  it('receives only its channel: bare /_sse is the channel "", and a channel may hold slashes', async () => {
    try {
      const bare = await connect('/plugins/streamer/_sse');
      const news = await connect('/plugins/streamer/_sse/news');
      const local = await connect('/plugins/streamer/_sse/news/local');
      expect(s.hub.send('streamer', 'news', 'n', 'to news')).toBe(1);
      expect(s.hub.send('streamer', 'news/local', 'l', 'to local')).toBe(1);
      expect(s.hub.send('streamer', '', 'b', 'to bare')).toBe(1);
      expect(s.hub.send('streamer', 'sports', 's', 'to nobody')).toBe(0);
      expect(s.hub.send('quiet', 'news', 'q', 'another plugin')).toBe(0);
      // the plugin's own owncast.sse.send reaches the stream through HostEnv.sse
      const pushed = await s.request('/plugins/streamer/push?channel=news&event=headline', { method: 'POST', body: 'hello\nworld' });
      expect(pushed.text).toBe('sent');
      await news.until((t) => t.includes('event: headline'));
      await local.until((t) => t.includes('to local'));
      await bare.until((t) => t.includes('to bare'));
      expect(news.frames()).toEqual([
        { event: 'n', data: 'to news' },
        { event: 'headline', data: 'hello\nworld' },
      ]);
      expect(local.frames()).toEqual([{ event: 'l', data: 'to local' }]);
      expect(bare.frames()).toEqual([{ event: 'b', data: 'to bare' }]);
      expect(s.env.callsOf('sse.send')).toEqual([{ slug: 'streamer', fn: 'sse.send', args: { channel: 'news', event: 'headline', data: 'hello\nworld' } }]);
    } finally {
      closeAll();
    }
  });
});

describe('the owning plugin is told', () => {
  it('sse.connect when a stream opens and sse.disconnect when it closes, with the channel, connection id and user', async () => {
    const stream = await connect('/plugins/streamer/_sse/room', { Authorization: 'Bearer user:ada' });
    const inRoom = () => connectionEvents().filter((e) => e.payload.channel === 'room');
    const connected = await eventually(() => inRoom().find((e) => e.kind === 'connect'));
    expect(connected.payload).toEqual({
      channel: 'room',
      connectionId: expect.any(Number),
      user: { id: 'u-ada', displayName: 'ada', isAuthenticated: true },
    });
    const id = connected.payload.connectionId;
    expect(s.hub.clients('streamer').map((c) => c.id)).toContain(id);
    stream.close();
    const disconnected = await eventually(() => inRoom().find((e) => e.kind === 'disconnect'));
    expect(disconnected.payload).toEqual(connected.payload);
    await eventually(() => s.hub.connections('streamer') === 0);
  });

  it('an anonymous stream has no user, and every connection its own id', async () => {
    try {
      await connect('/plugins/streamer/_sse/anon');
      await connect('/plugins/streamer/_sse/anon');
      const events = await eventually(() => {
        const e = connectionEvents().filter((x) => x.kind === 'connect' && x.payload.channel === 'anon');
        return e.length >= 2 ? e : null;
      });
      expect(events.map((e) => e.payload.user)).toEqual([undefined, undefined]);
      expect(new Set(events.map((e) => e.payload.connectionId)).size).toBe(2);
    } finally {
      closeAll();
    }
    await eventually(() => s.hub.connections('streamer') === 0);
  });

  it('hub.close(slug) ends the plugin\'s streams (unload, shutdown), with their disconnects', async () => {
    const stream = await connect('/plugins/streamer/_sse/bye');
    const before = connectionEvents().filter((e) => e.kind === 'disconnect').length;
    s.hub.close('streamer');
    await stream.ended;
    await eventually(() => connectionEvents().filter((e) => e.kind === 'disconnect').length > before);
    await eventually(() => s.hub.connections('streamer') === 0);
    open.splice(0);
  });
});

describe('limits', () => {
  it(`takes ${SSE_MAX_CONNECTIONS_PER_PLUGIN} connections per plugin across its channels; the next is a 503 until one closes`, async () => {
    try {
      const streams = await Promise.all(
        Array.from({ length: SSE_MAX_CONNECTIONS_PER_PLUGIN }, (_, i) => connect(`/plugins/streamer/_sse/ch${i % 4}`)),
      );
      expect(streams.every((x) => x.status === 200)).toBe(true);
      expect(s.hub.connections('streamer')).toBe(64);
      const refused = await s.request('/plugins/streamer/_sse/other');
      expect(refused.status).toBe(503);
      expect(refused.text).toBe('too many event-stream connections for this plugin\n');
      // another plugin's streams are counted apart
      expect((await connect('/plugins/quiet/_sse')).status).toBe(200);
      streams[0]!.close();
      await eventually(() => s.hub.connections('streamer') === 63);
      expect((await connect('/plugins/streamer/_sse/again')).status).toBe(200);
    } finally {
      closeAll();
    }
    await eventually(() => s.hub.connections() === 0, 20_000);
  });

  it('a client that stops reading loses frames past its 16-frame buffer; the others get every frame, and it gets the later ones', async () => {
    try {
      const fast = await connect('/plugins/streamer/_sse/flood');
      const slow = await connect('/plugins/streamer/_sse/flood');
      const [fastClient, slowClient] = s.hub.clients('streamer');
      slow.pause();
      // frames reach the fast client as fast as it reads; wait for it every 16 frames so it
      // never falls behind itself (counted as they arrive: its ": connected" came before)
      let fastFrames = 0;
      let lastChar = '';
      let waiting: { target: number; resolve: () => void } | null = null;
      fast.res.on('data', (chunk: string) => {
        fastFrames += chunk.split('\n\n').length - 1 + (lastChar === '\n' && chunk.startsWith('\n') ? 1 : 0);
        lastChar = chunk.at(-1) ?? '';
        if (waiting && fastFrames >= waiting.target) waiting.resolve();
      });
      const fastHas = (target: number) =>
        fastFrames >= target ? Promise.resolve() : new Promise<void>((resolve) => (waiting = { target, resolve }));
      const payload = 'x'.repeat(32 * 1024);
      let sent = 0;
      let afterDrop = 0;
      while (sent < 5_000 && afterDrop < 40) {
        s.hub.send('streamer', 'flood', 'n', `${sent} ${payload}`);
        sent++;
        if (slowClient!.dropped > 0) afterDrop++;
        if (sent % 16 === 0) await fastHas(sent);
      }
      expect(slowClient!.dropped).toBeGreaterThan(0);
      expect(slowClient!.pending).toBe(16);
      expect(fastClient!.dropped).toBe(0);
      await fastHas(sent);
      expect(fastFrames).toBe(sent);

      // once it reads again its 16 waiting frames go out, and it takes new ones
      slow.resume();
      await eventually(() => slowClient!.pending === 0, 30_000);
      expect(s.hub.send('streamer', 'flood', 'final', 'done')).toBe(2);
      await slow.until((t) => t.includes('event: final'), 30_000);
      const slowGot = slow.frames().filter((f) => f.event === 'n').length;
      expect(slowGot).toBe(sent - slowClient!.dropped);
      expect(slowGot).toBeLessThan(sent);
    } finally {
      closeAll();
    }
  });

  it('an idle stream gets a keep-alive comment every interval (15 s in production; injectable)', async () => {
    const quick = await serve([streamer], { sse: { keepAliveMs: 50 } });
    try {
      const stream = await connect('/plugins/streamer/_sse', {}, quick.port);
      await stream.until((t) => t.split(': keep-alive\n\n').length >= 3);
      expect(stream.received.startsWith(': connected\n\n: keep-alive\n\n')).toBe(true);
    } finally {
      closeAll();
      await quick.close();
    }
  });
});
