import {definePlugin, filter, owncast} from '@owncast/plugin-sdk'

// A chat filter: every message passes through filterChatMessage before anyone sees it, and the
// plugin answers pass, modify (a changed message) or drop (nobody sees it). Filters must be quick
// (50 ms); when one fails, Owncast lets the message through.

/**
 * @typedef {object} FilterSettings
 * @property {string[]} blocked Lower-case words to mask.
 * @property {boolean} viewerLinks Whether viewers who are not moderators may post links.
 */

/** The admin's settings (manifest "config"), else the defaults declared there. @returns {FilterSettings} */
export function settings() {
  const words = owncast.config.get('blockedWords', '')
  return {
    blocked: words.split(',').map((w) => w.trim().toLowerCase()).filter((w) => w !== ''),
    viewerLinks: owncast.config.get('viewerLinks', false),
  }
}

const WORD = /[\p{L}\p{N}']+/gu
const LINK = /\bhttps?:\/\/|\bwww\.[a-z0-9-]+\.[a-z]/i

/** @param {import('@owncast/plugin-sdk').ChatMessage} msg */
const isModerator = (msg) => msg.user?.scopes?.includes('MODERATOR') ?? false

/**
 * Replaces each blocked word (whole words, any case) with asterisks of the same length.
 * @param {string} text
 * @param {readonly string[]} blocked
 */
export function mask(text, blocked) {
  return text.replace(WORD, (word) => (blocked.includes(word.toLowerCase()) ? '*'.repeat(word.length) : word))
}

/**
 * The verdict on one message.
 * @param {import('@owncast/plugin-sdk').ChatMessage} msg
 * @param {FilterSettings} s
 * @returns {import('@owncast/plugin-sdk').FilterResult}
 */
export function decide(msg, s) {
  if (!s.viewerLinks && !isModerator(msg) && LINK.test(msg.body)) return filter.drop('links are for moderators')
  const body = mask(msg.body, s.blocked)
  return body === msg.body ? filter.pass() : filter.modify({...msg, body})
}

definePlugin({
  filterChatMessage(msg) {
    return decide(msg, settings())
  },
})
