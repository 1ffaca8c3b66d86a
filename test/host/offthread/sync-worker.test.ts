import { readFileSync } from 'node:fs';

import { afterEach, describe, expect, it } from 'vitest';

import { siblingEntry } from '../../../src/lib/host/offthread/entry.js';
import { createSyncWorker, type SyncWorker } from '../../../src/lib/host/offthread/sync-worker.js';

const entry = siblingEntry(import.meta.url, 'fixtures/test-worker');
const open: SyncWorker[] = [];
const worker = (workerData?: unknown) => {
  const w = createSyncWorker({ entry, workerData, name: 'sync-worker test' });
  open.push(w);
  return w;
};
afterEach(() => {
  for (const w of open.splice(0)) w.close();
});

/** Alive and not a zombie (a killed child stays a zombie until its parent reaps it). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX]/.test(stat);
  } catch {
    return false;
  }
}

describe('createSyncWorker', () => {
  it('answers synchronously, in order, with structured-cloned values', () => {
    const w = worker();
    expect(w.call({ op: 'echo', value: 'hello' }, 60_000)).toEqual({ ok: true, value: 'hello' });
    const value = { n: 1, big: 2n ** 70n, list: [null, true, 'x'], nested: { a: new Uint8Array([1, 2, 3]) } };
    expect(w.call({ op: 'echo', value }, 5000)).toEqual({ ok: true, value });
    for (let i = 0; i < 100; i++) expect(w.call({ op: 'echo', value: i }, 5000)).toEqual({ ok: true, value: i });
  });

  it('waits for an async handler', () => {
    const w = worker();
    expect(w.call({ op: 'sleep', ms: 50 }, 5000)).toEqual({ ok: true, value: 'slept' });
  });

  it('moves large payloads both ways intact', () => {
    const w = worker();
    const size = 32 * 1024 * 1024;
    const r = w.call<Uint8Array>({ op: 'bytes', size }, 30_000);
    expect(r.ok).toBe(true);
    const bytes = (r as { value: Uint8Array }).value;
    expect(bytes.length).toBe(size);
    expect(bytes[4096]).toBe(0);
    expect(bytes[8192 * 3]).toBe((8192 * 3) & 0xff);
    expect(bytes[size - 1]).toBe(7);

    const out = new Uint8Array(16 * 1024 * 1024).fill(1);
    expect(w.call({ op: 'sum', bytes: out }, 30_000, [out.buffer])).toEqual({ ok: true, value: { length: 16 * 1024 * 1024, sum: 16 * 1024 * 1024 } });
  });

  it('reports a handler error as an error result and keeps the worker', () => {
    const w = worker();
    expect(w.call({ op: 'throw', message: 'nope' }, 5000)).toEqual({ ok: false, reason: 'error', message: 'nope' });
    expect(w.call({ op: 'echo', value: 1 }, 5000)).toEqual({ ok: true, value: 1 });
    expect(w.restarts).toBe(0);
  });

  it('times out a call that overruns, replaces the worker, and the next call works', () => {
    const w = worker();
    expect(w.call({ op: 'echo', value: 'warm' }, 60_000).ok).toBe(true);
    const t0 = performance.now();
    const r = w.call({ op: 'spin', ms: 60_000 }, 300);
    const took = performance.now() - t0;
    expect(r).toMatchObject({ ok: false, reason: 'timeout' });
    expect(took).toBeGreaterThanOrEqual(299);
    expect(took).toBeLessThan(5000);
    expect(w.restarts).toBe(1);
    // The replacement boots on its own; the boot is not charged to this call.
    expect(w.call({ op: 'echo', value: 'again' }, 5000)).toEqual({ ok: true, value: 'again' });
    // And timeouts keep working on the new worker.
    expect(w.call({ op: 'sleep', ms: 10_000 }, 200)).toMatchObject({ ok: false, reason: 'timeout' });
    expect(w.call({ op: 'echo', value: 3 }, 5000)).toEqual({ ok: true, value: 3 });
    expect(w.restarts).toBe(2);
  });

  it('kills the helper process of a worker it ends', async () => {
    const w = worker();
    const started = w.call<number>({ op: 'helper' }, 60_000);
    expect(started.ok).toBe(true);
    const pid = (started as { value: number }).value;
    expect(running(pid)).toBe(true);
    expect(w.call({ op: 'spin', ms: 60_000 }, 200)).toMatchObject({ reason: 'timeout' });
    const until = Date.now() + 5000;
    while (running(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(running(pid)).toBe(false);

    const again = w.call<number>({ op: 'helper' }, 60_000);
    const pid2 = (again as { value: number }).value;
    w.close();
    const until2 = Date.now() + 5000;
    while (running(pid2) && Date.now() < until2) await new Promise((r) => setTimeout(r, 20));
    expect(running(pid2)).toBe(false);
  });

  it('notices a crashed worker without waiting for the timeout', () => {
    const w = worker();
    expect(w.call({ op: 'echo', value: 0 }, 60_000).ok).toBe(true);
    const t0 = performance.now();
    expect(w.call({ op: 'crash' }, 20_000)).toMatchObject({ ok: false, reason: 'crashed' });
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(w.call({ op: 'echo', value: 1 }, 60_000)).toEqual({ ok: true, value: 1 });
  });

  it('does not charge a slow boot to the first call, and reports a failed boot', () => {
    const slow = worker({ bootDelayMs: 400 });
    expect(slow.call({ op: 'echo', value: 'late' }, 100)).toEqual({ ok: true, value: 'late' });
    const broken = worker({ failBoot: true });
    expect(broken.call({ op: 'echo', value: 1 }, 5000)).toEqual({ ok: false, reason: 'boot-failed', message: 'no database here' });
  });

  it('warm() waits for the start so that calls do not', () => {
    const w = worker({ bootDelayMs: 300 });
    expect(w.warm()).toBe(true);
    expect(w.warm()).toBe(true);
    expect(w.call({ op: 'echo', value: 'ready' }, 5000)).toEqual({ ok: true, value: 'ready' });
    expect(worker({ failBoot: true }).warm()).toBe(false);
  });

  it('answers closed after close()', () => {
    const w = worker();
    w.close();
    w.close();
    expect(w.call({ op: 'echo', value: 1 }, 1000)).toMatchObject({ ok: false, reason: 'closed' });
    expect(w.warm()).toBe(false);
  });
});
