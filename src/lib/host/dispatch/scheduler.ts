// The clock behind timers and tick, injectable so tests and scenario runs control time.

/** A task's callback; a promise it returns is awaited by {@link ManualScheduler.advance}. */
export type ScheduledTask = () => void | Promise<void>;

export interface Scheduler {
  /** Runs `task` after `ms`. Real schedulers must not let the pending task keep the process alive. */
  setTimeout(task: ScheduledTask, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Wall-clock time in Unix milliseconds (the tick payload). */
  now(): number;
}

/** Node's timers, unref'd: a plugin's pending timer never keeps the host process running. */
export const realScheduler: Scheduler = {
  setTimeout(task, ms) {
    const handle = setTimeout(() => void task(), ms);
    handle.unref();
    return handle;
  },
  clearTimeout(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
  now: () => Date.now(),
};

interface ManualTask {
  at: number;
  seq: number;
  task: ScheduledTask;
}

/**
 * A scheduler whose time moves only when told to. `advance` runs due tasks in time order and
 * waits for each (a timer's plugin call, its re-arm) before looking for the next, so
 * intervals re-armed along the way fire within the same advance when they fall due.
 */
export class ManualScheduler implements Scheduler {
  #now: number;
  #seq = 0;
  readonly #tasks = new Set<ManualTask>();

  constructor(startMs = 0) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(task: ScheduledTask, ms: number): unknown {
    const entry: ManualTask = { at: this.#now + Math.max(0, ms), seq: this.#seq++, task };
    this.#tasks.add(entry);
    return entry;
  }

  clearTimeout(handle: unknown): void {
    this.#tasks.delete(handle as ManualTask);
  }

  /** Tasks waiting to run. */
  get pending(): number {
    return this.#tasks.size;
  }

  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    for (;;) {
      let next: ManualTask | undefined;
      for (const t of this.#tasks) {
        if (t.at <= target && (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq))) next = t;
      }
      if (!next) break;
      this.#tasks.delete(next);
      this.#now = next.at;
      await next.task();
    }
    this.#now = target;
  }
}
