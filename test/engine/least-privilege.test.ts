// build --target wasm --imports granted: the module imports only what its manifest grants.
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { hostFunctionSpecs } from '../../src/lib/engine/host-functions.js';
import { readWasmSummary } from '../../src/lib/engine/wasm-sections.js';
import { compileWasm } from '../../src/lib/host/engine-module.js';
import { createHostFunctions } from '../../src/lib/host/host-functions.js';
import { PluginInstance } from '../../src/lib/host/instance.js';
import { buildSource, chatMessage } from '../helpers/host.js';

const echoBot = fileURLToPath(new URL('../../examples/echo-bot', import.meta.url));

describe('plugin.wasm with --imports granted', () => {
  it('imports only granted and ambient host functions, and runs on a host that provides only those', async () => {
    const source = await buildSource(echoBot, 'wasm', 'granted');
    const imported = readWasmSummary(source.wasm!)
      .imports.filter((i) => i.module === 'extism:host/user')
      .map((i) => i.name)
      .sort();
    const expected = hostFunctionSpecs()
      .filter((f) => f.permission === '' || f.permission === 'chat.send')
      .map((f) => f.name)
      .sort();
    expect(imported).toEqual(expected);
    expect(imported).toContain('owncast_send_chat');
    expect(imported).not.toContain('owncast_kv_get');

    // A host with only the granted functions (like the reference SDK's host) can link it.
    const sent: string[] = [];
    const all = createHostFunctions({
      caller: { slug: 'echo-bot', permissions: new Set(['chat.send']) },
      implementations: { owncast_send_chat: (c) => void sent.push(c.text(0)) },
    });
    const onlyGranted = Object.fromEntries(Object.entries(all).filter(([name]) => imported.includes(name)));
    const instance = await PluginInstance.create({
      module: await compileWasm(source.wasm!),
      config: { __slug: 'echo-bot' },
      hostFunctions: onlyGranted,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    try {
      const reg = JSON.parse((await instance.call('register')).text());
      expect(reg.slug).toBe('echo-bot');
      await instance.call('on_event', JSON.stringify({ eventType: 'chat.message.received', payload: chatMessage('!echo hi') }));
      expect(sent).toEqual(['Viewer said: hi']);
    } finally {
      await instance.close();
    }
  });

  it('a stubbed function does nothing, returns 0 and says which permission is missing', async () => {
    const warnings: string[] = [];
    const { buildPluginWasm } = await import('../../src/lib/engine/plugin-wasm.js');
    const script = `const { definePlugin, owncast } = require("@owncast/plugin-sdk");
      definePlugin({ onChatMessage() { owncast.chat.send(String(owncast.kv.get("k"))); } });`;
    const manifestJson = JSON.stringify({ api: '1', name: 'Strict', slug: 'strict', version: '1', permissions: ['chat.send'] });
    const { wasm } = await buildPluginWasm({ script, manifestJson, importsMode: 'granted', permissions: ['chat.send'] });
    const sent: string[] = [];
    const instance = await PluginInstance.create({
      module: await compileWasm(wasm),
      config: { __slug: 'strict' },
      hostFunctions: createHostFunctions({
        caller: { slug: 'strict', permissions: new Set(['chat.send']) },
        implementations: { owncast_send_chat: (c) => void sent.push(c.text(0)) },
      }),
      logger: { debug() {}, info() {}, warn: (m) => void warnings.push(m), error() {} },
    });
    try {
      await instance.call('on_event', JSON.stringify({ eventType: 'chat.message.received', payload: chatMessage('x') }));
      expect(sent).toEqual(['null']);
      expect(warnings.join('\n')).toMatch(/owncast_kv_get: plugin lacks permission "storage.kv"/);
    } finally {
      await instance.close();
    }
  });
});
