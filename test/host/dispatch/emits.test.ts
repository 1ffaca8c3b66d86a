// Emits (DESIGN §3.4) and receiver-side hook namespacing (DESIGN §3.5, production
// custom_event_namespacing_test, shared_engine_test's self-subscription case).
import { afterEach, describe, expect, it } from 'vitest';

import {
  localHookName,
  namespaceSubscriptions,
  resolveScenarioEventType,
} from '../../../src/lib/host/dispatch/index.js';
import { chat, harness, type Harness } from './helpers.js';

const EVENT = 'chat.message.received';
let h: Harness;
afterEach(() => h?.close());

/** Fails the test instead of hanging it when a dispatch never finishes. */
function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not finish within ${ms} ms (deadlock?)`)), ms);
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}

describe('emits', () => {
  it('a plugin emitting to its own hook does not deadlock and is not handed its own event', async () => {
    h = harness();
    await h.load('listener');
    await within(10_000, h.dispatcher.dispatch(EVENT, chat('emit:listener.hop')));
    await h.dispatcher.idle();
    expect(h.said('listener')).toEqual(['emitted']);
  });

  it('delivers after the emitting call returns, to the other subscribers, in emit order', async () => {
    h = harness();
    await h.load('hooks', { slug: 'plugin-one' });
    await h.load('listener', { slug: 'one' });
    await h.load('listener', { slug: 'two' });
    const r = await h.dispatcher.dispatch(EVENT, chat('emit:two.hop,plugin-one.foo'));
    // one's emit of two.hop reaches two; two's own is not handed back to it
    expect(h.said('two')).toEqual(['emitted', 'hop 0']);
    expect(h.said('plugin-one')).toEqual(['foo {"n":0}', 'foo {"n":0}']);
    // every emit is delivered before the dispatch that caused it resolves, each after its
    // emitter's "emitted" (the call's own output), in the order emitted
    expect(r.notified.map((n) => n.ok)).toEqual([true, true]);
    const order = h.chat.map((c) => `${c.slug}:${c.text}`);
    expect(order.indexOf('two:hop 0')).toBeGreaterThan(order.indexOf('one:emitted'));
  });

  it('two plugins emitting to each other forever stop at depth 8, without deadlock', async () => {
    h = harness();
    await h.load('listener', { slug: 'pp-a' });
    await h.load('listener', { slug: 'pp-b' });
    await within(20_000, h.dispatcher.dispatch('pp-a.hop', { n: 0, next: 'pp-b.hop', after: 'pp-a.hop' }));
    // depth 0 (the dispatch) to depth 7: eight deliveries, alternating
    expect(h.chat.map((c) => `${c.slug}:${c.text}`)).toEqual([
      'pp-a:hop 0',
      'pp-b:hop 1',
      'pp-a:hop 2',
      'pp-b:hop 3',
      'pp-a:hop 4',
      'pp-b:hop 5',
      'pp-a:hop 6',
      'pp-b:hop 7',
    ]);
    expect(h.warnings).toEqual(['dispatcher: max emit depth 8 reached for "pp-a.hop", dropping']);
  });

  it('an emit from outside a dispatched call starts at depth 0', async () => {
    h = harness();
    await h.load('listener', { slug: 'pp-a' });
    await h.load('listener', { slug: 'pp-b' });
    h.dispatcher.emit('someone', 'pp-a.hop', JSON.stringify({ n: 0, next: 'pp-b.hop', after: 'pp-a.hop' }));
    await h.dispatcher.idle();
    expect(h.said('pp-a')).toEqual(['hop 0', 'hop 2', 'hop 4', 'hop 6']);
    expect(h.said('pp-b')).toEqual(['hop 1', 'hop 3', 'hop 5', 'hop 7']);
  });

  it('drops host event types and invalid JSON; an empty payload is null', async () => {
    h = harness();
    await h.load('hooks', { slug: 'plugin-one' });
    h.dispatcher.emit('x', 'chat.message.received', '{}');
    h.dispatcher.emit('x', 'timer.fire', '{"id":1}');
    h.dispatcher.emit('x', 'plugin-one.foo', '{oops');
    h.dispatcher.emit('x', 'plugin-one.foo', null);
    await h.dispatcher.idle();
    expect(h.said('plugin-one')).toEqual(['foo null']);
    expect(h.warnings).toEqual([
      expect.stringContaining('emit of the host event "chat.message.received" dropped'),
      expect.stringContaining('emit of the host event "timer.fire" dropped'),
      expect.stringContaining('emit of "plugin-one.foo" dropped: invalid JSON payload'),
    ]);
  });
});

describe('custom hooks are namespaced on the receiver', () => {
  it('plugin-one.foo reaches plugin-one as "foo"; plugin-two\'s "plugin-one.foo" is plugin-two.plugin-one.foo', async () => {
    h = harness();
    await h.load('listener', { slug: 'emitter' });
    const one = await h.load('hooks', { slug: 'plugin-one' });
    const two = await h.load('hooks', { slug: 'plugin-two' });
    expect(one.subscriptions.notify.map((s) => s.event)).toEqual(['plugin-one.foo', 'plugin-one.plugin-one.foo']);
    expect(two.subscriptions.notify.map((s) => s.event)).toEqual(['plugin-two.foo', 'plugin-two.plugin-one.foo']);

    await h.dispatcher.dispatch(EVENT, chat('emit:plugin-one.foo'));
    expect(h.said('plugin-one')).toEqual(['foo {"n":0}']);
    expect(h.said('plugin-two')).toEqual([]);

    // the attempted squat is a valid hook, under plugin-two's own name
    await h.dispatcher.dispatch('plugin-two.plugin-one.foo', {});
    expect(h.said('plugin-two')).toEqual(['squat']);
  });

  it('a hook whose qualified name is a built-in event fails the load', () => {
    const r = namespaceSubscriptions('chat', [{ event: 'message.received' }]);
    expect(r.error).toContain('chat.message.received');
    expect(r.notify).toEqual([]);
  });

  it('built-in subscriptions keep their names: slug "chat" with onChatMessage gets chat messages', async () => {
    h = harness();
    const p = await h.load('listener', { slug: 'chat' });
    expect(p.subscriptions.notify.map((s) => s.event)).toEqual(['chat.message.received', 'tick', 'chat.hop']);
    await h.dispatcher.dispatch(EVENT, chat('received'));
    expect(h.said('chat')).toEqual(['received']);
  });

  it('maps qualified names back to local ones, and resolves a scenario\'s unqualified name to the plugin\'s own hook', () => {
    expect(localHookName('a', 'a.foo')).toBe('foo');
    expect(localHookName('a', 'a.b.foo')).toBe('b.foo');
    expect(localHookName('a', 'tick')).toBe('tick');
    const plugin = { slug: 'a', subscriptions: { notify: [{ event: 'a.foo' }, { event: 'tick' }] } };
    expect(resolveScenarioEventType(plugin, 'foo')).toBe('a.foo');
    expect(resolveScenarioEventType(plugin, 'a.foo')).toBe('a.foo');
    expect(resolveScenarioEventType(plugin, 'tick')).toBe('tick');
    expect(resolveScenarioEventType(plugin, 'b.bar')).toBe('b.bar');
  });
});
