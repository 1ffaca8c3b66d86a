// Host-driven timers (production timer.go): plugins have no event loop, so they ask the host
// to call them back with timer.fire. In memory only; cancelled on unload and disable.

import { realScheduler, type Scheduler } from './scheduler.js';

/** What the host functions owncast_timer_set / owncast_timer_clear need. */
export interface TimerService {
  /** Arms (or re-arms) timer `id`; false when the plugin already has its maximum pending. */
  set(slug: string, id: bigint, delayMs: bigint, repeat: boolean): boolean;
  clear(slug: string, id: bigint): void;
}

export const MAX_TIMERS_PER_PLUGIN = 64;
export const MIN_TIMER_DELAY_MS = 100;
export const MAX_TIMER_DELAY_MS = 24 * 60 * 60 * 1000;

export interface TimerHubOptions {
  /** Delivers timer.fire to the plugin; resolves when its callback has returned. Must not reject. */
  fire(slug: string, id: bigint): Promise<void>;
  scheduler?: Scheduler;
  maxPerPlugin?: number;
}

interface Entry {
  slug: string;
  id: bigint;
  delayMs: number;
  repeat: boolean;
  handle: unknown;
  cancelled: boolean;
}

export class TimerHub implements TimerService {
  readonly #fire: (slug: string, id: bigint) => Promise<void>;
  readonly #scheduler: Scheduler;
  readonly #max: number;
  readonly #timers = new Map<string, Map<bigint, Entry>>();
  readonly #inFlight = new Set<Promise<void>>();

  constructor(opts: TimerHubOptions) {
    this.#fire = opts.fire;
    this.#scheduler = opts.scheduler ?? realScheduler;
    this.#max = opts.maxPerPlugin ?? MAX_TIMERS_PER_PLUGIN;
  }

  set(slug: string, id: bigint, delayMs: bigint, repeat: boolean): boolean {
    // ids are uint64 on the wire; an i64 slot may carry them as negative numbers
    const key = BigInt.asUintN(64, id);
    let timers = this.#timers.get(slug);
    const existing = timers?.get(key);
    if (existing) this.#cancel(existing);
    else if ((timers?.size ?? 0) >= this.#max) return false;
    if (!timers) this.#timers.set(slug, (timers = new Map()));
    const entry: Entry = { slug, id: key, delayMs: clampDelay(delayMs), repeat, handle: undefined, cancelled: false };
    timers.set(key, entry);
    this.#arm(entry);
    return true;
  }

  clear(slug: string, id: bigint): void {
    const entry = this.#timers.get(slug)?.get(BigInt.asUintN(64, id));
    if (!entry) return;
    this.#cancel(entry);
    this.#remove(entry);
  }

  /** Drops every pending timer of a plugin (unload, reload, disable). */
  cancelAll(slug: string): void {
    const timers = this.#timers.get(slug);
    if (!timers) return;
    for (const entry of timers.values()) this.#cancel(entry);
    this.#timers.delete(slug);
  }

  /** Timers the plugin has pending (an interval stays pending while its callback runs). */
  pending(slug: string): number {
    return this.#timers.get(slug)?.size ?? 0;
  }

  /** Resolves when no timer callback is running. */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
  }

  close(): void {
    for (const slug of [...this.#timers.keys()]) this.cancelAll(slug);
  }

  #arm(entry: Entry): void {
    entry.handle = this.#scheduler.setTimeout(() => this.#track(this.#run(entry)), entry.delayMs);
  }

  #track(run: Promise<void>): Promise<void> {
    this.#inFlight.add(run);
    return run.finally(() => this.#inFlight.delete(run));
  }

  async #run(entry: Entry): Promise<void> {
    if (entry.cancelled) return;
    await this.#fire(entry.slug, entry.id).catch(() => undefined);
    if (entry.cancelled) return;
    // re-armed only now that the callback has returned, so a slow callback cannot pile up
    if (entry.repeat) this.#arm(entry);
    else this.#remove(entry);
  }

  #cancel(entry: Entry): void {
    entry.cancelled = true;
    this.#scheduler.clearTimeout(entry.handle);
  }

  #remove(entry: Entry): void {
    const timers = this.#timers.get(entry.slug);
    if (timers?.get(entry.id) !== entry) return;
    timers.delete(entry.id);
    if (timers.size === 0) this.#timers.delete(entry.slug);
  }
}

function clampDelay(delayMs: bigint): number {
  if (delayMs < BigInt(MIN_TIMER_DELAY_MS)) return MIN_TIMER_DELAY_MS;
  if (delayMs > BigInt(MAX_TIMER_DELAY_MS)) return MAX_TIMER_DELAY_MS;
  return Number(delayMs);
}
