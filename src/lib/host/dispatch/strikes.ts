// Strikes (DESIGN §3.3): five consecutive failures of any kind, on any path, disable a plugin
// everywhere until it is reloaded or re-enabled. Production counted only filter failures;
// we count every path so a plugin failing only in notifications cannot fail forever.

import { failureKind } from './failure.js';

export const STRIKE_THRESHOLD = 5;

/** Where a failure happened. */
export type StrikePath = 'filter' | 'notification' | 'command' | 'timer' | 'tick' | 'http' | 'content' | 'auth';

export interface StrikeBookOptions {
  threshold?: number;
  /** Called once per disable, with a sentence saying why. */
  onDisabled(slug: string, reason: string): void;
}

export class StrikeBook {
  readonly #threshold: number;
  readonly #onDisabled: (slug: string, reason: string) => void;
  readonly #counts = new Map<string, number>();
  readonly #disabled = new Set<string>();

  constructor(opts: StrikeBookOptions) {
    this.#threshold = opts.threshold ?? STRIKE_THRESHOLD;
    this.#onDisabled = opts.onDisabled;
  }

  recordSuccess(slug: string): void {
    this.#counts.delete(slug);
  }

  /**
   * Counts a failure. A call into an export the plugin does not have is benign (optional
   * exports) and does not count. Returns true when this failure disabled the plugin.
   */
  recordFailure(slug: string, path: StrikePath, err: unknown): boolean {
    if (failureKind(err) === 'missing-export') return false;
    const count = (this.#counts.get(slug) ?? 0) + 1;
    this.#counts.set(slug, count);
    if (count < this.#threshold || this.#disabled.has(slug)) return false;
    this.#disabled.add(slug);
    const message = err instanceof Error ? err.message : String(err);
    this.#onDisabled(slug, `${count} consecutive failures; the last, on the ${path} path: ${message}`);
    return true;
  }

  isDisabled(slug: string): boolean {
    return this.#disabled.has(slug);
  }

  /** Consecutive failures so far. */
  count(slug: string): number {
    return this.#counts.get(slug) ?? 0;
  }

  /** Forgets the plugin's strikes and re-enables it (reload, enable). */
  clear(slug: string): void {
    this.#counts.delete(slug);
    this.#disabled.delete(slug);
  }
}
