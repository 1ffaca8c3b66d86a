// The memory soak (soak.ts) at 20 000 events: the same shape as `npm run soak` (1 000 000),
// asserted loosely. The plugins must run the whole way (no strike, nothing disabled), every
// kind of event must occur, and host memory must not climb with the events.
import { describe, expect, it } from 'vitest';

import { gcFunction, soak, trend } from './soak.js';

const MiB = 2 ** 20;

describe('memory soak on a fake clock', () => {
  it('20 000 events through seven plugins: nothing disabled, host heap and engine memory flat', async () => {
    expect(gcFunction()).not.toBeNull();
    const r = await soak({ events: 20_000, samples: 40 });
    expect(r.events).toBeGreaterThanOrEqual(20_000);
    // nothing fails for long; a call may overrun its budget now and then on a loaded machine
    expect(r.disabled).toEqual([]);
    expect(r.strikes, r.strikeMessages.join('\n')).toBeLessThan(r.messages / 100);
    for (const kind of ['chat', 'timer', 'emit', 'tick']) expect(r.byKind[kind], kind).toBeGreaterThan(0);
    expect(r.samples.length).toBeGreaterThanOrEqual(40);
    // pending timers stay within what the plugins keep armed (nine intervals, a few one-shots, reminders)
    expect(Math.max(...r.samples.map((s) => s.timers))).toBeLessThanOrEqual(64);

    const heap = trend(r.samples, 'heapUsed');
    expect(heap.q4).toBeLessThan(heap.q2 * 1.25 + 8 * MiB);
    // a leak of a few hundred bytes per event would show as well over 64 MiB per million
    expect(heap.perMillion).toBeLessThan(64 * MiB);
    const engine = trend(r.samples, 'engine');
    expect(engine.q4).toBeLessThan(engine.q2 * 1.25 + 8 * MiB);
    const external = trend(r.samples, 'external');
    expect(external.q4).toBeLessThan(external.q2 * 1.25 + 8 * MiB);
  }, 300_000);
});
