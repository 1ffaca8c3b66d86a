import {definePlugin, owncast} from '@owncast/plugin-sdk'
import {TOTAL_KEY, milestone, readCount, userKey} from './counter'

/** One more for this counter; returns the new count. */
function bump(key: string): number {
  const next = readCount(owncast.kv.get(key)) + 1
  owncast.kv.set(key, next)
  return next
}

definePlugin({
  onChatMessage(msg) {
    // bots (this one included) and messages without a sender are not counted
    if (!msg.user || msg.user.isBot) return
    bump(TOTAL_KEY)
    const text = milestone(msg.user.displayName, bump(userKey(msg.user.id)))
    if (text) owncast.chat.send(text)
  },
})
