import {definePlugin, owncast, type ChatMessage} from '@owncast/plugin-sdk'

// A welcome bot: the first time a viewer writes in chat during a stream, the bot greets them by
// name. It remembers who it greeted in the plugin's KV store (storage.kv), which survives reloads
// and restarts, and forgets when the next stream starts.

/** KV key of the stream the bot is greeting for: a new value means everyone is greeted again. */
const STREAM_KEY = 'stream'

/** The admin's greeting (manifest "config"), else the default declared there. */
const greeting = (): string => owncast.config.get<string>('greeting', 'Welcome to the stream')

/** The welcome for a chat message, or undefined when the sender was already greeted (or is a bot). */
export function welcomeFor(msg: ChatMessage): string | undefined {
  const user = msg.user
  if (!user || user.isBot) return undefined // never greet bots, this one included
  const stream = owncast.kv.get(STREAM_KEY) ?? 'first'
  const key = `greeted:${user.id}` // by id: display names can change
  if (owncast.kv.get(key) === stream) return undefined
  owncast.kv.set(key, stream)
  return `${greeting()}, ${user.displayName}!`
}

definePlugin({
  onStreamStarted(info) {
    owncast.kv.set(STREAM_KEY, info.startedAt ?? new Date().toISOString())
  },

  onChatMessage(msg) {
    const welcome = welcomeFor(msg)
    if (welcome !== undefined) owncast.chat.send(welcome)
  },
})
