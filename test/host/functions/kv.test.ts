import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { compileWasm } from '../../../src/lib/host/engine-module.js';
import { createRecordingEnv } from '../../../src/lib/host/env/index.js';
import { buildHostFunctions } from '../../../src/lib/host/functions/index.js';
import { PluginInstance } from '../../../src/lib/host/instance.js';
import { openKvStore } from '../../../src/lib/host/storage/index.js';
import { parseManifest } from '../../../src/lib/manifest/index.js';
import { buildSource } from '../../helpers/host.js';
import { fixtureDir, startPlugin, type Running } from './harness.js';

describe('storage.kv through a real plugin', () => {
  let p: Running;
  beforeAll(async () => {
    p = await startPlugin('kv-counter');
  });
  afterAll(() => p.close());

  it('set/get round-trip into the plugin namespace of the SQLite store', async () => {
    expect(await p.call('/get', { key: 'greeting' })).toBeNull();
    await p.call('/set', { key: 'greeting', value: 'hi there' });
    expect(await p.call('/get', { key: 'greeting' })).toBe('hi there');
    expect(p.kv.get('kv-counter', 'greeting')).toBe('hi there');
    expect(p.kv.get('other-plugin', 'greeting')).toBeNull();
  });

  it('a counter survives across calls; JSON helpers round-trip', async () => {
    expect(await p.call('/visit')).toBe(1);
    expect(await p.call('/visit')).toBe(2);
    expect(p.kv.get('kv-counter', 'visits')).toBe('2');
    await p.call('/setJSON', { key: 'cfg', value: { a: [1, 2], b: 'x' } });
    expect(await p.call('/getJSON', { key: 'cfg' })).toEqual({ a: [1, 2], b: 'x' });
    expect(await p.call('/getJSON', { key: 'missing', fallback: 7 })).toBe(7);
  });

  it('the empty string is a value, not a miss', async () => {
    await p.call('/set', { key: 'empty', value: '' });
    expect(await p.call('/get', { key: 'empty' })).toBe('');
  });

  it('a value over 256 KiB is dropped with a log line naming the plugin; exactly 256 KiB is kept', async () => {
    await p.call('/set', { key: 'big', value: 'old' });
    await p.call('/setRepeat', { key: 'big', char: 'x', count: 256 * 1024 + 1 });
    expect(p.kv.get('kv-counter', 'big')).toBe('old');
    expect(p.warnings).toContain('owncast_kv_set from kv-counter: value is 262145 bytes, limit is 262144 — dropped');
    await p.call('/setRepeat', { key: 'big', char: 'x', count: 256 * 1024 });
    expect(p.kv.get('kv-counter', 'big')).toHaveLength(256 * 1024);
  });

  it('the caps count bytes: 128 Ki two-byte characters fit, one more does not', async () => {
    await p.call('/setRepeat', { key: 'utf8', char: 'é', count: 128 * 1024 });
    expect(p.kv.get('kv-counter', 'utf8')).toHaveLength(128 * 1024);
    await p.call('/setRepeat', { key: 'utf8', char: 'é', count: 128 * 1024 + 1 });
    expect(p.kv.get('kv-counter', 'utf8')).toHaveLength(128 * 1024);
  });

  it('a key over 1 KiB is dropped with a log line; exactly 1 KiB is kept', async () => {
    await p.call('/setKeyRepeat', { char: 'k', count: 1025, value: 'v' });
    expect(p.kv.keys('kv-counter').some((k) => k.length > 1024)).toBe(false);
    expect(p.warnings).toContain('owncast_kv_set from kv-counter: key is 1025 bytes, limit is 1024 — dropped');
    await p.call('/setKeyRepeat', { char: 'k', count: 1024, value: 'v' });
    expect(p.kv.get('kv-counter', 'k'.repeat(1024))).toBe('v');
  });
});

describe('a self-contained plugin.wasm links and runs against the same host functions', () => {
  it('KV set/get from a plugin.wasm', async () => {
    const source = await buildSource(fixtureDir('kv-counter'), 'wasm');
    const manifest = parseManifest(source.manifestJson).manifest!;
    const kv = openKvStore(':memory:');
    const instance = await PluginInstance.create({
      module: await compileWasm(source.wasm!),
      config: { __slug: manifest.slug, manifest: source.manifestJson },
      hostFunctions: buildHostFunctions(
        {
          slug: manifest.slug,
          name: manifest.name,
          botDisplayName: manifest.name,
          permissions: new Set(manifest.permissions),
          manifest,
          manifestJson: source.manifestJson,
          assets: null,
          publicFiles: null,
          configOverrides: {},
        },
        { env: createRecordingEnv(), kv, log: { warn: () => undefined, plugin: () => undefined } },
      ),
      logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    });
    try {
      const http = async (path: string) =>
        JSON.parse(
          JSON.parse(
            (
              await instance.call(
                'on_http_request',
                JSON.stringify({ method: 'POST', path, query: {}, headers: {}, body: '{}', remoteAddr: '', authenticated: false }),
              )
            ).text(),
          ).body,
        );
      expect(await http('/visit')).toEqual({ result: 1 });
      expect(await http('/visit')).toEqual({ result: 2 });
      expect(kv.get('kv-counter', 'visits')).toBe('2');
    } finally {
      await instance.close();
      kv.close();
    }
  });
});
