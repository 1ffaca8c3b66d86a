// The wire between SyncWorker (the calling thread) and serveSync (the worker): requests and
// answers travel over a MessagePort, and a few Int32 slots of shared memory let the caller
// block on Atomics.wait until its answer has been posted, then take it with
// receiveMessageOnPort. Measured against a growable SharedArrayBuffer carrying v8-serialized
// bytes both ways, this was as fast or faster for small calls and needs no buffer management
// for large ones (bench/offthread.bench.ts).

import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';

/** Int32 slots of the shared state. */
export const SLOT = {
  /** Id of the last answered call; CRASHED when the worker is going down. */
  answered: 0,
  /** BOOTING, READY or BOOT_FAILED. */
  ready: 1,
  /** Pid of a helper process the worker started and that must die with it (0: none). */
  helperPid: 2,
} as const;
export const STATE_SLOTS = 4;

export const BOOTING = 0;
export const READY = 1;
export const BOOT_FAILED = 2;
export const CRASHED = -1;

export interface SyncWorkerData {
  port: MessagePort;
  state: SharedArrayBuffer;
  /** The caller's own workerData. */
  data: unknown;
}

export interface SyncRequest {
  id: number;
  request: unknown;
}

export type SyncAnswer = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/** Posted once when the worker's init failed. */
export interface BootFailure {
  bootError: string;
}

// ---- the two halves of one synchronous call, whichever thread blocks -----------------------
// SyncWorker blocks the calling thread on a worker; a plugin executor (host/executor/) blocks
// itself on the host thread that owns the plugin's world. Both use these.

export type SyncWaitResult<T> =
  | { ok: true; value: T }
  | { ok: false; reason: 'timeout' | 'crashed' | 'error'; message: string };

/**
 * The caller's half: after posting request `id` on its end of `port`, blocks until the
 * answer is published (or `deadline`, performance.now() milliseconds, passes; Infinity:
 * no limit) and takes it off the port. Messages on the port before it are dropped: the
 * caller owns its end and makes one call at a time, so they can only be answers to calls it
 * gave up on.
 */
export function waitForSyncAnswer<T>(port: MessagePort, state: Int32Array, id: number, deadline: number): SyncWaitResult<T> {
  for (;;) {
    const answered = Atomics.load(state, SLOT.answered);
    if (answered === id) break;
    if (answered === CRASHED) return { ok: false, reason: 'crashed', message: 'the worker crashed' };
    const remaining = deadline - performance.now();
    if (remaining <= 0) return { ok: false, reason: 'timeout', message: 'no answer in time' };
    Atomics.wait(state, SLOT.answered, answered, remaining === Infinity ? undefined : remaining);
  }
  for (;;) {
    const received = receiveMessageOnPort(port);
    // Cannot happen: the answer is posted before its id is published.
    if (!received) return { ok: false, reason: 'crashed', message: 'the worker answered without a message' };
    const answer = received.message as SyncAnswer;
    if (answer.id !== id) continue;
    return answer.ok ? { ok: true, value: answer.value as T } : { ok: false, reason: 'error', message: answer.error };
  }
}

/** The answering half: posts the answer, then publishes its id and wakes the caller. */
export function publishSyncAnswer(port: MessagePort, state: Int32Array, answer: SyncAnswer, transfer: ArrayBuffer[] = []): void {
  port.postMessage(answer, transfer);
  // The message is queued before the caller can see the id, so it will find it.
  Atomics.store(state, SLOT.answered, answer.id);
  Atomics.notify(state, SLOT.answered);
}

/** Tells a blocked caller that no answer will come. */
export function publishCrash(state: Int32Array): void {
  Atomics.store(state, SLOT.answered, CRASHED);
  Atomics.notify(state, SLOT.answered);
}
