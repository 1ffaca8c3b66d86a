// The worker's outbox for activity events (activity.ts). A plugin can emit or sse.send in a
// tight loop far faster than the main thread can take the events, and postMessage queues
// without limit on the receiving side. So events go out in batches, at most
// ACTIVITY_BATCHES_IN_FLIGHT unacknowledged at a time (the main thread acknowledges each
// batch once its handler has run), and what waits here is bounded by count and by bytes.
// Past the bound the newest events are dropped and counted, and one `dropped` event takes
// their place in the stream once there is room again: order is kept, nothing grows.

import type { ActivityType, HostActivity } from '../activity.js';

/** Events waiting to go out (not counting batches in flight). */
export const MAX_PENDING_ACTIVITY = 1000;
/** UTF-16 code units of text the waiting events may hold (SSE data can be large). */
export const MAX_PENDING_ACTIVITY_CHARS = 8 * 1024 * 1024;
/** Events per batch. */
export const ACTIVITY_BATCH_SIZE = 500;
/** Batches posted and not yet acknowledged. */
export const ACTIVITY_BATCHES_IN_FLIGHT = 2;

export interface ActivityQueueOptions {
  /** Sends one batch to the main thread. */
  post(batch: HostActivity[]): void;
  /** Runs `flush` soon, after the current plugin call (setImmediate). */
  schedule(flush: () => void): void;
  now?(): number;
}

const NOTICE_WEIGHT = 256;

/** Roughly how much memory an event's text holds: SSE data and chat text dominate. */
function weight(e: HostActivity): number {
  switch (e.type) {
    case 'sse':
      return e.data.length + e.channel.length + e.event.length + 64;
    case 'chat':
      return e.text.length + 64;
    case 'emit':
      return e.payload.length + e.eventType.length + 64;
    default:
      return NOTICE_WEIGHT;
  }
}

export class ActivityQueue {
  readonly #opts: ActivityQueueOptions;
  readonly #now: () => number;
  #pending: HostActivity[] = [];
  #pendingChars = 0;
  #inFlight = 0;
  #scheduled = false;
  #dropped = 0;
  #droppedByType: Partial<Record<ActivityType, number>> = {};

  constructor(opts: ActivityQueueOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
  }

  /** Events waiting (for tests and diagnostics). */
  get pending(): number {
    return this.#pending.length;
  }

  push(event: HostActivity): void {
    const w = weight(event);
    // after a gap the notice goes first, so there must be room for both
    const gap = this.#dropped > 0;
    if (!this.#hasRoom(gap ? 2 : 1, gap ? w + NOTICE_WEIGHT : w)) {
      this.#dropped++;
      this.#droppedByType[event.type] = (this.#droppedByType[event.type] ?? 0) + 1;
      return;
    }
    if (gap) this.#enqueue(this.#droppedNotice());
    this.#enqueue(event, w);
    // a full batch need not wait for the call to end, if the main thread has room for it
    if (this.#pending.length >= ACTIVITY_BATCH_SIZE && this.#inFlight < ACTIVITY_BATCHES_IN_FLIGHT) this.flush();
    else this.#schedule();
  }

  /** The main thread has handled a batch. */
  acknowledge(): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
    this.flush();
  }

  /** Sends what waits, as far as the batches in flight allow. */
  flush(): void {
    while (this.#inFlight < ACTIVITY_BATCHES_IN_FLIGHT && (this.#pending.length > 0 || this.#dropped > 0)) {
      // everything still waiting is older than what was dropped: the notice goes after it
      if (this.#dropped > 0 && this.#pending.length < ACTIVITY_BATCH_SIZE) this.#enqueue(this.#droppedNotice());
      const batch = this.#pending.splice(0, ACTIVITY_BATCH_SIZE);
      this.#pendingChars = this.#pending.reduce((sum, e) => sum + weight(e), 0);
      this.#inFlight++;
      this.#opts.post(batch);
    }
  }

  #hasRoom(events: number, chars: number): boolean {
    return this.#pending.length + events <= MAX_PENDING_ACTIVITY && this.#pendingChars + chars <= MAX_PENDING_ACTIVITY_CHARS;
  }

  #enqueue(event: HostActivity, w = weight(event)): void {
    this.#pending.push(event);
    this.#pendingChars += w;
  }

  #droppedNotice(): HostActivity {
    const notice: HostActivity = { at: this.#now(), type: 'dropped', count: this.#dropped, byType: this.#droppedByType };
    this.#dropped = 0;
    this.#droppedByType = {};
    return notice;
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    this.#opts.schedule(() => {
      this.#scheduled = false;
      this.flush();
    });
  }
}
