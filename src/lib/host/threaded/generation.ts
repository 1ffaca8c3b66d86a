// One host worker, from start to end: its thread, its call board, the requests it has not
// answered yet. The ThreadedHost replaces a generation that overran or died with a new one;
// this file only knows how to run one.

import type { Worker } from 'node:worker_threads';

import type { HostActivity } from '../activity.js';
import { libModule, startWorker } from '../offthread/entry.js';
import { CallBoardReader, createCallBoardMemory } from './call-board.js';
import { shareEngineModule, sharedEngineModule } from './engine-share.js';
import type { HostRequest, HostWorkerData, HostWorkerOptions, MainMessage, WorkerMessage } from './protocol.js';
import { fromWireError } from './wire-errors.js';

/** How long a new worker may take to start (from source, tsx compiles the host on a loaded two-core machine). */
export const BOOT_TIMEOUT_MS = 60_000;
/** How long ending a thread may take before the next one starts anyway. */
const TERMINATE_WAIT_MS = 2_000;

export interface GenerationEvents {
  /** A message that is not an answer: a log line, a plugin disabled by strikes. */
  message(message: WorkerMessage): void;
  /** A batch of activity, in order. The worker sends the next ones once this has returned. */
  activity(events: HostActivity[]): void;
  /** The thread ended (crashed, exited, or never started) without being asked to. */
  died(cause: Error): void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export class Generation {
  readonly number: number;
  readonly board: CallBoardReader;
  /** Resolves when the worker says it is ready; rejects if it dies or times out first. */
  readonly booted: Promise<void>;
  /**
   * Resolves when requests may be sent: booted and the plugins loaded again (the ThreadedHost
   * calls markReady), or ended. Never rejects.
   */
  readonly ready: Promise<void>;
  #markReady!: () => void;
  #worker: Worker | null = null;
  readonly #inflight = new Map<number, Pending>();
  readonly #events: GenerationEvents;
  #seq = 0;
  #alive = true;
  #hasBooted = false;

  /** Starts the thread once `after` (the previous generation's end) has settled. */
  constructor(opts: { number: number; options: HostWorkerOptions; events: GenerationEvents; after?: Promise<unknown> }) {
    this.number = opts.number;
    this.#events = opts.events;
    const memory = createCallBoardMemory();
    this.board = new CallBoardReader(memory);
    this.ready = new Promise((resolve) => (this.#markReady = resolve));
    const data: HostWorkerData = { options: opts.options, callBoard: memory };
    this.booted = (opts.after ?? Promise.resolve()).then(() => this.#spawn(data));
    // A thread that could not even be created (startWorker threw) has no 'exit' to report it.
    // The host ignores a second report of the same death.
    this.booted.catch((err: unknown) => {
      if (this.#alive) this.#events.died(err instanceof Error ? err : new Error(String(err)));
    });
  }

  get alive(): boolean {
    return this.#alive;
  }

  get hasBooted(): boolean {
    return this.#hasBooted;
  }

  markReady(): void {
    this.#markReady();
  }

  /** Sends a request and resolves with its answer, or rejects with its error re-created. */
  send(request: HostRequest): Promise<unknown> {
    const worker = this.#worker;
    if (!this.#alive || !worker) return Promise.reject(new Error('the host worker is not running'));
    const id = ++this.#seq;
    return new Promise((resolve, reject) => {
      this.#inflight.set(id, { resolve, reject });
      this.#holdProcess();
      worker.postMessage({ ...request, id } satisfies MainMessage);
    });
  }

  /**
   * Ends the thread: every unanswered request is rejected with `error`, waiting requests are
   * let go (they find the next generation). Resolves once the thread is gone, or after a
   * bounded wait. Idempotent.
   */
  end(error: unknown): Promise<void> {
    if (!this.#alive) return Promise.resolve();
    this.#alive = false;
    const pending = [...this.#inflight.values()];
    this.#inflight.clear();
    for (const p of pending) p.reject(error);
    this.#markReady();
    const worker = this.#worker;
    if (!worker) return Promise.resolve();
    return Promise.race([worker.terminate().then(() => undefined, () => undefined), delay(TERMINATE_WAIT_MS)]);
  }

  #spawn(data: HostWorkerData): Promise<void> {
    if (!this.#alive) return Promise.reject(new Error('ended before it started'));
    // read now, not when constructed: the generation before may have sent it meanwhile
    const engineModule = sharedEngineModule();
    if (engineModule) data = { ...data, engineModule };
    const worker = startWorker(libModule('host/threaded/host-worker'), { workerData: data, name: `owncast-plugin host ${this.number}` });
    this.#worker = worker;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => die(new Error(`it did not start within ${BOOT_TIMEOUT_MS / 1000} s`)), BOOT_TIMEOUT_MS).unref();
      const die = (cause: Error) => {
        clearTimeout(timer);
        if (!this.#hasBooted) reject(cause);
        if (this.#alive) this.#events.died(cause);
      };
      worker.on('message', (message: WorkerMessage) => {
        if (message.kind === 'ready') {
          clearTimeout(timer);
          this.#hasBooted = true;
          this.#holdProcess();
          resolve();
        } else if (message.kind === 'boot-failed') {
          die(fromWireError(message.error));
        } else if (message.kind === 'result') {
          this.#answer(message);
        } else if (message.kind === 'engine-module') {
          shareEngineModule(message.module);
        } else if (message.kind === 'activity') {
          // what plugins did before the thread ended still happened: delivered either way
          try {
            this.#events.activity(message.events);
          } finally {
            // the ack is the worker's permission to send more (activity-queue.ts)
            if (this.#alive) worker.postMessage({ op: 'activity-ack' } satisfies MainMessage);
          }
        } else if (message.kind === 'log' || this.#alive) {
          // log lines still count after the end: what a plugin printed before it got stuck
          this.#events.message(message);
        }
      });
      worker.on('error', (err) => die(err));
      worker.on('exit', (code) => die(new Error(`the host thread exited with code ${code}`)));
    });
  }

  #answer(message: Extract<WorkerMessage, { kind: 'result' }>): void {
    const pending = this.#inflight.get(message.id);
    if (!pending) return; // answered after the generation was ended: already rejected
    this.#inflight.delete(message.id);
    this.#holdProcess();
    if (message.ok) pending.resolve(message.value);
    else pending.reject(fromWireError(message.error));
  }

  // The thread keeps the process alive while it starts or owes an answer, and not when idle:
  // an idle host must not stop a CLI from exiting, a pending request must not be abandoned.
  #holdProcess(): void {
    const worker = this.#worker;
    if (!worker) return;
    if (!this.#hasBooted || this.#inflight.size > 0) worker.ref();
    else worker.unref();
  }
}
