// Which dispatcher call an emit came from, so it inherits that call's depth and waits for it.
//
// A plugin emits from inside a host function, synchronously, while its export runs. Node's
// AsyncLocalStorage carries the context we set around `plugin.call` into that host function
// (the instance's queue and Extism's call are promise chains started inside our `run`). If
// the call ever crosses a boundary that loses it (a worker thread), the instance still runs
// calls one at a time in the order they were made, so the oldest unfinished call we made into
// that plugin is the one running: that is the fallback.

import { AsyncLocalStorage } from 'node:async_hooks';

/** An event a plugin emitted during a call, waiting for the call to return. */
export interface QueuedEmit {
  eventType: string;
  payload: unknown;
  /** `payload` as JSON, spliced into envelopes as is. */
  json: string;
}

export interface CallContext {
  readonly slug: string;
  /** The depth this call's emits are dispatched at. */
  readonly emitDepth: number;
  readonly emits: QueuedEmit[];
}

export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

export class CallTracker {
  readonly #als = new AsyncLocalStorage<CallContext>();
  readonly #active = new Map<string, CallContext[]>();

  /** Runs one call into `slug`; resolves (never rejects) with its outcome and what it emitted. */
  async run<T>(slug: string, emitDepth: number, call: () => Promise<T>): Promise<{ settled: Settled<T>; emits: QueuedEmit[] }> {
    const ctx: CallContext = { slug, emitDepth, emits: [] };
    let queue = this.#active.get(slug);
    if (!queue) this.#active.set(slug, (queue = []));
    queue.push(ctx);
    let settled: Settled<T>;
    try {
      settled = { ok: true, value: await this.#als.run(ctx, call) };
    } catch (error) {
      settled = { ok: false, error };
    } finally {
      queue.splice(queue.indexOf(ctx), 1);
      if (queue.length === 0) this.#active.delete(slug);
    }
    return { settled, emits: ctx.emits };
  }

  /** The call of ours `slug` is running now, or undefined when it is running none of ours. */
  current(slug: string): CallContext | undefined {
    const store = this.#als.getStore();
    if (store?.slug === slug) return store;
    return this.#active.get(slug)?.[0];
  }
}
