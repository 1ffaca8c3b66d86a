// The wire between SyncWorker (the calling thread) and serveSync (the worker): requests and
// answers travel over a MessagePort, and a few Int32 slots of shared memory let the caller
// block on Atomics.wait until its answer has been posted, then take it with
// receiveMessageOnPort. Measured against a growable SharedArrayBuffer carrying v8-serialized
// bytes both ways, this was as fast or faster for small calls and needs no buffer management
// for large ones (bench/offthread.bench.ts).

import type { MessagePort } from 'node:worker_threads';

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
