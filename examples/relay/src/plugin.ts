import {definePlugin, owncast, type ChatMessage} from '@owncast/plugin-sdk'

/**
 * The hook this plugin emits to. Custom hooks are namespaced on the receiver: announcer declares
 * `on: {'announcement.broadcast'}`, which the host registers under announcer's slug. An emitter
 * addresses the receiver's hook as "<receiver slug>.<hook>".
 */
export const ANNOUNCER_HOOK = 'announcer.announcement.broadcast'

/** What goes out with the event; announcer reads `text` and `by`. */
export interface Announcement {
  text: string
  by: string
  /** When the moderator asked for it (the message's timestamp). */
  at: string
}

const PREFIX = '/announce'

/** The announcement a chat message asks for, or null: moderators only, and it needs text. */
export function announcementFrom(msg: ChatMessage): Announcement | null {
  if (!msg.user || msg.user.isBot || !(msg.user.scopes ?? []).includes('MODERATOR')) return null
  const body = msg.body.trim()
  if (!body.startsWith(`${PREFIX} `)) return null
  const text = body.slice(PREFIX.length).trim()
  return text === '' ? null : {text, by: msg.user.displayName, at: msg.timestamp}
}

definePlugin({
  onChatMessage(msg) {
    const announcement = announcementFrom(msg)
    // Delivered to the receivers after this handler returns, never back to this plugin.
    if (announcement) owncast.events.emit(ANNOUNCER_HOOK, announcement)
  },
})
