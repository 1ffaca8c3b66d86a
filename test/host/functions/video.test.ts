import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createRecordingEnv, sampleWorld } from '../../../src/lib/host/env/index.js';
import { startPlugin, type Running } from './harness.js';

describe('videoConfig through a real plugin', () => {
  let p: Running;
  beforeAll(async () => {
    p = await startPlugin('video-tuner', { env: createRecordingEnv(sampleWorld()) });
  });
  afterAll(() => p.close());

  it('reads the config with every variant field present', async () => {
    expect(await p.call('/read')).toEqual(sampleWorld().videoConfig);
  });

  it('variants are never null on the wire', async () => {
    p.env.world.videoConfig = { latencyLevel: 1, codec: 'libx264', variants: undefined as never };
    expect(await p.call('/read')).toEqual({ latencyLevel: 1, codec: 'libx264', variants: [] });
    p.env.world.videoConfig = sampleWorld().videoConfig;
  });

  it('a partial write changes only what it names, and the plugin reads its change back', async () => {
    p.env.clear();
    expect(await p.call('/faster')).toBe(1);
    expect(p.env.callsOf('videoConfig.write')).toEqual([{ slug: 'video-tuner', fn: 'videoConfig.write', args: { update: { latencyLevel: 1 } } }]);
    expect(p.env.world.videoConfig.variants).toHaveLength(2);
    expect(p.env.world.videoConfig.codec).toBe('libx264');
  });

  it('variants written are completed with zero values for omitted fields', async () => {
    p.env.clear();
    await p.call('/write', { update: { variants: [{ width: 854, height: 480, framerate: 30, videoBitrate: 1200 }] } });
    expect(p.env.world.videoConfig.variants).toEqual([
      { width: 854, height: 480, framerate: 30, videoBitrate: 1200, audioBitrate: 0, isPassthrough: false },
    ]);
  });

  it.each([
    [{ latencyLevel: 9 }, 'latencyLevel must be between 0 and 4 (got 9)'],
    [{ latencyLevel: -1 }, 'latencyLevel must be between 0 and 4 (got -1)'],
    [{ codec: ' ' }, 'codec must not be empty'],
    [{ variants: [] }, 'variants must not be empty: Owncast needs at least one output'],
    [{ variants: [{ width: -1, height: 720, framerate: 30, videoBitrate: 1, audioBitrate: 1, isPassthrough: false }] }, 'variants[0].width must not be negative'],
    [{ variants: [{ width: 1, height: 1, framerate: 30, videoBitrate: 1, audioBitrate: 1, isPassthrough: false, cpuUsageLevel: 7 }] }, 'variants[0].cpuUsageLevel must be between 0 and 4'],
  ])('refuses %j with {ok:false, error} (the SDK throws it) and changes nothing', async (update, error) => {
    p.env.clear();
    const before = structuredClone(p.env.world.videoConfig);
    await expect(p.call('/write', { update })).rejects.toThrow(error);
    expect(p.env.callsOf('videoConfig.write')).toEqual([]);
    expect(p.env.world.videoConfig).toEqual(before);
  });

  it('a payload of the wrong types is invalid JSON to Go: the host answers 0 and logs', async () => {
    p.env.clear();
    await expect(p.call('/write', { update: { latencyLevel: 'low' } })).rejects.toThrow('videoConfig.write failed');
    await expect(p.call('/write', { update: { latencyLevel: 1.5 } })).rejects.toThrow('videoConfig.write failed');
    expect(p.warnings.at(-1)).toBe(
      'owncast_video_config_write from video-tuner: invalid JSON: json: cannot unmarshal number 1.5 into Go struct field VideoConfigUpdate.latencyLevel of type int',
    );
    expect(p.env.callsOf('videoConfig.write')).toEqual([]);
  });

  it("Owncast's own refusal reaches the plugin", async () => {
    p.env.failures['videoConfig.write'] = 'codec h265_magic is not available on this server';
    await expect(p.call('/write', { update: { codec: 'h265_magic' } })).rejects.toThrow('codec h265_magic is not available on this server');
    p.env.failures['videoConfig.write'] = undefined;
  });

  it('an empty update is accepted and changes nothing', async () => {
    const before = structuredClone(p.env.world.videoConfig);
    expect(await p.call('/write', { update: {} })).toBe('written');
    expect(p.env.world.videoConfig).toEqual(before);
  });
});
