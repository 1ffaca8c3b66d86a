// Strikes on every path (DESIGN §3.3, production safeguards_test "5 filter failures disable"):
// five consecutive failures disable a plugin everywhere, once; any success resets the count.
import { afterEach, describe, expect, it } from 'vitest';

import { ManualScheduler } from '../../../src/lib/host/dispatch/index.js';
import { PluginError } from '../../../src/lib/errors.js';
import { chat, harness, type Harness } from './helpers.js';

const EVENT = 'chat.message.received';
let h: Harness;
afterEach(() => h?.close());

const times = async (n: number, work: () => Promise<unknown>) => {
  for (let i = 0; i < n; i++) await work();
};

describe('strikes', () => {
  it('5 filter failures in a row disable the plugin: its filter no longer runs, reported once', async () => {
    h = harness();
    await h.load('filterer', { kv: { mode: 'throw', tag: 'f' } });
    await h.load('listener');
    await times(4, () => h.dispatcher.dispatch(EVENT, chat('m')));
    expect(h.dispatcher.isDisabled('filterer')).toBe(false);
    await h.dispatcher.dispatch(EVENT, chat('m'));
    expect(h.dispatcher.isDisabled('filterer')).toBe(true);
    expect(h.disabled).toEqual([
      { slug: 'filterer', reason: expect.stringMatching(/^5 consecutive failures; the last, on the filter path: .*f cannot filter/) },
    ]);
    const after = await h.dispatcher.dispatch(EVENT, chat('m'));
    expect(after.filters).toEqual([]);
    expect(after.notified.map((n) => n.slug)).toEqual(['listener']);
    expect(h.disabled).toHaveLength(1);
  });

  it('a success resets the count', async () => {
    h = harness();
    await h.load('filterer', { kv: { mode: 'throw' } });
    await times(4, () => h.dispatcher.dispatch(EVENT, chat('m')));
    h.kv.set('filterer/mode', 'pass');
    await h.dispatcher.dispatch(EVENT, chat('m'));
    expect(h.dispatcher.strikes('filterer')).toBe(0);
    h.kv.set('filterer/mode', 'throw');
    await times(4, () => h.dispatcher.dispatch(EVENT, chat('m')));
    expect(h.dispatcher.isDisabled('filterer')).toBe(false);
  });

  it('counts notification failures too; the disabled plugin then gets nothing: events, hooks, commands, ticks, timers', async () => {
    const clock = new ManualScheduler();
    h = harness({ scheduler: clock });
    await h.load('listener');
    await h.load('timers', { slug: 'listener-timers' });
    await h.load('hooks', { slug: 'plugin-one' });
    await h.dispatcher.dispatch(EVENT, chat('every 200'));
    await times(5, () => h.dispatcher.dispatch(EVENT, chat('boom')));
    expect(h.disabled.map((d) => d.slug)).toEqual(['listener']);
    expect(h.disabled[0]!.reason).toContain('on the notification path');
    h.chat.length = 0;

    await h.dispatcher.dispatch(EVENT, chat('still there?'));
    await h.dispatcher.dispatch('listener.hop', { n: 0 });
    h.dispatcher.startTick();
    await clock.advance(1000);
    h.dispatcher.stopTick();
    expect(h.said('listener')).toEqual([]);
    expect(h.dispatcher.live().map((p) => p.slug)).toEqual(['listener-timers', 'plugin-one']);
    // what it emits (a call still in flight when it was disabled) goes nowhere either
    h.dispatcher.emit('listener', 'plugin-one.foo', '{}');
    await h.dispatcher.idle();
    expect(h.said('plugin-one')).toEqual([]);
    // the other plugin carries on
    expect(h.said('listener-timers').length).toBeGreaterThan(0);

    // enable / reload: clearStrikes brings it back
    h.dispatcher.clearStrikes('listener');
    await h.dispatcher.dispatch(EVENT, chat('back'));
    expect(h.said('listener')).toEqual(['back']);
  });

  it('counts timer failures, and disabling cancels the plugin\'s timers', async () => {
    const clock = new ManualScheduler();
    h = harness({ scheduler: clock });
    await h.load('timers');
    await h.dispatcher.dispatch(EVENT, chat('failing 100'));
    await clock.advance(400);
    expect(h.dispatcher.strikes('timers')).toBe(4);
    await clock.advance(100);
    expect(h.disabled.map((d) => d.reason)).toEqual([expect.stringContaining('on the timer path')]);
    expect(h.dispatcher.timers.pending('timers')).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it('counts command failures', async () => {
    h = harness();
    await h.load('commander');
    await times(5, () => h.dispatcher.dispatchChatMessage(chat('!fail')));
    expect(h.disabled.map((d) => d.reason)).toEqual([expect.stringContaining('on the command path')]);
    expect((await h.dispatcher.dispatchChatMessage(chat('!ping'))).commands).toEqual([]);
    expect((await h.dispatcher.dispatchChatMessage(chat('!help'))).help).toBeNull();
  });

  it('takes failures from other paths (HTTP); a missing optional export is benign', () => {
    h = harness();
    const missing = new PluginError('x: on_tab_content() failed: the plugin does not export on_tab_content()', {
      slug: 'x',
      exportName: 'on_tab_content',
      failure: 'missing-export',
    });
    for (let i = 0; i < 10; i++) h.dispatcher.recordFailure('x', 'content', missing);
    expect(h.dispatcher.strikes('x')).toBe(0);
    for (let i = 0; i < 4; i++) expect(h.dispatcher.recordFailure('x', 'http', new Error('504'))).toBe(false);
    h.dispatcher.recordSuccess('x');
    for (let i = 0; i < 4; i++) h.dispatcher.recordFailure('x', 'http', new Error('504'));
    expect(h.dispatcher.recordFailure('x', 'http', new Error('plugin timed out'))).toBe(true);
    expect(h.dispatcher.isDisabled('x')).toBe(true);
    expect(h.disabled).toEqual([{ slug: 'x', reason: '5 consecutive failures; the last, on the http path: plugin timed out' }]);
    expect(h.warnings).toEqual(['plugin x: auto-disabled: 5 consecutive failures; the last, on the http path: plugin timed out']);
  });
});
