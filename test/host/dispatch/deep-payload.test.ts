// Payloads nested as deep as JSON allows (Go's 10 000 levels: scenario files load them). The
// dispatcher hands a payload to the plugins as JSON text; JSON.stringify recursed and threw a
// RangeError out of dispatch() past a few thousand levels, a crash of the tool. Now the text is
// written without recursion, so the payload reaches the plugins, whose own JSON parser (QuickJS,
// as in production) stops at a few thousand levels: a PluginError naming the plugin and export,
// fail-open, one strike, the next event as usual.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterAll, afterEach, describe, expect, it } from 'vitest';

import { PluginError } from '../../../src/lib/errors.js';
import { runTests } from '../../../src/lib/testing/index.js';
import { quietContext, removeTemps, tempDir, writeProject } from '../../testing/helpers.js';
import { chat, harness, type Harness } from './helpers.js';

const DEPTH = 9_000;

/** `x` inside DEPTH arrays, built without recursion. */
function deepValue(depth = DEPTH): unknown {
  let v: unknown = 'x';
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

let h: Harness;
afterEach(() => h?.close());
afterAll(removeTemps);

describe('a 9 000-deep payload', () => {
  it('reaches the plugins through dispatch(); their parser’s failure is a PluginError, and the next event goes on', async () => {
    expect(() => JSON.stringify(deepValue())).toThrow(RangeError); // what dispatch() used to call
    h = harness();
    await h.load('filterer', { slug: 'f', kv: { priority: '1', tag: 'f', mode: 'append' } });
    await h.load('listener');
    const r = await h.dispatcher.dispatch('chat.message.received', chat('deep', { extra: deepValue() }));
    expect(r.filters.map((f) => `${f.slug}:${f.action}`)).toEqual(['f:error']);
    const failure = r.filters[0]!.action === 'error' ? r.filters[0]!.error : null;
    expect(failure).toBeInstanceOf(PluginError);
    expect(failure).toMatchObject({ slug: 'f', exportName: 'on_filter' });
    expect((failure as Error).message).toMatch(/stack overflow/);
    expect(r.notified).toMatchObject([{ slug: 'listener', ok: false }]);
    expect(r.notified[0]!.error).toBeInstanceOf(PluginError);
    expect(h.said('listener')).toEqual([]);

    const next = await h.dispatcher.dispatch('chat.message.received', chat('shallow'));
    expect(next).toMatchObject({ modified: true, payload: { body: 'shallow+f' } });
    expect(h.said('listener')).toEqual(['shallow+f']);
    expect(h.dispatcher.strikes('f')).toBe(0); // a success clears the strike
  });

  it('in a scenario file: the run ends with a result, the deep event failing in the plugin and the next one answered', async () => {
    const dir = await writeProject(await tempDir('ocp-deep-'), {
      manifest: { name: 'Deep', slug: 'deep', permissions: ['chat.send'] },
      source: `import { definePlugin, owncast } from '@owncast/plugin-sdk';
definePlugin({ onChatMessage(m) { owncast.chat.send('got ' + m.body); } });`,
    });
    // written by hand: JSON.stringify of the scenario would overflow like the dispatcher did
    const deep = `${'['.repeat(DEPTH)}"x"${']'.repeat(DEPTH)}`;
    const message = (id: string, body: string, extra = '') => `{"id":"${id}","body":"${body}","user":{"id":"u-a","displayName":"a"}${extra}}`;
    const file = join(dir, '__tests__', 'deep.test.json');
    await mkdir(join(dir, '__tests__'), { recursive: true });
    await writeFile(
      file,
      `{"scenarios":[{"name":"deep then shallow","events":[` +
        `{"event":"chat.message.received","payload":${message('m1', 'deep', `,"extra":${deep}`)}},` +
        `{"event":"chat.message.received","payload":${message('m2', 'shallow')}}` +
        `],"expect":{"chatSends":["got shallow"]}}]}`,
    );
    const run = await runTests(quietContext(dir), { paths: [file] });
    expect(run.scenarios.map((s) => [s.name, s.failures])).toEqual([['deep then shallow', []]]);
    // the deep one did reach the plugin: its on_event failed there, in the engine's parser
    expect(run.scenarios[0]!.hostWarnings.join('\n')).toMatch(/deep.*on_event.*stack overflow/s);
  });
});
