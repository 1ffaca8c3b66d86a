// Timers and tick (production timer_test, §3.2) on a manual clock, firing into real plugins.
import { afterEach, describe, expect, it } from 'vitest';

import { ManualScheduler, TimerHub, realScheduler } from '../../../src/lib/host/dispatch/index.js';
import { chat, harness, type Harness } from './helpers.js';

let h: Harness;
afterEach(() => h?.close());

/** A harness on a manual clock with the timers fixture loaded. */
async function timers(): Promise<{ clock: ManualScheduler; say(body: string): Promise<unknown> }> {
  const clock = new ManualScheduler();
  h = harness({ scheduler: clock });
  await h.load('timers');
  return { clock, say: (body) => h.dispatcher.dispatch('chat.message.received', chat(body)) };
}

describe('timers in plugins', () => {
  it('a one-shot fires once, after its delay, and is removed', async () => {
    const { clock, say } = await timers();
    await say('once 500');
    expect(h.dispatcher.timers.pending('timers')).toBe(1);
    await clock.advance(499);
    expect(h.said('timers')).toEqual([]);
    await clock.advance(1);
    expect(h.said('timers')).toEqual(['once']);
    expect(h.dispatcher.timers.pending('timers')).toBe(0);
    await clock.advance(10_000);
    expect(h.said('timers')).toEqual(['once']);
  });

  it('an interval repeats until cleared', async () => {
    const { clock, say } = await timers();
    await say('every 200');
    await clock.advance(1000);
    expect(h.said('timers')).toEqual(['every 1', 'every 2', 'every 3', 'every 4', 'every 5']);
    await say('clear');
    expect(h.dispatcher.timers.pending('timers')).toBe(0);
    await clock.advance(1000);
    expect(h.said('timers')).toHaveLength(5);
  });

  it('a timer cleared before it fires never fires', async () => {
    const { clock, say } = await timers();
    await say('once 500');
    await say('clear');
    await clock.advance(1000);
    expect(h.said('timers')).toEqual([]);
  });

  it('0 ms is clamped to the 100 ms minimum', async () => {
    const { clock, say } = await timers();
    await say('once 0');
    await clock.advance(99);
    expect(h.said('timers')).toEqual([]);
    await clock.advance(1);
    expect(h.said('timers')).toEqual(['once']);
  });

  it('caps a plugin at 64 pending timers; other plugins are unaffected', async () => {
    const { say } = await timers();
    await h.load('timers', { slug: 'other' });
    await say('many 70');
    expect(h.chat.map((c) => `${c.slug}: ${c.text}`)).toEqual(['timers: set 64 of 70', 'other: set 64 of 70']);
    expect(h.dispatcher.timers.pending('timers')).toBe(64);
  });

  it('forget() (unload, reload) cancels every pending timer', async () => {
    const { clock, say } = await timers();
    await say('every 200');
    await say('once 300');
    h.dispatcher.forget('timers');
    expect(h.dispatcher.timers.pending('timers')).toBe(0);
    await clock.advance(1000);
    expect(h.said('timers')).toEqual([]);
  });
});

describe('the timer hub', () => {
  const hub = (opts: { maxPerPlugin?: number; fire?: (slug: string, id: bigint) => Promise<void> } = {}) => {
    const clock = new ManualScheduler();
    const fired: string[] = [];
    const t = new TimerHub({
      scheduler: clock,
      maxPerPlugin: opts.maxPerPlugin,
      fire: opts.fire ?? (async (slug, id) => void fired.push(`${slug}:${id}`)),
    });
    return { t, clock, fired };
  };

  it('re-using a pending id replaces it without counting twice', async () => {
    const { t, clock, fired } = hub({ maxPerPlugin: 2 });
    expect(t.set('p', 1n, 100_000n, false)).toBe(true);
    expect(t.set('p', 2n, 100_000n, false)).toBe(true);
    expect(t.set('p', 3n, 100_000n, false)).toBe(false);
    expect(t.set('p', 1n, 500n, false)).toBe(true);
    expect(t.set('q', 1n, 100_000n, false)).toBe(true);
    expect(t.pending('p')).toBe(2);
    await clock.advance(500);
    expect(fired).toEqual(['p:1']);
    t.cancelAll('p');
    t.cancelAll('q');
    expect([t.pending('p'), t.pending('q'), clock.pending]).toEqual([0, 0, 0]);
  });

  it('clamps delays to at most 24 h', async () => {
    const { t, clock, fired } = hub();
    t.set('p', 1n, 10n ** 15n, false);
    await clock.advance(24 * 60 * 60 * 1000 - 1);
    expect(fired).toEqual([]);
    await clock.advance(1);
    expect(fired).toEqual(['p:1']);
  });

  it('re-arms an interval only after its callback returns', async () => {
    let release!: () => void;
    let calls = 0;
    const { t, clock } = hub({
      fire: () => {
        calls++;
        return calls === 1 ? new Promise<void>((r) => (release = r)) : Promise.resolve();
      },
    });
    t.set('p', 7n, 100n, true);
    const advancing = clock.advance(450);
    await new Promise((r) => setImmediate(r));
    expect(calls).toBe(1);
    expect(clock.pending).toBe(0); // the slow callback holds the next run back
    release();
    await advancing;
    // re-armed at 100 when released: 200, 300, 400 follow
    expect(calls).toBe(4);
    t.close();
  });

  it('uses unref\'d Node timers by default', () => {
    const handle = realScheduler.setTimeout(() => undefined, 60_000) as NodeJS.Timeout;
    expect(handle.hasRef()).toBe(false);
    realScheduler.clearTimeout(handle);
  });
});

describe('tick', () => {
  it('sends {now} once a second to subscribers until stopped', async () => {
    const clock = new ManualScheduler(1_700_000_000_000);
    h = harness({ scheduler: clock });
    await h.load('listener');
    await h.load('timers');
    h.dispatcher.startTick();
    await clock.advance(3000);
    h.dispatcher.stopTick();
    await clock.advance(3000);
    expect(h.said('listener')).toEqual(['tick 1700000001000', 'tick 1700000002000', 'tick 1700000003000']);
    expect(h.said('timers')).toEqual([]);
  });
});
