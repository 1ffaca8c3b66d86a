// plugin-sdk §M package_test "with a real wasm", through a plugin: a self-contained plugin.wasm
// loaded from an .ocpkg reads its assets/ (nested files, binary content intact) and nothing
// when the package has none. The reader's errors are pinned in test/package/read.test.ts.
import { afterEach, describe, expect, it } from 'vitest';

import type { PluginHost } from '../../../src/lib/host/host.js';
import { loadPackageSource, pluginHostLoader, type LoadedSource } from '../../../src/lib/host/manager/index.js';
import { recordingHost, type Recorded } from '../../helpers/host.js';
import { writeZip, type ZipEntryInput } from '../../package/zip-writer.js';
import { fixtureSource, said } from './helpers.js';

const BINARY = new Uint8Array([0, 1, 2, 127, 128, 200, 254, 255, 0]);

let host: PluginHost;
let rec: Recorded;
const sources: LoadedSource[] = [];
afterEach(async () => {
  await host?.close();
  for (const s of sources.splice(0)) s.close();
});

/** Loads an .ocpkg holding the probe's plugin.wasm and `extra` entries. */
async function loadPackage(extra: ZipEntryInput[]): Promise<void> {
  const built = await fixtureSource('probe', { target: 'wasm' });
  const bytes = writeZip([{ name: 'plugin.manifest.json', data: built.manifestJson }, { name: 'plugin.wasm', data: built.wasm! }, ...extra]);
  const source = await loadPackageSource(bytes, { label: 'probe.ocpkg' });
  sources.push(source);
  expect(source.code).toBe('wasm');
  await pluginHostLoader(host)(source);
}

describe('a plugin.wasm from an .ocpkg (package_test)', () => {
  it('reads nested assets with binary content intact', async () => {
    ({ host, rec } = recordingHost());
    await loadPackage([
      { name: 'assets/top.txt', data: 'AB' },
      { name: 'assets/nested/deep/data.bin', data: BINARY },
    ]);
    await host.dispatch('probe.asset', { path: 'top.txt' });
    await host.dispatch('probe.asset', { path: 'nested/deep/data.bin' });
    await host.dispatch('probe.asset', { path: 'nested/missing.bin' });
    expect(said(rec, 'probe')).toEqual(['65,66', Array.from(BINARY).join(','), 'null']);
  });

  it('without assets/ there is nothing to read', async () => {
    ({ host, rec } = recordingHost());
    await loadPackage([{ name: 'public/top.txt', data: 'served, not an asset' }]);
    await host.dispatch('probe.asset', { path: 'top.txt' });
    expect(said(rec, 'probe')).toEqual(['null']);
  });
});
