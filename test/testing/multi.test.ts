// Multi-plugin scenarios (issue 5 item 3): a relay/announcer pair tested end to end. With
// several plugins, emits really reach the others; with one, they are recorded only (as in
// the reference). given.plugins seeds another plugin's storage and config; expect.plugins
// narrows a key to one plugin.

import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { chat, failureLines, removeTemps, runScenarios, tempDir, writeProject } from './helpers.js';

let root: string;
let relay: string;

beforeAll(async () => {
  root = await tempDir('ocp-multi-');
  relay = await writeProject(join(root, 'relay'), {
    manifest: { name: 'Relay', slug: 'relay', permissions: ['events.emit', 'chat.send'] },
    source: `import {definePlugin, owncast} from '@owncast/plugin-sdk'
definePlugin({
  onChatMessage(msg) {
    if (msg.body.startsWith('/announce ')) owncast.events.emit('announcer.broadcast', {text: msg.body.slice(10), by: msg.user?.displayName})
  },
  on: { relayed(p: {text: string}) { owncast.chat.send('relayed: ' + p.text) } },
})
`,
  });
  await writeProject(join(root, 'announcer'), {
    manifest: { name: 'Announcer', slug: 'announcer', permissions: ['chat.send', 'storage.kv', 'events.emit'], config: { icon: { type: 'string', default: '📣' } } },
    source: `import {definePlugin, owncast} from '@owncast/plugin-sdk'
definePlugin({
  on: {
    broadcast(p: {text: string; by?: string}) {
      const count = Number(owncast.kv.get('count') ?? '0') + 1
      owncast.kv.set('count', String(count))
      owncast.chat.system(owncast.config.get('icon') + ' ' + p.text + ' (#' + count + ')')
      owncast.events.emit('relay.relayed', {text: p.text})
    },
  },
})
`,
  });
});
afterAll(removeTemps);

const announce = { event: 'chat.message.received', payload: chat('/announce doors open') };

describe('several plugins in one scenario', () => {
  it('an emit reaches the other plugin, whose own emit comes back; expect sees every plugin, expect.plugins one', async () => {
    const run = await runScenarios(relay, [
      {
        name: 'relay → announcer → relay',
        plugins: ['../announcer'],
        events: [announce],
        expect: {
          emits: [{ eventType: 'announcer.broadcast', payload: { text: 'doors open', by: 'alice' } }, { eventType: 'relay.relayed' }],
          chatSystems: ['📣 doors open (#1)'],
          chatSends: ['relayed: doors open'],
          plugins: {
            relay: { chatSystems: [], chatSends: ['relayed: doors open'], emits: [{ eventType: 'announcer.broadcast' }] },
            announcer: { chatSystems: ['/doors open/'], kv: { count: '1' } },
          },
        },
      },
    ]);
    expect(failureLines(run)).toEqual([]);
    expect(run.scenarios[0]!.plugins.map((p) => p.slug)).toEqual(['relay', 'announcer']);
    expect(run.scenarios[0]!.plugins.every((p) => p.peakMemoryBytes > 0)).toBe(true);
  });

  it('given.plugins seeds another plugin’s storage and config', async () => {
    const run = await runScenarios(relay, [
      {
        name: 'seeded',
        plugins: ['../announcer'],
        given: { plugins: { announcer: { kv: { count: '41' }, config: { icon: '🔔' } } } },
        events: [announce],
        expect: { chatSystems: ['🔔 doors open (#42)'], plugins: { announcer: { kv: { count: '42' } } } },
      },
      { name: 'unknown slug', plugins: ['../announcer'], given: { plugins: { nobody: { kv: { a: '1' } } } } },
    ]);
    expect(failureLines(run, 0)).toEqual([]);
    expect(failureLines(run, 1)).toEqual(['load: load plugin: given.plugins: no plugin "nobody" in this scenario (it has relay, announcer)']);
  });

  it('an unqualified custom name in an event step still addresses the plugin under test', async () => {
    const run = await runScenarios(relay, [
      { name: 'own hook', plugins: ['../announcer'], events: [{ event: 'relayed', payload: { text: 'x' } }], expect: { chatSends: ['relayed: x'], chatSystems: [] } },
      { name: 'other plugin, qualified', plugins: ['../announcer'], events: [{ event: 'announcer.broadcast', payload: { text: 'y' } }], expect: { chatSystems: ['📣 y (#1)'] } },
    ]);
    expect(failureLines(run, 0)).toEqual([]);
    expect(failureLines(run, 1)).toEqual([]);
  });
});

describe('one plugin', () => {
  it('emits are recorded, not delivered', async () => {
    const run = await runScenarios(relay, [
      { name: 'alone', events: [announce], expect: { emits: [{ eventType: 'announcer.broadcast', payload: { text: 'doors open' } }], chatSystems: [], chatSends: [] } },
    ]);
    expect(failureLines(run)).toEqual([]);
  });
});
