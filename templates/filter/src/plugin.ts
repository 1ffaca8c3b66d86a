import {definePlugin, filter, owncast, type ChatMessage, type FilterResult} from '@owncast/plugin-sdk'

// A chat filter: every message passes through filterChatMessage before anyone sees it, and the
// plugin answers pass, modify (a changed message) or drop (nobody sees it). Filters must be quick
// (50 ms); when one fails, Owncast lets the message through.

export interface FilterSettings {
  /** Lower-case words to mask. */
  blocked: string[]
  /** Whether viewers who are not moderators may post links. */
  viewerLinks: boolean
}

/** The admin's settings (manifest "config"), else the defaults declared there. */
export function settings(): FilterSettings {
  const words = owncast.config.get<string>('blockedWords', '')
  return {
    blocked: words.split(',').map((w) => w.trim().toLowerCase()).filter((w) => w !== ''),
    viewerLinks: owncast.config.get<boolean>('viewerLinks', false),
  }
}

const WORD = /[\p{L}\p{N}']+/gu
const LINK = /\bhttps?:\/\/|\bwww\.[a-z0-9-]+\.[a-z]/i

const isModerator = (msg: ChatMessage): boolean => msg.user?.scopes?.includes('MODERATOR') ?? false

/** Replaces each blocked word (whole words, any case) with asterisks of the same length. */
export function mask(text: string, blocked: readonly string[]): string {
  return text.replace(WORD, (word) => (blocked.includes(word.toLowerCase()) ? '*'.repeat(word.length) : word))
}

/** The verdict on one message. */
export function decide(msg: ChatMessage, s: FilterSettings): FilterResult {
  if (!s.viewerLinks && !isModerator(msg) && LINK.test(msg.body)) return filter.drop('links are for moderators')
  const body = mask(msg.body, s.blocked)
  return body === msg.body ? filter.pass() : filter.modify({...msg, body})
}

definePlugin({
  filterChatMessage(msg) {
    return decide(msg, settings())
  },
})
