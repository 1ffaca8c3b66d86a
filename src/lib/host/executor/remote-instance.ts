// The coordinator's side of one plugin executor (executor-worker.ts): a PluginRuntime whose
// calls run in the executor's thread. Calls go to the executor as they are made and run there
// in order, one at a time; everything the executor says comes back on one port in the order
// it happened, so the host calls between one call's result and the next result belong to the
// oldest call not yet answered. While calls run, this thread is free, and answers those host
// calls with the plugin's real host functions, as if inside that call (withRunningCallContext:
// the dispatcher finds the call its emits belong to, owncast.auth the HTTP request's sink).

import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';

import { EngineCallError, withRunningCallContext, type CallOutput, type PluginRuntime } from '../instance.js';
import { libModule, startWorker } from '../offthread/entry.js';
import { publishSyncAnswer, STATE_SLOTS, type SyncAnswer } from '../offthread/sync-protocol.js';
import { CallBoardReader, createCallBoardMemory, sharedNow } from '../threaded/call-board.js';
import type { ExecutorData, ExecutorMessage, ExecutorRequest, SqlLocation } from './protocol.js';
import type { InstanceSpec } from './spec.js';

/** How long a new executor may take to start (from source, tsx compiles its modules on a loaded two-core machine). */
export const EXECUTOR_BOOT_TIMEOUT_MS = 60_000;
/** How long close() lets the executor close its instance and services before ending its thread. */
export const EXECUTOR_CLOSE_WAIT_MS = 2_000;
const TERMINATE_WAIT_MS = 2_000;

export interface RemoteInstanceOptions {
  spec: InstanceSpec;
  /** storage.sql run in the executor, for a plugin granted it; null: through this thread. */
  sql: SqlLocation | null;
  /**
   * Told as this thread starts serving one of the plugin's host calls, with the call it
   * belongs to; returns what to call when done. (The host thread's own call board: a host
   * function stuck here is the main thread's watchdog's business.)
   */
  onServe?(slug: string, exportName: string, budgetMs: number, startedAt: number): () => void;
  /** The executor's thread ended without being asked to (not by kill() or close()). */
  onDied?(instance: RemoteInstance, cause: Error, exportName: string | undefined): void;
}

/** Why an executor is gone: the error each call it owed, or is asked for later, fails with. */
export type Owed = (exportName: string) => Error;

interface Pending {
  id: number;
  exportName: string;
  context: unknown;
  budgetMs: number;
  /** sharedNow() when it was made. */
  queuedAt: number;
  resolve(output: CallOutput): void;
  reject(err: unknown): void;
}

const decoder = new TextDecoder();
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

class Output implements CallOutput {
  constructor(readonly bytes: Uint8Array | null) {}
  text(): string {
    return this.bytes ? decoder.decode(this.bytes) : '';
  }
}

export class RemoteInstance implements PluginRuntime {
  readonly slug: string;
  /** The executor's call board: what it runs now, for the watchdog. */
  readonly board: CallBoardReader;
  readonly #opts: RemoteInstanceOptions;
  readonly #worker: Worker;
  readonly #port: MessagePort;
  readonly #state: Int32Array;
  readonly #booted: Promise<void>;
  #boot: { resolve(): void; reject(err: Error): void } | null = null;
  /** Calls sent and not answered, oldest (the one running, or about to) first. */
  #pending: Pending[] = [];
  #drained: (() => void) | null = null;
  #seq = 0;
  #closing: Promise<void> | null = null;
  #closedAck: (() => void) | null = null;
  #ended: Owed | null = null;
  #exited: Promise<void>;
  #memoryBytes = 0;
  #recreations = 0;

  /** Starts the executor and resolves once its instance exists; rejects when it cannot be made. */
  static async start(opts: RemoteInstanceOptions): Promise<RemoteInstance> {
    const instance = new RemoteInstance(opts);
    try {
      await instance.#booted;
    } catch (err) {
      await instance.kill(() => new Error('the plugin thread did not start'));
      throw err;
    }
    return instance;
  }

  private constructor(opts: RemoteInstanceOptions) {
    this.#opts = opts;
    const { spec } = opts;
    this.slug = spec.identity.slug;
    const callBoard = createCallBoardMemory();
    this.board = new CallBoardReader(callBoard);
    const { port1, port2 } = new MessageChannel();
    const shared = new SharedArrayBuffer(STATE_SLOTS * 4);
    this.#port = port1;
    this.#state = new Int32Array(shared);
    const data: ExecutorData = {
      slug: this.slug,
      permissions: [...spec.identity.permissions],
      allowedHosts: [...spec.identity.manifest.network.allowedHosts],
      module: spec.module,
      config: spec.config,
      budgets: spec.budgets,
      callBoard,
      port: port2,
      state: shared,
      sql: opts.sql,
    };
    this.#booted = new Promise<void>((resolve, reject) => (this.#boot = { resolve, reject }));
    this.#booted.catch(() => undefined);
    const timer = setTimeout(() => this.#bootFailed(new Error(`the plugin thread did not start within ${EXECUTOR_BOOT_TIMEOUT_MS / 1000} s`)), EXECUTOR_BOOT_TIMEOUT_MS);
    timer.unref();
    this.#booted.finally(() => clearTimeout(timer)).catch(() => undefined);
    this.#port.on('message', (message: ExecutorMessage) => this.#onMessage(message));
    const worker = startWorker(libModule('host/executor/executor-worker'), {
      workerData: data,
      transferList: [port2],
      name: `owncast-plugin ${this.slug}`,
    });
    this.#worker = worker;
    // The host thread's own port keeps it alive; an idle plugin thread must not.
    worker.unref();
    this.#port.unref();
    this.#exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.on('error', (err) => this.#died(err));
    worker.on('exit', (code) => this.#died(new Error(`the plugin thread exited with code ${code}`)));
  }

  get memoryBytes(): number {
    return this.#memoryBytes;
  }

  get recreations(): number {
    return this.#recreations;
  }

  /** False once the thread was ended or closed. */
  get alive(): boolean {
    return this.#ended === null;
  }

  call(exportName: string, input: string | Uint8Array = '', context?: unknown, opts: { budgetMs?: number } = {}): Promise<CallOutput> {
    if (this.#ended) return Promise.reject(this.#ended(exportName));
    if (this.#closing) return Promise.reject(new EngineCallError('error', exportName, 'the plugin instance is closed'));
    const budgetMs = opts.budgetMs ?? this.#opts.spec.budgets[exportName] ?? 5_000;
    return new Promise<CallOutput>((resolve, reject) => {
      const id = ++this.#seq;
      const queuedAt = sharedNow();
      this.#pending.push({ id, exportName, context, budgetMs, queuedAt, resolve, reject });
      this.#post({ op: 'call', id, exportName, input, queuedAt, budgetMs });
    });
  }

  /** Lets the calls already made finish, then closes the instance in its thread and ends the thread. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (this.#pending.length > 0) await new Promise<void>((resolve) => (this.#drained = resolve));
      if (!this.#ended) {
        const acknowledged = new Promise<void>((resolve) => (this.#closedAck = resolve));
        this.#post({ op: 'close' });
        await Promise.race([acknowledged, delay(EXECUTOR_CLOSE_WAIT_MS)]);
      }
      await this.kill((exportName) => new EngineCallError('error', exportName, 'the plugin instance is closed'));
    })();
    return this.#closing;
  }

  /**
   * Ends the thread now, whatever it is doing (a call past its budget): the calls it owed, the
   * running one first, and every later one fail with `owed`. Resolves once the thread is gone,
   * or after a bounded wait.
   */
  async kill(owed: Owed): Promise<void> {
    if (!this.#ended) {
      this.#ended = owed;
      for (const p of this.#pending.splice(0)) p.reject(owed(p.exportName));
      this.#settled();
      this.#bootFailed(owed('register'));
      this.#port.close();
      void this.#worker.terminate().catch(() => undefined);
    }
    await Promise.race([this.#exited, delay(TERMINATE_WAIT_MS)]);
  }

  /** The call the executor runs now (or is about to): the oldest unanswered. */
  get #running(): Pending | undefined {
    return this.#pending[0];
  }

  #settled(): void {
    if (this.#pending.length > 0) return;
    this.#drained?.();
    this.#drained = null;
  }

  #post(request: ExecutorRequest): void {
    this.#worker.postMessage(request);
  }

  #onMessage(message: ExecutorMessage): void {
    switch (message.kind) {
      case 'host':
        this.#serve(message.id, message.name, message.args);
        return;
      case 'log':
        this.#opts.spec.logger[message.level](message.message);
        return;
      case 'warn':
        this.#opts.spec.warn(message.message);
        return;
      case 'result': {
        // answers come in the order the calls were sent
        const at = this.#pending.findIndex((p) => p.id === message.id);
        if (at < 0) return;
        const [call] = this.#pending.splice(at, 1);
        this.#memoryBytes = message.memoryBytes;
        this.#recreations = message.recreations;
        if (message.ok) call!.resolve(new Output(message.bytes));
        else {
          const e = message.error;
          call!.reject(new EngineCallError(e.kind, e.exportName, e.message, e.pluginStack));
        }
        this.#settled();
        return;
      }
      case 'ready':
        this.#boot?.resolve();
        this.#boot = null;
        return;
      case 'boot-failed':
        this.#bootFailed(new Error(message.message));
        return;
      case 'closed':
        this.#closedAck?.();
        return;
    }
  }

  /** Runs one of the plugin's host functions here, inside the call in flight, and wakes the executor with the answer. */
  #serve(id: number, name: string, args: Parameters<InstanceSpec['runHostCall']>[1]): void {
    if (this.#ended) return;
    const running = this.#running;
    const end = running ? this.#opts.onServe?.(this.slug, running.exportName, running.budgetMs, this.board.read()?.startedAt ?? running.queuedAt) : undefined;
    let answer: SyncAnswer;
    try {
      const value = name === '' ? undefined : withRunningCallContext(running?.context, () => this.#opts.spec.runHostCall(name, args));
      answer = { id, ok: true, value };
    } catch (err) {
      // the runner catches the bodies' errors; this is the host's own bug, and the plugin gets "nothing"
      this.#opts.spec.warn(`${name}: the host failed while serving plugin "${this.slug}": ${messageOf(err)}`);
      answer = { id, ok: false, error: messageOf(err) };
    } finally {
      end?.();
    }
    if (id !== 0) publishSyncAnswer(this.#port, this.#state, answer);
  }

  #bootFailed(err: Error): void {
    const boot = this.#boot;
    this.#boot = null;
    boot?.reject(err);
  }

  #died(cause: Error): void {
    if (this.#ended) return;
    const exportName = this.#running?.exportName;
    if (this.#boot) {
      this.#bootFailed(cause);
      void this.kill(() => cause);
      return;
    }
    void this.kill((name) => new EngineCallError('trap', name, `the plugin's thread died${exportName ? ` during ${exportName}()` : ''}: ${cause.message}`));
    this.#opts.onDied?.(this, cause, exportName);
  }
}
