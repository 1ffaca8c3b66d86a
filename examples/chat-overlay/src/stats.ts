import type {ChatMessage} from '@owncast/plugin-sdk'

/** What the overlay shows: how many messages since the last reset, and the latest one. */
export interface ChatStats {
  count: number
  last: {user: string; body: string; at: string} | null
  /** When counting started (the first message, or the last reset). */
  since: string | null
}

export const EMPTY_STATS: ChatStats = {count: 0, last: null, since: null}

/** The longest message text the overlay keeps: it shows one line, not a wall of text. */
export const MAX_BODY = 280

/** The stats after one more chat message. Pure, so it is tested without the host. */
export function countMessage(stats: ChatStats, msg: ChatMessage): ChatStats {
  const body = msg.body.length > MAX_BODY ? `${msg.body.slice(0, MAX_BODY - 1)}…` : msg.body
  return {
    count: stats.count + 1,
    last: {user: msg.user?.displayName ?? 'someone', body, at: msg.timestamp},
    since: stats.since ?? msg.timestamp,
  }
}

/** Text as HTML: the tab's markup is ours, the chat text in it is the viewers'. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)
}

/** The viewer page's "Chat stats" tab. */
export function statsTabHtml(stats: ChatStats): string {
  const last = stats.last
    ? `<p class="chat-overlay-last"><b>${escapeHtml(stats.last.user)}</b>: ${escapeHtml(stats.last.body)}</p>`
    : '<p class="chat-overlay-last">No messages yet.</p>'
  return `<div class="chat-overlay-tab"><p><span class="chat-overlay-count">${stats.count}</span> messages</p>${last}</div>`
}
