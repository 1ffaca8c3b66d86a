// Regression (found by the memory soak, npm run soak): each call's output, which the engine
// hands over in linear memory ("fast output", ocp_io in engine/src/glue.c), is freed by the
// engine at the start of the next call only when the flags word still says IO_OUT_READY. The
// host rewrote that word for the next call's input and dropped the bit, so every output leaked
// inside the instance: about 30–85 bytes per filter call of profanity-filter, the whole body of
// every HTTP answer.
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildSource, chatMessage, recordingHost, type LoadedPlugin } from '../../helpers/host.js';
import { httpRequest } from '../hostile/harness.js';

const { host } = recordingHost();
let plugin: LoadedPlugin;

beforeAll(async () => {
  plugin = await host.load(await buildSource(join(import.meta.dirname, 'fixtures', 'big-answers'), 'js'));
}, 120_000);
afterAll(() => host.close());

const MiB = 2 ** 20;

describe('an engine instance does not keep the outputs of its calls', () => {
  it('1 000 filter calls answering 4 KiB each: the instance does not grow (a leak would be 4 MiB)', async () => {
    for (let i = 0; i < 20; i++) await host.dispatchChatMessage(chatMessage(`warm ${i}`));
    const before = plugin.instance.memoryBytes;
    let answered = 0;
    for (let i = 0; i < 1000; i++) {
      const report = await host.dispatchChatMessage(chatMessage(`hello ${i}`, { id: `m${i}` }));
      // on a loaded machine a call may now and then overrun its 50 ms budget (fail-open, no output)
      if ((report.payload as { body: string }).body.length === `hello ${i} `.length + 4096) answered++;
    }
    expect(answered).toBeGreaterThan(900);
    expect(plugin.instance.memoryBytes - before).toBeLessThan(MiB);
    expect(plugin.instance.recreations).toBe(0);
  });

  it('300 HTTP answers of 64 KiB: the instance does not grow (a leak would be 19 MiB)', async () => {
    const call = () => host.dispatcher.invoke(plugin, 'on_http_request', httpRequest('/'), { path: 'http' });
    for (let i = 0; i < 5; i++) await call();
    const before = plugin.instance.memoryBytes;
    for (let i = 0; i < 300; i++) {
      const out = JSON.parse(await call()) as { status: number; body: string };
      expect(out.status).toBe(200);
    }
    expect(plugin.instance.memoryBytes - before).toBeLessThan(MiB);
    expect(plugin.instance.recreations).toBe(0);
  });
});
