// The misbehaviours, one function each. Every one of them is meant to fail (or to be stopped by
// the host); none of them runs unless a trigger asks for it.
import {owncast} from '@owncast/plugin-sdk'

/** Runs until the host's deadline stops it (50 ms in a filter, 500 ms in a notification, 5 s in HTTP). */
export function spin(): never {
  for (;;) {
    // nothing: the engine interrupts this at the export's budget
  }
}

/** 80 MiB in one go: past the 48 MiB JS heap and the 64 MiB memory cap. */
export function allocate(): number {
  const big = new Uint8Array(80 * 1024 * 1024)
  big[big.length - 1] = 1
  return big.length
}

/** Unbounded recursion: a JS "stack overflow" error, not a crash of the host. */
export function recurse(n: number): number {
  return recurse(n + 1) + 1
}

/** A string of `bytes` characters. */
export const huge = (bytes: number) => 'x'.repeat(bytes)

/** Many chat messages in one call. */
export function flood(count: number): void {
  for (let i = 1; i <= count; i++) owncast.chat.send(`stress flood ${i}/${count}`)
}

/** More timers than the host allows (64 pending): the 65th throws, failing the call. */
export function timerBomb(): void {
  for (let i = 0; i < 100; i++) owncast.timer.setTimeout(() => undefined, 60 * 60_000)
}
