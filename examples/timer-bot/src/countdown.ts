// The countdown's arithmetic, apart from the host API so it can be unit-tested.

/** The seconds a countdown announces on its way down (then "Go!"). */
export const ANNOUNCED = new Set([30, 20, 10, 5, 3, 2, 1])

/** The longest countdown, in seconds. */
export const MAX_COUNTDOWN = 600

/** Whole seconds left before `endsAt` (rounded up, so "1" is said for the last second). */
export const secondsLeft = (endsAt: number, now: number) => Math.max(0, Math.ceil((endsAt - now) / 1000))

/** "!countdown 10" → 10; null unless a whole number from 1 to 600. */
export function parseSeconds(arg: string | undefined): number | null {
  if (!arg || !/^\d{1,3}$/.test(arg)) return null
  const n = Number(arg)
  return n >= 1 && n <= MAX_COUNTDOWN ? n : null
}

/** "!remind 5 stretch" → {minutes: 5, text: "stretch"}; null unless 1 to 120 minutes and some text. */
export function parseReminder(args: string[], argString: string): {minutes: number; text: string} | null {
  const [first] = args
  if (!first || !/^\d{1,3}$/.test(first)) return null
  const minutes = Number(first)
  const text = argString.slice(argString.indexOf(first) + first.length).trim()
  return minutes >= 1 && minutes <= 120 && text !== '' ? {minutes, text} : null
}
