// The HTML the plugin contributes, apart from the host API so it can be unit-tested.
import type {ChatUser} from '@owncast/plugin-sdk'

/** What is playing, as kept in KV. */
export interface NowPlaying {
  song: string
  /** Who set it. */
  by: string
  /** When (the command message's timestamp). */
  since: string
}

/** Text as HTML: the song title comes from chat. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)
}

export function bannerHtml(np: NowPlaying | null): string {
  const song = np ? escapeHtml(np.song) : 'Nothing right now'
  return `<div class="ui-demo-banner"><span class="ui-demo-label">Now playing</span> <span class="ui-demo-song">${song}</span></div>`
}

export function nowPlayingTabHtml(np: NowPlaying | null, viewer: ChatUser | undefined): string {
  const hello = viewer ? `<p>Hi ${escapeHtml(viewer.displayName)}! Ask a moderator for a song.</p>` : '<p>Join the chat to ask for a song.</p>'
  const body = np
    ? `<p><strong>${escapeHtml(np.song)}</strong>, picked by ${escapeHtml(np.by)}.</p>`
    : '<p>Nothing is playing right now.</p>'
  return `<div class="ui-demo-tab"><h3>Now playing</h3>${body}${hello}</div>`
}

/** A colour safe to put into CSS: #rgb or #rrggbb, else the fallback. */
export const safeColor = (value: unknown, fallback: string) => (typeof value === 'string' && /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(value) ? value : fallback)

/** A poll interval safe to put into a script: 5 to 300 seconds, else 15. */
export const safeSeconds = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? Math.min(Math.max(Math.round(value), 5), 300) : 15)
