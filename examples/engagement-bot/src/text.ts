// Spam detection and message texts, apart from the host API so they can be unit-tested.
import type {FediverseActor} from '@owncast/plugin-sdk'

/** Phrases no honest viewer types. Matched case-insensitively, ignoring extra spaces. */
const SPAM = [/\b(?:buy|cheap|free)\s+(?:followers|viewers|subs)\b/i, /\bbit\.ly\//i, /\bcrypto\s+giveaway\b/i]

export const isSpam = (body: string) => SPAM.some((re) => re.test(body))

/** How many spam messages from one connection before it is disconnected. */
export const KICK_AFTER = 3

/** The longest post excerpt sent to Discord. */
export const SNIPPET = 200

/** A post's text for Discord: one line, at most 200 characters then "…". */
export function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > SNIPPET ? `${flat.slice(0, SNIPPET)}…` : flat
}

export const actorName = (a: FediverseActor) => (a.name ? `${a.name} (${a.handle})` : a.handle)
