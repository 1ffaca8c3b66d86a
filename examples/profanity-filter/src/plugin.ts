import {definePlugin, filter, type ChatMessage, type FilterResult} from '@owncast/plugin-sdk'

const DEFAULT_BANNED = ['darn', 'heck', 'frick', 'blast']

/**
 * The banned words, lower-case. Async on purpose: a real filter might load its list from storage
 * or config; the engine runs the promise to completion within the filter's budget.
 */
export async function loadBannedWords(): Promise<string[]> {
  const words = await Promise.resolve(DEFAULT_BANNED)
  return words.map((w) => w.toLowerCase())
}

const WORD = /[A-Za-z]+/g

/** Replaces every banned word (any case, whole words only) with asterisks of the same length. */
export function maskBannedWords(text: string, banned: readonly string[]): string {
  return text.replace(WORD, (word) => (banned.includes(word.toLowerCase()) ? '*'.repeat(word.length) : word))
}

/** True when a banned word is written entirely in capitals ("DARN"): shouting it is dropped. */
export function shoutsBannedWord(text: string, banned: readonly string[]): boolean {
  return (text.match(WORD) ?? []).some((word) => banned.includes(word.toLowerCase()) && word === word.toUpperCase())
}

/** The filter decision for one message. */
export function decide(msg: ChatMessage, banned: readonly string[]): FilterResult {
  if (shoutsBannedWord(msg.body, banned)) return filter.drop('shouting a banned word')
  const masked = maskBannedWords(msg.body, banned)
  return masked === msg.body ? filter.pass() : filter.modify({...msg, body: masked})
}

definePlugin({
  async filterChatMessage(msg) {
    return decide(msg, await loadBannedWords())
  },
})
