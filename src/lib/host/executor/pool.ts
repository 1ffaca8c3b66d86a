// serve's plugins, one thread each (issue 8): the InstanceFactory the host thread's PluginHost
// uses, and the watchdog over the executors' call boards. A call still running a second past
// its budget (a plugin.wasm without the engine's interrupt, a host call that blocks in the
// executor) gets only its own plugin's thread ended; the calls it owed fail with a PluginError
// naming the plugin and export, and the owner is told so it can put the plugin out.

import { PluginError } from '../../errors.js';
import type { PluginRuntime } from '../instance.js';
import type { RunningCall } from '../threaded/call-board.js';
import { overrunError, overrunMs, WATCHDOG_INTERVAL_MS } from '../threaded/watchdog.js';
import type { SqlLocation } from './protocol.js';
import { RemoteInstance } from './remote-instance.js';
import type { InstanceFactory, InstanceSpec } from './spec.js';

export interface ExecutorPoolOptions {
  /** Where storage.sql databases are; executors of plugins granted it run their own SQL service there. Null: SQL through the host thread. */
  sql: SqlLocation | null;
  /** Told as the host thread serves a plugin's host call (RemoteInstanceOptions.onServe). */
  onServe?(slug: string, exportName: string, budgetMs: number, startedAt: number): () => void;
  /** A plugin's call overran: its thread is being ended. Told before the calls it owed fail. */
  onOverrun?(call: RunningCall & { elapsedMs: number }): void;
  /** A plugin's thread ended by itself (not by the watchdog or a close). */
  onCrashed?(slug: string, message: string, exportName: string | undefined): void;
}

export class ExecutorPool implements InstanceFactory {
  readonly #opts: ExecutorPoolOptions;
  readonly #live = new Set<RemoteInstance>();
  readonly #watchdog: NodeJS.Timeout;

  constructor(opts: ExecutorPoolOptions) {
    this.#opts = opts;
    this.#watchdog = setInterval(() => this.#watch(), WATCHDOG_INTERVAL_MS).unref();
  }

  /** Executor threads running now. */
  get size(): number {
    return [...this.#live].filter((r) => r.alive).length;
  }

  async create(spec: InstanceSpec): Promise<PluginRuntime> {
    const instance = await RemoteInstance.start({
      spec,
      sql: this.#opts.sql,
      onServe: this.#opts.onServe,
      onDied: (dead, cause, exportName) => {
        this.#live.delete(dead);
        this.#opts.onCrashed?.(dead.slug, cause.message, exportName);
      },
    });
    this.#live.add(instance);
    return instance;
  }

  /** Stops the watchdog. The executors are closed by their owner (PluginHost.close closes its plugins). */
  close(): void {
    clearInterval(this.#watchdog);
  }

  #watch(): void {
    for (const instance of [...this.#live]) {
      if (!instance.alive) {
        this.#live.delete(instance);
        continue;
      }
      const running = instance.board.read();
      const elapsedMs = overrunMs(running);
      if (running && elapsedMs !== null) this.#overrun(instance, running, elapsedMs);
    }
  }

  #overrun(instance: RemoteInstance, running: RunningCall, elapsedMs: number): void {
    this.#live.delete(instance);
    this.#opts.onOverrun?.({ ...running, elapsedMs });
    const error = overrunError(running, elapsedMs, "the plugin's thread was ended and the plugin unloaded");
    let blamed = false;
    void instance.kill((exportName) =>
      !blamed && exportName === running.exportName && (blamed = true)
        ? error
        : new PluginError(`${running.slug}: ${exportName}() was not run: the plugin's thread was ended after ${running.exportName}() overran`, {
            slug: running.slug,
            exportName,
            failure: 'deadline',
            nextSteps: ['Load the plugin again once it is fixed.'],
          }),
    );
  }
}
