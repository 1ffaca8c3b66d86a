// The filter chain and notifications (production dispatcher.go, §5): order, pass/modify/drop,
// unknown actions, fail-open, the 1 MiB output cap, and fan-out under concurrency.
import { afterEach, describe, expect, it } from 'vitest';

import { chat, harness, type Harness } from './helpers.js';

const EVENT = 'chat.message.received';
let h: Harness;
afterEach(() => h?.close());

/** A filterer under `slug` with its priority, tag and mode. */
const filterer = (slug: string, priority: number, mode = 'append') =>
  h.load('filterer', { slug, kv: { priority: String(priority), tag: slug, mode } });

describe('the filter chain', () => {
  it('runs by priority, ties by slug, each filter seeing the previous output; notifications get the final payload', async () => {
    h = harness();
    await filterer('zeta', 100);
    await filterer('late', 200, 'pass');
    await filterer('alpha', 100);
    await filterer('first', 5);
    await h.load('listener');
    const r = await h.dispatcher.dispatch(EVENT, chat('m'));
    expect(r.filters.map((f) => `${f.slug}:${f.action}`)).toEqual(['first:modify', 'alpha:modify', 'zeta:modify', 'late:pass']);
    expect(r).toMatchObject({ modified: true, dropped: null, payload: { body: 'm+first+alpha+zeta', user: { id: 'u1' } } });
    expect(h.said('listener')).toEqual(['m+first+alpha+zeta']);
    expect(r.notified).toEqual([{ slug: 'listener', ok: true, durationMs: expect.any(Number) }]);
  });

  it('a drop stops the chain: no later filter, no notification, no command', async () => {
    h = harness();
    await filterer('a', 1, 'drop');
    await filterer('b', 2);
    await h.load('listener');
    await h.load('commander');
    const r = await h.dispatcher.dispatchChatMessage(chat('!ping'));
    expect(r.filters).toEqual([{ slug: 'a', priority: 1, action: 'drop', reason: 'dropped by a', durationMs: expect.any(Number) }]);
    expect(r).toMatchObject({ dropped: { slug: 'a', reason: 'dropped by a' }, notified: [], commands: [], help: null });
    expect(h.chat).toEqual([]);
  });

  it('an unknown action is logged and passes; modify without a payload gives null', async () => {
    h = harness();
    await filterer('odd', 1, 'weird');
    await filterer('nulls', 2, 'nopayload');
    const r = await h.dispatcher.dispatch(EVENT, chat('m'));
    expect(r.filters.map((f) => f.action)).toEqual(['unknown', 'modify']);
    expect(r.payload).toBeNull();
    expect(h.warnings).toEqual(['plugin odd: unknown filter action "explode" (fail-open)']);
    // an unknown action is still a call that worked: no strike
    expect(h.dispatcher.strikes('odd')).toBe(0);
  });

  it('fails open on a throw, a timeout and output over 1 MiB: payload unchanged, one strike each', async () => {
    h = harness();
    await filterer('thrower', 1, 'throw');
    await filterer('spinner', 2, 'spin');
    await filterer('huge', 3, 'huge');
    await filterer('last', 4);
    const t0 = performance.now();
    const r = await h.dispatcher.dispatch(EVENT, chat('m'));
    expect(performance.now() - t0).toBeLessThan(10_000); // the spinner is stopped at its budget, not left to run
    expect(r.filters.map((f) => `${f.slug}:${f.action}`)).toEqual(['thrower:error', 'spinner:error', 'huge:error', 'last:modify']);
    expect(r.payload).toMatchObject({ body: 'm+last' });
    const errors = r.filters.flatMap((f) => (f.action === 'error' ? [f.error] : []));
    expect(errors.map((e) => (e as { failure?: string }).failure)).toEqual(['error', 'deadline', undefined]);
    expect((errors[2] as Error).message).toMatch(/^on_filter output too large: \d+ bytes \(max 1048576\)$/);
    expect(h.warnings.map((w) => w.replace(/: .*/s, ''))).toEqual([
      'plugin thrower',
      'plugin spinner',
      'plugin huge',
    ]);
    expect(h.warnings[0]).toContain('on_filter(chat.message.received) failed (fail-open)');
    expect(['thrower', 'spinner', 'huge', 'last'].map((s) => h.dispatcher.strikes(s))).toEqual([1, 1, 1, 0]);
  });

  it('leaves plugins without chat.filter out of chat filtering', async () => {
    h = harness();
    const p = await filterer('sneaky', 1);
    (p.identity.permissions as Set<string>).delete('chat.filter');
    const r = await h.dispatcher.dispatch(EVENT, chat('m'));
    expect(r.filters).toEqual([]);
    expect(r.payload).toMatchObject({ body: 'm' });
  });
});

describe('notifications', () => {
  it('20 concurrent dispatches × 3 plugins → exactly 60 sends', async () => {
    h = harness();
    for (const slug of ['c1', 'c2', 'c3']) await h.load('listener', { slug });
    await Promise.all(Array.from({ length: 20 }, (_, i) => h.dispatcher.dispatch(EVENT, chat(`m${i}`))));
    expect(h.chat).toHaveLength(60);
    for (const slug of ['c1', 'c2', 'c3']) expect(h.said(slug).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`).sort());
  });

  it('a failure is logged and strikes; the other subscribers still get the event', async () => {
    h = harness();
    await h.load('listener', { slug: 'one' });
    await h.load('listener', { slug: 'two' });
    h.plugins.reverse();
    const r = await h.dispatcher.dispatch(EVENT, chat('boom'));
    expect(r.notified.map((n) => [n.slug, n.ok])).toEqual([
      ['two', false],
      ['one', false],
    ]);
    expect(h.warnings).toEqual([
      expect.stringMatching(/^plugin two: on_event\(chat\.message\.received\) failed: .*boom/),
      expect.stringMatching(/^plugin one: on_event\(chat\.message\.received\) failed: .*boom/),
    ]);
    expect(h.dispatcher.strikes('one')).toBe(1);
  });

  it('closing a plugin during 50 dispatches neither crashes nor strikes; later dispatches skip it', async () => {
    h = harness();
    await h.load('listener', { slug: 'racer' });
    await h.load('listener', { slug: 'stays' });
    const dispatches = Array.from({ length: 50 }, () => h.dispatcher.dispatch(EVENT, chat('hi')));
    await Promise.all([...dispatches, h.unload('racer')]);
    expect(h.said('stays')).toHaveLength(50);
    expect(h.said('racer').length).toBeLessThan(50); // calls queued behind the close failed
    expect(h.dispatcher.strikes('racer')).toBe(0);
    expect(h.warnings).toEqual([]);
    const r = await h.dispatcher.dispatch(EVENT, chat('after'));
    expect(r.notified.map((n) => n.slug)).toEqual(['stays']);
  });
});
