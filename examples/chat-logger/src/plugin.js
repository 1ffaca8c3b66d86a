// Writes every chat event to the plugin log, in plain JavaScript. console.log, console.warn and
// console.error reach the same log as owncast.log.info / warning / error, so code written for a
// browser or Node logs the same way here. No permission is needed to receive chat events or to log.
import {definePlugin} from '@owncast/plugin-sdk'

/** The longest message text a log line keeps. */
const MAX_TEXT = 200

/** @param {import('@owncast/plugin-sdk').ChatUser | undefined} user */
function who(user) {
  if (!user) return '(unknown)'
  return user.isBot ? `${user.displayName} [bot]` : user.displayName
}

/** One line of text: newlines and tabs become spaces, long text is cut. @param {string} text */
function oneLine(text) {
  const flat = String(text).replace(/\s+/g, ' ').trim()
  return flat.length > MAX_TEXT ? `${flat.slice(0, MAX_TEXT - 1)}…` : flat
}

definePlugin({
  /** @param {import('@owncast/plugin-sdk').ChatMessage} msg */
  onChatMessage(msg) {
    console.log(`[chat] ${who(msg.user)}: ${oneLine(msg.body)}`)
  },

  /** @param {import('@owncast/plugin-sdk').ChatUser} user */
  onChatUserJoined(user) {
    console.log(`[join] ${who(user)}`)
  },

  /** @param {import('@owncast/plugin-sdk').ChatUser} user */
  onChatUserParted(user) {
    console.log(`[part] ${who(user)}`)
  },

  /** @param {import('@owncast/plugin-sdk').ChatUserRename} change */
  onChatUserRenamed(change) {
    console.log(`[rename] ${change.previousName} is now ${who(change.user)}`)
  },

  /** @param {import('@owncast/plugin-sdk').ChatMessageModeration} ev */
  onMessageModerated(ev) {
    const by = ev.moderator ? ` by ${who(ev.moderator)}` : ''
    // a hidden message is worth a warning in the admin's log; a restored one is not
    if (ev.visible) console.log(`[moderation] message ${ev.messageId} restored${by}`)
    else console.warn(`[moderation] message ${ev.messageId} hidden${by}`)
  },
})
