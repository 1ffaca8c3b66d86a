// The reference KV contract (plugin-sdk §M kv_test TestStoreContract, TestMemory_ConcurrentAccess)
// as plugins see it through owncast.kv in a PluginHost. Delete has no host function (production
// has none either): it is pinned at the store (test/host/storage/kv.test.ts).
import { afterEach, describe, expect, it } from 'vitest';

import type { PluginHost } from '../../../src/lib/host/host.js';
import { recordingHost, type Recorded } from '../../helpers/host.js';
import { load, said } from './helpers.js';

let host: PluginHost;
let rec: Recorded;
afterEach(() => host?.close());

describe('owncast.kv (kv_test)', () => {
  it('a missing key is null, a set round-trips and overwrites, and the same key in two plugins is two values', async () => {
    ({ host, rec } = recordingHost());
    await load(host, 'probe', { slug: 'kv-one' });
    await load(host, 'probe', { slug: 'kv-two' });
    await host.dispatch('kv-one.kvGet', { key: 'k' });
    await host.dispatch('kv-one.kvSet', { key: 'k', value: 'first' });
    await host.dispatch('kv-one.kvGet', { key: 'k' });
    await host.dispatch('kv-one.kvSet', { key: 'k', value: 'second' });
    await host.dispatch('kv-two.kvSet', { key: 'k', value: 'theirs' });
    await host.dispatch('kv-one.kvGet', { key: 'k' });
    await host.dispatch('kv-two.kvGet', { key: 'k' });
    expect(said(rec, 'kv-one')).toEqual(['k=null', 'k=first', 'k=second']);
    expect(said(rec, 'kv-two')).toEqual(['k=theirs']);
    expect([host.kv.get('kv-one', 'k'), host.kv.get('kv-two', 'k')]).toEqual(['second', 'theirs']);
  });

  it('50 concurrent sets and gets across two plugins all land', async () => {
    ({ host, rec } = recordingHost());
    await load(host, 'probe', { slug: 'kv-one' });
    await load(host, 'probe', { slug: 'kv-two' });
    const slugs = ['kv-one', 'kv-two'];
    const keys = Array.from({ length: 50 }, (_, i) => ({ slug: slugs[i % 2]!, key: `key-${i}` }));
    await Promise.all(keys.map(({ slug, key }) => host.dispatch(`${slug}.kvSet`, { key, value: `${slug}/${key}` })));
    await Promise.all(keys.map(({ slug, key }) => host.dispatch(`${slug}.kvGet`, { key })));
    for (const slug of slugs) {
      const expected = keys.filter((k) => k.slug === slug).map(({ key }) => `${key}=${slug}/${key}`);
      expect(said(rec, slug).sort()).toEqual(expected.sort());
      expect(host.kv.keys(slug)).toHaveLength(25);
    }
  });
});
