import {definePlugin, owncast, type ChatMessage} from '@owncast/plugin-sdk'

const PREFIX = '!echo'

/** The text to echo back for a chat message, or undefined when it is not an echo request. */
export function echoReply(msg: ChatMessage): string | undefined {
  if (msg.user?.isBot) return undefined // never answer bots, including ourselves
  const body = msg.body.trim()
  if (body !== PREFIX && !body.startsWith(`${PREFIX} `)) return undefined
  const text = body.slice(PREFIX.length).trim()
  const who = msg.user?.displayName ?? 'someone'
  return text === '' ? `${who}, say "${PREFIX} something" and I will repeat it.` : `${who} said: ${text}`
}

definePlugin({
  onChatMessage(msg) {
    const reply = echoReply(msg)
    if (reply !== undefined) owncast.chat.send(reply)
  },
})
