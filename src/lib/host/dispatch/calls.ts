// Which dispatcher call an emit came from, so it inherits that call's depth and waits for it.
//
// A plugin emits from inside a host function, synchronously, while its export runs. The
// context we pass to `plugin.call` is what the instance reports as running while the export
// executes (runningCallContext, instance.ts), so the host function finds its call exactly.
// If a call ever runs where that is lost (a worker thread), the instance still runs calls
// one at a time in the order they were made, so the oldest unfinished call we made into that
// plugin is the one running: that is the fallback.

import type { AuthSessionSink, AuthSinkCarrier } from '../env/auth.js';
import { runningCallContext } from '../instance.js';

/** An event a plugin emitted during a call, waiting for the call to return. */
export interface QueuedEmit {
  eventType: string;
  payload: unknown;
  /** `payload` as JSON, spliced into envelopes as is. */
  json: string;
}

export interface CallContext extends AuthSinkCarrier {
  readonly slug: string;
  /** The depth this call's emits are dispatched at. */
  readonly emitDepth: number;
  readonly emits: QueuedEmit[];
  /** on_http_request only: where owncast.auth.grantSession / endSession put the session cookie. */
  readonly authSink?: AuthSessionSink;
}

export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

export class CallTracker {
  readonly #active = new Map<string, CallContext[]>();

  /**
   * Runs one call into `slug`; resolves (never rejects) with its outcome and what it emitted.
   * `authSink` (on_http_request) rides in the call's context, where the auth host functions find it.
   */
  async run<T>(
    slug: string,
    emitDepth: number,
    call: (context: CallContext) => Promise<T>,
    authSink?: AuthSessionSink,
  ): Promise<{ settled: Settled<T>; emits: QueuedEmit[] }> {
    const ctx: CallContext = authSink ? { slug, emitDepth, emits: [], authSink } : { slug, emitDepth, emits: [] };
    let queue = this.#active.get(slug);
    if (!queue) this.#active.set(slug, (queue = []));
    queue.push(ctx);
    let settled: Settled<T>;
    try {
      settled = { ok: true, value: await call(ctx) };
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
    const running = runningCallContext() as CallContext | undefined;
    if (running && running.slug === slug && Array.isArray(running.emits)) return running;
    return this.#active.get(slug)?.[0];
  }
}
