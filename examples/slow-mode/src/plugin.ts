import {definePlugin, filter, owncast, type ChatMessage} from '@owncast/plugin-sdk'
import {Limiter, intervalMs} from './limiter'

const DEFAULT_SECONDS = 2

// Held in the plugin instance's memory: a reload (or a new instance after a crash) forgets it,
// which for a rate limit of a few seconds does no harm. Keep state that must last in KV or SQL.
const limiter = new Limiter()

/** Who a message counts against: the user, else the connection; null when neither is known. */
function sender(msg: ChatMessage): string | null {
  if (msg.user) return `user:${msg.user.id}`
  return msg.clientId !== undefined ? `client:${msg.clientId}` : null
}

const exempt = (msg: ChatMessage) => !!msg.user && (msg.user.isBot === true || (msg.user.scopes ?? []).includes('MODERATOR'))

definePlugin({
  filterChatMessage(msg) {
    const who = sender(msg)
    // Time comes from the message, not the clock: the host stamps it when Owncast received it.
    const at = Date.parse(msg.timestamp)
    if (who === null || exempt(msg) || Number.isNaN(at)) return filter.pass()
    const interval = intervalMs(owncast.config.get('seconds'), DEFAULT_SECONDS)
    const verdict = limiter.check(who, at, interval)
    if (verdict.ok) return filter.pass()
    return filter.drop(`slow mode: one message every ${interval / 1000} s (wait ${Math.ceil(verdict.waitMs / 1000)} s)`)
  },
})
