// End to end: the real compiler builds real plugins, the real engine runs them under the
// real @extism/extism runtime, through our host.
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PluginError } from '../../src/lib/errors.js';
import { buildSource, chatMessage, recordingHost, type LoadedPlugin, type Recorded } from '../helpers/host.js';

const example = (name: string) => fileURLToPath(new URL(`../../examples/${name}`, import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

describe.each(['js', 'wasm'] as const)('plugins built as %s', (target) => {
  const { host, rec } = recordingHost();
  let echo: LoadedPlugin;
  let profanity: LoadedPlugin;

  beforeAll(async () => {
    echo = await host.load(await buildSource(example('echo-bot'), target));
    profanity = await host.load(await buildSource(example('profanity-filter'), target));
  });
  afterAll(() => host.close());

  it('register() reports the manifest plus SDK-derived subscriptions', () => {
    expect(echo.registration.raw).toMatchObject({ slug: 'echo-bot', name: 'Echo Bot' });
    expect(echo.registration.subscriptions.notify).toEqual([{ event: 'chat.message.received' }]);
    expect(profanity.registration.subscriptions.filter).toEqual([{ event: 'chat.message.received', priority: 100 }]);
  });

  it('a chat.message.received notification produces the chat send', async () => {
    rec.chat.length = 0;
    await echo.notify('chat.message.received', chatMessage('!echo hello there'));
    await echo.notify('chat.message.received', chatMessage('not for the bot'));
    expect(rec.chat).toEqual([{ slug: 'echo-bot', text: 'Viewer said: hello there', kind: 'chat' }]);
  });

  it('the filter modifies, drops and passes (its handler is async and awaits a promise)', async () => {
    expect(await profanity.filter('chat.message.received', chatMessage('well darn it'))).toEqual({
      action: 'modify',
      payload: chatMessage('well **** it'),
    });
    expect(await profanity.filter('chat.message.received', chatMessage('oh HECK no'))).toEqual({
      action: 'drop',
      reason: 'shouting a banned word',
    });
    expect(await profanity.filter('chat.message.received', chatMessage('lovely stream'))).toEqual({ action: 'pass' });
  });
});

describe.each(['js', 'wasm'] as const)('a hostile plugin built as %s', (target) => {
  const { host, rec } = recordingHost();
  let plugin: LoadedPlugin;
  const filterBody = (body: string) => plugin.filter('chat.message.received', chatMessage(body));

  beforeAll(async () => {
    plugin = await host.load(await buildSource(fixture('hostile'), target));
  });
  afterAll(() => host.close());

  it("a thrown error reaches the host as a PluginError whose stack names the line in the author's source", async () => {
    const err = await filterBody('throw').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PluginError);
    const pe = err as PluginError;
    expect(pe.slug).toBe('hostile');
    expect(pe.exportName).toBe('on_filter');
    expect(pe.message).toContain('plugin failed on purpose: throw requested');
    // fail() throws on line 9 of src/plugin.ts; its caller, filterChatMessage, is on line 37
    expect(pe.pluginStack).toMatch(/fail \(test\/fixtures\/hostile\/src\/plugin\.ts:9:\d+\)/);
    expect(pe.pluginStack).toMatch(/filterChatMessage \(test\/fixtures\/hostile\/src\/plugin\.ts:37:\d+\)/);
  });

  it('while(true){} in a filter is stopped at its 50 ms budget, and the next call works', async () => {
    expect(await filterBody('count')).toMatchObject({ payload: { body: '1' } });
    const started = performance.now();
    const err = (await filterBody('spin').catch((e: unknown) => e)) as PluginError;
    const elapsed = performance.now() - started;
    expect(err).toBeInstanceOf(PluginError);
    expect(err.message).toContain('deadline exceeded');
    expect(err.failure).toBe('deadline');
    expect(elapsed).toBeLessThan(2000);
    // same instance, state intact
    expect(await filterBody('count')).toMatchObject({ payload: { body: '2' } });
    expect(plugin.instance.recreations).toBe(0);
  });

  it('a loop inside a promise chain cannot swallow the deadline', async () => {
    const started = performance.now();
    const err = await filterBody('spin-promise').catch((e: unknown) => e);
    expect((err as Error).message).toContain('deadline exceeded');
    expect(performance.now() - started).toBeLessThan(2000);
    expect(await filterBody('count')).toMatchObject({ payload: { body: '3' } });
  });

  it('a 100 000-deep recursion is a JS error, not a crash', async () => {
    // through the HTTP handler's 5 s budget: a loaded machine can take more than a filter's 50 ms to get that deep
    const request = JSON.stringify({ method: 'GET', path: '/recurse', query: {}, headers: {}, body: '' });
    const err = await plugin.call('on_http_request', request).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PluginError);
    expect((err as Error).message).toMatch(/stack overflow|Maximum call stack/i);
    expect(await filterBody('count')).toMatchObject({ payload: { body: '4' } });
  });

  it('allocating past the heap limit is an out-of-memory error and the plugin keeps answering', async () => {
    const request = JSON.stringify({ method: 'GET', path: '/hoard', query: {}, headers: {}, body: '' });
    const err = (await plugin.call('on_http_request', request).catch((e: unknown) => e)) as PluginError;
    expect(err).toBeInstanceOf(PluginError);
    expect(err.failure).toBe('out-of-memory');
    expect(err.message).toContain('out of memory');
    expect(await filterBody('hello')).toEqual({ action: 'pass' });
  });

  it('a filter that allocates in big steps is still stopped near its budget', async () => {
    const started = performance.now();
    const err = (await filterBody('hoard-fast').catch((e: unknown) => e)) as PluginError;
    expect(err.failure).toBe('deadline');
    expect(performance.now() - started).toBeLessThan(2000);
    expect(await filterBody('hello')).toEqual({ action: 'pass' });
  });

  it('a 1 MiB output comes back whole', async () => {
    const request = JSON.stringify({ method: 'GET', path: '/big', query: {}, headers: {}, body: '' });
    const out = JSON.parse(await plugin.call('on_http_request', request)) as { status: number; body: string };
    expect(out.status).toBe(200);
    expect(out.body).toBe('x'.repeat(1024 * 1024));
  });

  it('custom hooks are delivered to on:{} handlers', async () => {
    rec.chat.length = 0;
    await plugin.notify('echo', { text: 'from a hook' });
    expect(rec.chat.map((c) => c.text)).toEqual(['from a hook']);
  });
});

describe('many calls', () => {
  it('200 000 calls in a row do not exhaust memory', async () => {
    const { host } = recordingHost();
    try {
      const plugin = await host.load(await buildSource(fixture('hostile'), 'js'));
      // A notification (500 ms budget) keeps a busy machine from turning a scheduling
      // hiccup into a 50 ms filter deadline: this test is about memory, not time.
      const input = JSON.stringify({ eventType: 'chat.user.joined', payload: { id: 'u1', displayName: 'Viewer' } });
      const heapBefore = process.memoryUsage().arrayBuffers;
      for (let i = 0; i < 200_000; i++) await plugin.instance.call('on_event', input);
      expect(plugin.instance.memoryBytes).toBeLessThan(32 * 1024 * 1024);
      expect(process.memoryUsage().arrayBuffers - heapBefore).toBeLessThan(64 * 1024 * 1024);
      expect(await plugin.filter('chat.message.received', chatMessage('still fine'))).toEqual({ action: 'pass' });
    } finally {
      await host.close();
    }
  }, 180_000);
});

describe('top-level host calls', () => {
  it('a plugin.wasm whose top level calls the host is evaluated on its first call, and works', async () => {
    const { host, rec } = recordingHost();
    try {
      host.kv.set('toplevel-host', 'greeting', 'hi from kv');
      const plugin = await host.load(await buildSource(fixture('toplevel-host'), 'wasm'));
      await plugin.notify('chat.message.received', chatMessage('anything'));
      expect(rec.chat.map((c) => c.text)).toEqual(['hi from kv']);
    } finally {
      await host.close();
    }
  });
});

export type { Recorded };
