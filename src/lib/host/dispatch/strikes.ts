// Strikes (DESIGN §3.3): five consecutive failures on any one path disable a plugin everywhere
// until it is reloaded or re-enabled. Production counted only filter failures; we count every
// path so a plugin failing only in notifications cannot fail forever. Counts are per path: a
// success on one path (its chat handler) must not excuse failures on another (its filter,
// timing out on every message), or such a plugin would never be disabled.

import { failureKind } from './failure.js';

export const STRIKE_THRESHOLD = 5;

/** Where a failure happened. */
export type StrikePath = 'filter' | 'notification' | 'command' | 'timer' | 'tick' | 'http' | 'content' | 'auth';

export interface StrikeBookOptions {
  threshold?: number;
  /** Called once per disable, with a sentence saying why. */
  onDisabled(slug: string, reason: string): void;
  /** Called for every failure counted (before the disable it may cause), with the path's count so far. */
  onStrike?(slug: string, path: StrikePath, count: number, err: unknown): void;
}

export class StrikeBook {
  readonly #threshold: number;
  readonly #onDisabled: (slug: string, reason: string) => void;
  readonly #onStrike: StrikeBookOptions['onStrike'];
  /** Consecutive failures by slug, then by path. */
  readonly #counts = new Map<string, Map<StrikePath, number>>();
  readonly #disabled = new Set<string>();

  constructor(opts: StrikeBookOptions) {
    this.#threshold = opts.threshold ?? STRIKE_THRESHOLD;
    this.#onDisabled = opts.onDisabled;
    this.#onStrike = opts.onStrike;
  }

  /** A call that worked resets its path's count (every path's, when none is named). */
  recordSuccess(slug: string, path?: StrikePath): void {
    if (path === undefined) this.#counts.delete(slug);
    else this.#counts.get(slug)?.delete(path);
  }

  /**
   * Counts a failure. A call into an export the plugin does not have is benign (optional
   * exports) and does not count. Returns true when this failure disabled the plugin.
   */
  recordFailure(slug: string, path: StrikePath, err: unknown): boolean {
    if (failureKind(err) === 'missing-export') return false;
    let byPath = this.#counts.get(slug);
    if (!byPath) this.#counts.set(slug, (byPath = new Map()));
    const count = (byPath.get(path) ?? 0) + 1;
    byPath.set(path, count);
    this.#onStrike?.(slug, path, count, err);
    if (count < this.#threshold || this.#disabled.has(slug)) return false;
    this.#disabled.add(slug);
    const message = err instanceof Error ? err.message : String(err);
    this.#onDisabled(slug, `${count} consecutive failures; the last, on the ${path} path: ${message}`);
    return true;
  }

  isDisabled(slug: string): boolean {
    return this.#disabled.has(slug);
  }

  /** Consecutive failures so far on the plugin's worst path (or on `path`). */
  count(slug: string, path?: StrikePath): number {
    const byPath = this.#counts.get(slug);
    if (!byPath) return 0;
    if (path !== undefined) return byPath.get(path) ?? 0;
    return Math.max(0, ...byPath.values());
  }

  /** Forgets the plugin's strikes and re-enables it (reload, enable). */
  clear(slug: string): void {
    this.#counts.delete(slug);
    this.#disabled.delete(slug);
  }
}
