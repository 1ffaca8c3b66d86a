// Host calls at volume. @extism/extism 1.0.3 numbers memory blocks in the top 16 bits of an
// i64 and never reuses a number within a call, so through Extism's blocks a plugin gets wrong
// bytes after ~16 000 host calls in one call. Our engine passes host-call arguments and
// results through its linear memory when our host asks it to (ocp_io "OCP2"); on the
// standard path it stops with a clear error before the numbers wrap.
import { afterEach, describe, expect, it } from 'vitest';

import { loadEngineModule } from '../../src/lib/host/engine-module.js';
import { createHostFunctions, type HostImplementation } from '../../src/lib/host/host-functions.js';
import { PluginInstance } from '../../src/lib/host/instance.js';

const MANIFEST = JSON.stringify({ api: '1', name: 'T', slug: 't', version: '1', permissions: ['storage.kv'] });
const open: PluginInstance[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((i) => i.close()));
});

async function instance(body: string, opts: { fastIo?: boolean; config?: Record<string, string> } = {}) {
  const kv = new Map<string, string>();
  const logs: string[] = [];
  const implementations: Record<string, HostImplementation> = {
    owncast_kv_set: (c) => void kv.set(c.text(0), c.text(1)),
    owncast_kv_get: (c) => kv.get(c.text(0)) ?? null,
  };
  const script = `
    const { definePlugin, owncast } = require("@owncast/plugin-sdk");
    definePlugin({ onHttpRequest(req) { ${body} } });`;
  const inst = await PluginInstance.create({
    module: await loadEngineModule(),
    config: { __slug: 't', script, manifest: MANIFEST, ...opts.config },
    hostFunctions: createHostFunctions({ caller: { slug: 't', permissions: new Set(['storage.kv']) }, implementations }),
    logger: { debug() {}, info: (m) => void logs.push(m), warn() {}, error() {} },
    ...(opts.fastIo === undefined ? {} : { fastIo: opts.fastIo }),
  });
  open.push(inst);
  const http = async () => JSON.parse((await inst.call('on_http_request', JSON.stringify({ method: 'GET', path: '/' }))).text());
  return { inst, kv, logs, http };
}

describe('host calls at volume', () => {
  it('40 000 host calls in one call all carry the right bytes', async () => {
    const { http } = await instance(`
      let bad = 0;
      for (let i = 0; i < 20000; i++) {
        owncast.kv.set("k" + (i % 7), "v" + i);
        if (owncast.kv.get("k" + (i % 7)) !== "v" + i) bad++;
      }
      return { status: 200, body: JSON.stringify({ bad, missing: owncast.kv.get("nope"), last: owncast.kv.get("k0") }) };`);
    const res = await http();
    expect(JSON.parse(res.body)).toEqual({ bad: 0, missing: null, last: 'v19999' });
  });

  it('results larger than the result buffer come back whole, again and again', async () => {
    const { http, kv } = await instance(`
      const sizes = [0, 1, 16383, 16384, 16385, 100000, 1 << 20, 300000];
      const out = [];
      for (let round = 0; round < 3; round++)
        for (const n of sizes) {
          const v = owncast.kv.get("big" + n);
          out.push(v === null ? -1 : v.length === n && v === "x".repeat(n) ? n : -2);
        }
      return { status: 200, body: JSON.stringify(out) };`);
    for (const n of [0, 1, 16383, 16384, 16385, 100000, 1 << 20, 300000]) kv.set(`big${n}`, 'x'.repeat(n));
    const res = await http();
    const sizes = [0, 1, 16383, 16384, 16385, 100000, 1 << 20, 300000];
    expect(JSON.parse(res.body)).toEqual([...sizes, ...sizes, ...sizes]);
  });

  it('console output and Config.get at volume, with non-ASCII text intact', async () => {
    const { http, logs } = await instance(
      `let ok = 0;
      for (let i = 0; i < 20000; i++) {
        console.log("line " + i + " ☃");
        if (Config.get("greeting") === "héllo ☃" && Config.get("absent") === null) ok++;
      }
      return { status: 200, body: String(ok) };`,
      { config: { greeting: 'héllo ☃' } },
    );
    const res = await http();
    expect(res.body).toBe('20000');
    expect(logs).toHaveLength(20000);
    expect(logs[0]).toBe('line 0 ☃');
    expect(logs[19999]).toBe('line 19999 ☃');
  });

  it('on the standard Extism path, a call stops with a clear error before block numbers wrap, and the next call works', async () => {
    const { inst, http } = await instance(
      `const n = Number(req.query && req.query.n || 0);
      for (let i = 0; i < n; i++) owncast.kv.set("k", "v" + i);
      return { status: 200, body: String(owncast.kv.get("k")) };`,
      { fastIo: false },
    );
    await expect(
      inst.call('on_http_request', JSON.stringify({ method: 'GET', path: '/', query: { n: '40000' } })),
    ).rejects.toMatchObject({ kind: 'error', message: expect.stringMatching(/too many host calls in one call/) });
    // the writes before the stop went through intact: about 32 500 blocks, two per kv.set
    const res = await http();
    const last = Number(/^v(\d+)$/.exec(res.body)?.[1]);
    expect(last).toBeGreaterThan(15_000);
    expect(last).toBeLessThan(16_384);
  });
});
