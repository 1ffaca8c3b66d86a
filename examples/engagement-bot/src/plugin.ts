import {definePlugin, owncast, type ChatMessage, type FediverseInboundPost} from '@owncast/plugin-sdk'
import {KICK_AFTER, actorName, isSpam, snippet} from './text'

/** Spam messages per connection since the plugin started (kept in memory: a restart forgives). */
const strikes = new Map<number, number>()

const isModerator = (msg: ChatMessage) => (msg.user?.scopes ?? []).includes('MODERATOR')

function moderate(msg: ChatMessage): void {
  if (msg.user?.isBot || isModerator(msg) || !isSpam(msg.body)) return
  owncast.chat.deleteMessage(msg.id)
  owncast.log.info(`deleted spam from ${msg.user?.displayName ?? 'an unknown sender'}: ${snippet(msg.body)}`)
  if (msg.clientId === undefined) return
  const count = (strikes.get(msg.clientId) ?? 0) + 1
  strikes.set(msg.clientId, count)
  if (count >= KICK_AFTER) {
    owncast.chat.kick(msg.clientId)
    strikes.delete(msg.clientId)
    owncast.log.warning(`disconnected ${msg.user?.displayName ?? `client ${msg.clientId}`} after ${count} spam messages`)
  }
}

function relayPost(kind: 'mentioned you' | 'replied', post: FediverseInboundPost): void {
  // contentText is the post without HTML; the HTML in `content` comes from another server
  owncast.notifications.discord(`${actorName(post.actor)} ${kind}: "${snippet(post.contentText)}" ${post.url}`)
}

definePlugin({
  onChatMessage: moderate,

  onStreamStarted(info) {
    const title = info.title?.trim()
    owncast.notifications.discord(title ? `We're live: ${title}` : "We're live!")
    // Goes out publicly under the streamer's fediverse account; the host may rate-limit it.
    const posted = owncast.fediverse.post(title ? `Live now: ${title}` : 'Live now!')
    if (!posted) owncast.log.warning('the fediverse post was not published')
  },

  onFediverseFollow(ev) {
    owncast.notifications.browserPush({title: 'New follower', body: `${actorName(ev.actor)} followed you`, ...(ev.actor.url ? {url: ev.actor.url} : {})})
  },

  onFediverseMention(post) {
    relayPost('mentioned you', post)
  },

  onFediverseReply(post) {
    relayPost('replied', post)
  },
})
