import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createRecordingEnv, sampleWorld } from '../../../src/lib/host/env/index.js';
import { startPlugin, type Running } from './harness.js';

describe('server.read through a real plugin', () => {
  let p: Running;
  beforeAll(async () => {
    p = await startPlugin('stream-info', { env: createRecordingEnv() });
  });
  afterAll(() => p.close());

  it("answers production's zero values when Owncast has nothing (offline, empty lists)", async () => {
    expect(await p.call('/stream')).toEqual({ online: false, viewers: 0 });
    expect(await p.call('/broadcaster')).toEqual({});
    expect(await p.call('/server')).toEqual({});
    expect(await p.call('/socials')).toEqual([]);
    expect(await p.call('/emotes')).toEqual([]);
    expect(await p.call('/federation')).toEqual({ enabled: false });
    expect(await p.call('/tags')).toEqual([]);
  });

  it('answers what Owncast says, in the production wire shape and key order', async () => {
    p.env.world = sampleWorld();
    expect(await p.call('/stream')).toEqual({
      online: true,
      title: 'Friday night speedruns',
      summary: 'Any% attempts until something breaks',
      viewers: 42,
      startedAt: '2026-11-29T18:25:00.000Z',
      latencyLevel: 2,
    });
    expect(await p.call('/streamKeys')).toEqual(['online', 'title', 'summary', 'viewers', 'startedAt', 'latencyLevel']);
    expect(await p.call('/broadcaster')).toEqual(sampleWorld().broadcaster);
    expect(await p.call('/server')).toEqual(sampleWorld().server);
    expect(await p.call('/socials')).toEqual(sampleWorld().socials);
    expect(await p.call('/emotes')).toEqual(sampleWorld().emotes);
    expect(await p.call('/federation')).toEqual({ enabled: true, username: 'streamer' });
    expect(await p.call('/tags')).toEqual(['speedrun', 'retro', 'chill']);
  });

  it('drops fields that are not on the wire and omits empty optional ones', async () => {
    p.env.world.stream = { online: true, viewers: 3, title: '', extra: 'not on the wire' } as never;
    expect(await p.call('/stream')).toEqual({ online: true, viewers: 3 });
  });

  it('every read is recorded with the calling slug', async () => {
    p.env.clear();
    await p.call('/tags');
    expect(p.env.calls).toEqual([{ slug: 'stream-info', fn: 'server.tags', args: {} }]);
  });
});
