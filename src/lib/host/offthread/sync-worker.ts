// Calling a worker thread synchronously. Host functions under @extism/extism 1.0.3 run
// in-thread and must return a value, not a promise, so work that can hang (SQLite, the
// network) is posted to a worker while the calling thread blocks on Atomics.wait with a
// timeout. A call that overruns gets its worker ended (and the helper process it
// registered killed) and a fresh worker started, and the caller a timeout result: the
// next call works.

import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';

import { startWorker, type ModuleEntry } from './entry.js';
import {
  BOOT_FAILED,
  BOOTING,
  SLOT,
  STATE_SLOTS,
  waitForSyncAnswer,
  type BootFailure,
  type SyncWorkerData,
} from './sync-protocol.js';

export type SyncFailure = 'timeout' | 'error' | 'crashed' | 'boot-failed' | 'closed';

export type SyncCallResult<T> = { ok: true; value: T } | { ok: false; reason: SyncFailure; message: string };

export interface SyncWorkerOptions {
  /** The worker's module (libModule, or siblingEntry for a test's fixture); it calls serveSync(handler). */
  entry: ModuleEntry;
  /** Handed to the worker (syncWorkerData()); structured-cloned. */
  workerData?: unknown;
  /**
   * How long a new worker may take to become ready. Not counted against calls' timeouts:
   * starting a thread (and, from source, loading TypeScript) is the host's cost, not the
   * plugin's. Default 30 s, for a loaded two-core machine.
   */
  bootTimeoutMs?: number;
  /** Thread name in diagnostics. */
  name?: string;
}

export interface SyncWorker {
  /**
   * Sends `request` to the worker and blocks until it answers or `timeoutMs` passes. On a
   * timeout or a crash the worker is replaced before this returns. `transfer` moves buffers
   * instead of copying them.
   */
  call<T>(request: unknown, timeoutMs: number, transfer?: ArrayBuffer[]): SyncCallResult<T>;
  /**
   * Blocks until the worker has started (a fresh one takes a few hundred milliseconds, more
   * from source), so that a later call does not wait for it. False if it could not start.
   */
  warm(): boolean;
  /** Ends the worker now; later calls answer 'closed'. Idempotent. */
  close(): void;
  /** How many workers were thrown away after a timeout or crash. */
  readonly restarts: number;
}

interface Generation {
  worker: Worker;
  port: MessagePort;
  state: Int32Array;
}

// Helper processes outlive a killed thread; make sure none outlives the process either.
const live = new Set<SyncWorkerImpl>();
let exitHook = false;
function killAllHelpers(): void {
  for (const w of live) w.killHelper();
}

const failure = <T>(reason: SyncFailure, message: string): SyncCallResult<T> => ({ ok: false, reason, message });

class SyncWorkerImpl implements SyncWorker {
  readonly #opts: SyncWorkerOptions;
  #gen: Generation | null = null;
  #seq = 0;
  #closed = false;
  #restarts = 0;

  constructor(opts: SyncWorkerOptions) {
    this.#opts = opts;
    live.add(this);
    if (!exitHook) {
      exitHook = true;
      process.on('exit', killAllHelpers);
    }
    this.#gen = this.#spawn();
  }

  get restarts(): number {
    return this.#restarts;
  }

  call<T>(request: unknown, timeoutMs: number, transfer: ArrayBuffer[] = []): SyncCallResult<T> {
    if (this.#closed) return failure('closed', 'the worker is closed');
    const gen = (this.#gen ??= this.#spawn());
    const booted = this.#awaitReady(gen);
    if (booted) return booted as SyncCallResult<T>;

    const id = ++this.#seq;
    gen.port.postMessage({ id, request }, transfer);
    // NaN would make Atomics.wait wait forever; Infinity is a deliberate "no limit".
    const deadline = performance.now() + (Number.isNaN(timeoutMs) ? 0 : Math.max(0, timeoutMs));
    const result = waitForSyncAnswer<T>(gen.port, gen.state, id, deadline);
    if (result.ok) return result;
    if (result.reason === 'error') return failure('error', result.message);
    this.#replace();
    return failure(result.reason, result.reason === 'timeout' ? `no answer within ${timeoutMs} ms` : result.message);
  }

  warm(): boolean {
    if (this.#closed) return false;
    return this.#awaitReady((this.#gen ??= this.#spawn())) === null;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#end();
    live.delete(this);
  }

  /** Kills the current worker's helper process, if it registered one (taking its pid: the worker sees this was no death of its own). */
  killHelper(): void {
    const pid = this.#gen ? Atomics.exchange(this.#gen.state, SLOT.helperPid, 0) : 0;
    if (pid > 0) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  #spawn(): Generation {
    const { port1, port2 } = new MessageChannel();
    const shared = new SharedArrayBuffer(STATE_SLOTS * 4);
    const data: SyncWorkerData = { port: port2, state: shared, data: this.#opts.workerData };
    const worker = startWorker(this.#opts.entry, {
      workerData: data,
      transferList: [port2],
      name: this.#opts.name,
    });
    // An 'error' event without a listener would take the whole process down; the caller
    // learns of a dead worker through the crash flag or its timeout instead.
    worker.on('error', () => undefined);
    // Neither the thread nor its port may keep the process alive.
    worker.unref();
    port1.unref();
    return { worker, port: port1, state: new Int32Array(shared) };
  }

  /** Waits for a new worker's init; returns a failure result, or null once it is ready. */
  #awaitReady(gen: Generation): SyncCallResult<unknown> | null {
    let ready = Atomics.load(gen.state, SLOT.ready);
    if (ready === BOOTING) {
      Atomics.wait(gen.state, SLOT.ready, BOOTING, this.#opts.bootTimeoutMs ?? 30_000);
      ready = Atomics.load(gen.state, SLOT.ready);
    }
    if (ready === BOOTING) {
      this.#end();
      return failure('boot-failed', 'the worker did not start in time');
    }
    if (ready === BOOT_FAILED) {
      const posted = receiveMessageOnPort(gen.port)?.message as BootFailure | undefined;
      this.#end();
      return failure('boot-failed', posted?.bootError ?? 'the worker failed to start');
    }
    return null;
  }

  /** Ends the current worker and starts its replacement right away, so it boots while the caller carries on. */
  #replace(): void {
    this.#end();
    this.#restarts++;
    if (!this.#closed) this.#gen = this.#spawn();
  }

  #end(): void {
    const gen = this.#gen;
    if (!gen) return;
    this.killHelper();
    this.#gen = null;
    gen.port.close();
    gen.worker.terminate().catch(() => undefined);
  }
}

/** Starts a worker (it boots in the background) that can be called synchronously. */
export function createSyncWorker(opts: SyncWorkerOptions): SyncWorker {
  return new SyncWorkerImpl(opts);
}
