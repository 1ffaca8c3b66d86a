// The worker side of a SyncWorker: answers each request with the handler's (possibly async)
// result and wakes the blocked caller.

import { workerData as rawWorkerData } from 'node:worker_threads';

import {
  BOOT_FAILED,
  BOOTING,
  publishCrash,
  publishSyncAnswer,
  READY,
  SLOT,
  type SyncAnswer,
  type SyncRequest,
  type SyncWorkerData,
} from './sync-protocol.js';

const own = rawWorkerData as SyncWorkerData;

/** The workerData the caller passed to createSyncWorker. */
export function syncWorkerData<T>(): T {
  return own.data as T;
}

/**
 * Names a helper process this worker started. The caller kills it (SIGKILL) when it ends
 * the worker: a process stuck in native code, unlike a thread, can be stopped.
 */
export function registerHelperPid(pid: number): void {
  Atomics.store(new Int32Array(own.state), SLOT.helperPid, pid);
}

/** The helper pid registered now: 0 once the caller took it to kill the helper itself. */
export function registeredHelperPid(): number {
  return Atomics.load(new Int32Array(own.state), SLOT.helperPid);
}

/**
 * Says the worker is starting again (a helper process it depends on died and is being
 * replaced): the caller's next call waits for {@link markReady} before its time limit starts,
 * as it waits for the worker's first start, instead of paying for the restart.
 */
export function markRestarting(): void {
  Atomics.store(new Int32Array(own.state), SLOT.ready, BOOTING);
}

/** The restart {@link markRestarting} announced is over (done or failed: calls go on either way). */
export function markReady(): void {
  const state = new Int32Array(own.state);
  Atomics.store(state, SLOT.ready, READY);
  Atomics.notify(state, SLOT.ready);
}

/** A handler's answer with buffers to move rather than copy back to the caller. */
export class Transfer<T> {
  constructor(
    readonly value: T,
    readonly list: ArrayBuffer[],
  ) {}
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Serves calls until the worker is ended. `init` runs first; calls wait for it, and the
 * caller does not count that time against a call's timeout.
 */
export async function serveSync<Req>(
  handler: (request: Req) => unknown | Promise<unknown>,
  init?: () => void | Promise<void>,
): Promise<void> {
  const { port } = own;
  const state = new Int32Array(own.state);
  const answer = (a: SyncAnswer, transfer: ArrayBuffer[] = []) => publishSyncAnswer(port, state, a, transfer);
  const crash = () => publishCrash(state);
  process.on('uncaughtException', (err) => {
    crash();
    console.error(err);
    process.exit(1);
  });

  try {
    await init?.();
  } catch (err) {
    port.postMessage({ bootError: message(err) });
    Atomics.store(state, SLOT.ready, BOOT_FAILED);
    Atomics.notify(state, SLOT.ready);
    return;
  }

  port.on('message', async ({ id, request }: SyncRequest) => {
    try {
      const result = await handler(request as Req);
      if (result instanceof Transfer) answer({ id, ok: true, value: result.value }, result.list);
      else answer({ id, ok: true, value: result });
    } catch (err) {
      answer({ id, ok: false, error: message(err) });
    }
  });
  Atomics.store(state, SLOT.ready, READY);
  Atomics.notify(state, SLOT.ready);
}
