// The counting rules, apart from the host API so they can be unit-tested without a host.

/** KV keys: one counter per viewer (by id, so a rename keeps the count) and one for the whole chat. */
export const userKey = (userId: string) => `count:${userId}`
export const TOTAL_KEY = 'total'

/** A stored counter; anything that is not a whole number (missing, corrupted) counts as 0. */
export function readCount(raw: string | null): number {
  if (raw === null || !/^\d+$/.test(raw)) return 0
  const n = Number(raw)
  return Number.isSafeInteger(n) ? n : 0
}

/** The message to post when a viewer reaches `count` messages, if that is a milestone. */
export function milestone(name: string, count: number): string | undefined {
  if (count === 1) return `Welcome, ${name}! That's your first message here.`
  if (count === 10 || count === 50 || (count >= 100 && count % 100 === 0)) return `${name} has sent ${count} messages!`
  return undefined
}
