// Engine behaviours that need no example project: inline scripts on the real engine.
import { afterEach, describe, expect, it } from 'vitest';

import { buildPluginWasm } from '../../src/lib/engine/plugin-wasm.js';
import { UserError } from '../../src/lib/errors.js';
import { loadEngineModule } from '../../src/lib/host/engine-module.js';
import { createHostFunctions, type HostImplementation } from '../../src/lib/host/host-functions.js';
import { PluginInstance } from '../../src/lib/host/instance.js';

const MANIFEST = JSON.stringify({ api: '1', name: 'T', slug: 't', version: '1', permissions: ['chat.send', 'storage.kv'] });
const open: PluginInstance[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((i) => i.close()));
});

async function instance(script: string, implementations: Record<string, HostImplementation> = {}, extra: { fastIo?: boolean } = {}) {
  const warnings: string[] = [];
  const inst = await PluginInstance.create({
    module: await loadEngineModule(),
    config: { __slug: 't', script, manifest: MANIFEST },
    hostFunctions: createHostFunctions({
      caller: { slug: 't', permissions: new Set(['chat.send', 'storage.kv']) },
      implementations,
      onError: (fn, err) => warnings.push(`${fn.name}: ${(err as Error).message}`),
    }),
    logger: { debug() {}, info() {}, warn: (m) => void warnings.push(m), error() {} },
    ...extra,
  });
  open.push(inst);
  return { inst, warnings };
}

const handlerScript = (body: string) => `
  const { definePlugin, owncast } = require("@owncast/plugin-sdk");
  definePlugin({ on: { probe(p) { ${body} } }, onHttpRequest(req) { return { status: 200, body: req.body }; } });`;
const probe = (inst: PluginInstance, payload: unknown = {}) =>
  inst.call('on_event', JSON.stringify({ eventType: 'probe', payload }));

describe('the engine', () => {
  it('reseeds Math.random per instance (a Wizer snapshot would otherwise freeze it)', async () => {
    const script = handlerScript('owncast.chat.send(String(Math.random()));');
    const seen: string[] = [];
    const impl = { owncast_send_chat: (c: { text(i: number): string }) => void seen.push(c.text(0)) };
    const a = await instance(script, impl);
    const b = await instance(script, impl);
    await probe(a.inst);
    await probe(b.inst);
    expect(seen).toHaveLength(2);
    expect(seen[0]).not.toBe(seen[1]);
  });

  it('reads the real clock at call time', async () => {
    const seen: number[] = [];
    const { inst } = await instance(handlerScript('owncast.chat.send(String(Date.now()));'), {
      owncast_send_chat: (c) => void seen.push(Number(c.text(0))),
    });
    const before = Date.now();
    await probe(inst);
    expect(seen[0]).toBeGreaterThanOrEqual(before - 5);
    expect(seen[0]).toBeLessThanOrEqual(Date.now() + 5);
  });

  it('an async handler that awaits a promise chain completes before the call returns', async () => {
    const seen: string[] = [];
    const { inst } = await instance(
      handlerScript(`return (async () => {
        const a = await Promise.resolve(1);
        const b = await new Promise((r) => r(a + 1));
        await null;
        owncast.chat.send("async " + (a + b));
      })();`),
      { owncast_send_chat: (c) => void seen.push(c.text(0)) },
    );
    await probe(inst);
    expect(seen).toEqual(['async 3']);
  });

  it('a rejected promise from a handler is a plugin error', async () => {
    const { inst } = await instance(handlerScript('return Promise.reject(new TypeError("nope"));'));
    await expect(probe(inst)).rejects.toMatchObject({ kind: 'error', message: 'TypeError: nope' });
  });

  it('a host function that throws on the host side does not break the plugin', async () => {
    let calls = 0;
    const { inst, warnings } = await instance(handlerScript('owncast.kv.set("k", "v"); owncast.chat.send("after");'), {
      owncast_kv_set: () => {
        throw new Error('database is locked');
      },
      owncast_send_chat: () => void calls++,
    });
    await probe(inst);
    await probe(inst);
    expect(calls).toBe(2);
    expect(warnings.join('\n')).toContain('owncast_kv_set: database is locked');
    expect(inst.recreations).toBe(0);
  });

  it.each([
    ['JSON.parse of 100 000 nested arrays', `JSON.parse("[".repeat(100000));`],
    ['JSON.stringify of 100 000 nested objects', `let o = {}; for (let i = 0; i < 100000; i++) o = { o }; JSON.stringify(o);`],
    ['eval of 100 000 nested parentheses', `eval("(".repeat(100000) + "1" + ")".repeat(100000));`],
    ['100 000-deep recursion', `const f = (n) => (n ? 1 + f(n - 1) : 0); f(100000);`],
  ])('%s is a catchable JS error, even as the first call, and the instance lives on', async (_name, code) => {
    const seen: string[] = [];
    const { inst } = await instance(handlerScript(`
      globalThis.calls = (globalThis.calls || 0) + 1;
      if (p.code) { ${code} }
      owncast.chat.send("calls " + globalThis.calls);`), { owncast_send_chat: (c) => void seen.push(c.text(0)) });
    await expect(probe(inst, { code: true })).rejects.toMatchObject({ kind: 'error', message: expect.stringMatching(/stack overflow/) });
    await probe(inst, { code: false });
    expect(seen).toEqual(['calls 2']);
    expect(inst.recreations).toBe(0);
  });

  it('require() resolves only @owncast/plugin-sdk', async () => {
    const { inst } = await instance('const fs = require("fs");');
    await expect(inst.call('register')).rejects.toMatchObject({
      kind: 'load',
      message: 'Error: plugin required unknown module: fs',
    });
  });

  it("top-level code that throws fails the load, and every later call repeats that error", async () => {
    const { inst } = await instance('throw new Error("bad top level");');
    await expect(inst.call('register')).rejects.toMatchObject({ kind: 'load', message: 'Error: bad top level' });
    await expect(probe(inst)).rejects.toMatchObject({ kind: 'load' });
  });

  it.each([true, false])('passes 1 MiB in and out intact (fast I/O %s)', async (fastIo) => {
    const { inst } = await instance(handlerScript(''), {}, { fastIo });
    const body = 'é'.repeat(512 * 1024); // 1 MiB of UTF-8
    const out = await inst.call('on_http_request', JSON.stringify({ method: 'POST', path: '/', body }));
    expect(JSON.parse(out.text()).body).toBe(body);
    // the instance reports its linear memory either way (it drives recycling)
    expect(inst.memoryBytes).toBeGreaterThan(1024 * 1024);
  });

  it("gives plugins the Extism JS PDK's globals", async () => {
    const seen: string[] = [];
    const { inst } = await instance(
      handlerScript(`
        const enc = new TextEncoder().encode("héllo");
        const dec = new TextDecoder().decode(enc);
        const mem = Memory.fromString("in memory");
        Var.set("counter", "41");
        const fns = Host.getFunctions();
        fns.owncast_send_chat(Memory.fromString("raw host call").offset);
        owncast.chat.send([enc.length, dec, mem.readString(), Config.get("__slug"), Var.getString("counter"),
          typeof Http.request, Host.inputString().includes("probe")].join("|"));
        console.log("from console");
      `),
      { owncast_send_chat: (c) => void seen.push(c.text(0)) },
    );
    await probe(inst);
    expect(seen).toEqual(['raw host call', '6|héllo|in memory|t|41|function|true']);
  });

  it('a plugin whose top level never finishes fails the wasm build at the 10 s build budget', async () => {
    const started = Date.now();
    const err = await buildPluginWasm({
      script: 'for (;;) {}',
      manifestJson: MANIFEST,
      importsMode: 'all',
      permissions: [],
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toContain('10 s build budget');
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 40_000);
});

describe('waiting for a busy plugin', () => {
  it('counts against the budget: a call queued behind a long one past its budget fails without running', async () => {
    const seen: string[] = [];
    const { inst } = await instance(
      handlerScript('if (p.slow) { const t = Date.now(); while (Date.now() - t < 300) {} } owncast.chat.send("ran " + p.n);'),
      { owncast_send_chat: (c) => void seen.push(c.text(0)) },
    );
    const slow = probe(inst, { slow: true, n: 1 });
    // queued behind a 300 ms notification, with a 50 ms budget of its own
    const queued = inst.call('on_event', JSON.stringify({ eventType: 'probe', payload: { n: 2 } }), undefined, { budgetMs: 50 });
    await slow;
    await expect(queued).rejects.toMatchObject({ kind: 'deadline', message: expect.stringMatching(/waited \d+ ms for the plugin/) });
    expect(seen).toEqual(['ran 1']);
    await probe(inst, { n: 3 });
    expect(seen).toEqual(['ran 1', 'ran 3']);
  });
});
