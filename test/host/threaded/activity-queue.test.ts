// The worker's activity outbox on its own: batches, the in-flight limit that makes the main
// thread's queue bounded, and the dropped notice standing where the lost events were.
import { describe, expect, it } from 'vitest';

import type { HostActivity } from '../../../src/lib/host/activity.js';
import {
  ACTIVITY_BATCH_SIZE,
  ACTIVITY_BATCHES_IN_FLIGHT,
  ActivityQueue,
  MAX_PENDING_ACTIVITY,
  MAX_PENDING_ACTIVITY_CHARS,
} from '../../../src/lib/host/threaded/activity-queue.js';

const sse = (i: number, data = String(i)): HostActivity => ({ at: 0, type: 'sse', slug: 'p', channel: '', event: '', data });

function harness() {
  const posted: HostActivity[][] = [];
  let scheduled: (() => void) | null = null;
  const queue = new ActivityQueue({ post: (b) => void posted.push(b), schedule: (f) => void (scheduled = f), now: () => 42 });
  return {
    queue,
    posted,
    /** Runs the scheduled flush (what setImmediate does once the plugin call has returned). */
    tick: () => {
      const f = scheduled;
      scheduled = null;
      f?.();
    },
    flat: () => posted.flat(),
  };
}

describe('ActivityQueue', () => {
  it('sends events in one batch after the call, in order', () => {
    const h = harness();
    for (let i = 0; i < 3; i++) h.queue.push(sse(i));
    expect(h.posted).toEqual([]);
    h.tick();
    expect(h.posted).toEqual([[sse(0), sse(1), sse(2)]]);
  });

  it('keeps at most ACTIVITY_BATCHES_IN_FLIGHT batches unacknowledged and drops past its bound, then says how many', () => {
    const h = harness();
    const produced = MAX_PENDING_ACTIVITY + ACTIVITY_BATCHES_IN_FLIGHT * ACTIVITY_BATCH_SIZE + 700;
    for (let i = 0; i < produced; i++) h.queue.push(sse(i));
    h.tick();
    // the full batches left during the call; nothing more until the main thread acknowledges
    expect(h.posted).toHaveLength(ACTIVITY_BATCHES_IN_FLIGHT);
    expect(h.queue.pending).toBe(MAX_PENDING_ACTIVITY);

    for (let acks = 0; acks < 10; acks++) h.queue.acknowledge();
    const all = h.flat();
    const delivered = all.filter((e) => e.type === 'sse');
    expect(delivered.map((e) => Number((e as { data: string }).data))).toEqual([...Array(delivered.length).keys()]);
    expect(all.at(-1)).toEqual({ at: 42, type: 'dropped', count: 700, byType: { sse: 700 } });
    expect(h.posted.every((b) => b.length <= ACTIVITY_BATCH_SIZE)).toBe(true);
  });

  it('puts the notice where the gap is when events are accepted again', () => {
    const h = harness();
    for (let i = 0; i < MAX_PENDING_ACTIVITY + ACTIVITY_BATCHES_IN_FLIGHT * ACTIVITY_BATCH_SIZE + 5; i++) h.queue.push(sse(i));
    h.queue.acknowledge(); // room again: one batch goes out, and later events are accepted
    h.queue.push(sse(-1));
    for (let acks = 0; acks < 10; acks++) h.queue.acknowledge();
    const tail = h.flat().slice(-2);
    expect(tail).toEqual([{ at: 42, type: 'dropped', count: 5, byType: { sse: 5 } }, sse(-1)]);
  });

  it('bounds the text it holds, not only the count', () => {
    const h = harness();
    const big = 'x'.repeat(1024 * 1024);
    const fit = Math.floor(MAX_PENDING_ACTIVITY_CHARS / (big.length + 64));
    for (let i = 0; i < fit + 3; i++) h.queue.push(sse(i, big));
    expect(h.queue.pending).toBe(fit);
    h.tick();
    expect(h.flat().at(-1)).toMatchObject({ type: 'dropped', count: 3 });
  });
});
