// The rate limit itself, apart from the host API so it can be unit-tested without a host.

/** When each sender's last accepted message was sent (ms since the epoch). */
export class Limiter {
  readonly #last = new Map<string, number>()

  /** How many senders it remembers (old entries are swept as it goes). */
  get size(): number {
    return this.#last.size
  }

  /**
   * Whether a message from `sender` at `at` may pass with `intervalMs` between messages. Only an
   * accepted message restarts the sender's clock: a dropped one does not push the next one back.
   * Returns the milliseconds still to wait when it may not.
   */
  check(sender: string, at: number, intervalMs: number): {ok: true} | {ok: false; waitMs: number} {
    const last = this.#last.get(sender)
    if (last !== undefined && at >= last && at - last < intervalMs) return {ok: false, waitMs: intervalMs - (at - last)}
    this.#last.set(sender, at)
    if (this.#last.size > 1000) this.#sweep(at, intervalMs)
    return {ok: true}
  }

  /** Forgets senders whose last message is older than the interval: they would pass anyway. */
  #sweep(now: number, intervalMs: number): void {
    for (const [sender, last] of this.#last) if (now - last >= intervalMs) this.#last.delete(sender)
  }
}

/** The configured interval in ms: a positive number of seconds, else the default. */
export function intervalMs(seconds: unknown, fallbackSeconds: number): number {
  const s = typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? seconds : fallbackSeconds
  return Math.round(s * 1000)
}
