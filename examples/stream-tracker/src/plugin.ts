import {definePlugin, owncast} from '@owncast/plugin-sdk'
import {duration, nameList} from './format'

/** KV "stream": the stream this plugin saw start; null when it is not live. */
interface Live {
  startedAt: string | null
  title: string
}

/** KV "users": who is in chat, by user id. */
type Present = Record<string, string>

const live = (): Live | null => owncast.kv.getJSON<Live | null>('stream', null)
const present = (): Present => owncast.kv.getJSON<Present>('users', {})
const setPresent = (users: Present) => owncast.kv.setJSON('users', users)

/** Milliseconds between two RFC 3339 times (NaN when either is missing or unreadable). */
const between = (from: string | null | undefined, to: string | null | undefined) => Date.parse(to ?? '') - Date.parse(from ?? '')

definePlugin({
  onStreamStarted(info) {
    const title = info.title?.trim() ?? ''
    owncast.kv.setJSON('stream', {startedAt: info.startedAt ?? null, title} satisfies Live)
    owncast.chat.sendAction(title ? `announces the stream is live: ${title}` : 'announces the stream is live!')
  },

  onStreamStopped(info) {
    const was = live()
    owncast.kv.setJSON('stream', null)
    const ran = between(was?.startedAt, info.stoppedAt)
    owncast.chat.sendAction(Number.isNaN(ran) ? 'says thanks for watching!' : `says thanks for watching! The stream ran for ${duration(ran)}.`)
  },

  onStreamTitleChanged(change) {
    const was = live()
    if (was) owncast.kv.setJSON('stream', {...was, title: change.to})
    owncast.chat.sendAction(`changed the title to "${change.to}"`)
  },

  onChatUserJoined(user) {
    if (user.isBot) return
    setPresent({...present(), [user.id]: user.displayName})
  },

  onChatUserParted(user) {
    const users = present()
    if (!(user.id in users)) return
    delete users[user.id]
    setPresent(users)
  },

  onChatUserRenamed(change) {
    const users = present()
    if (!(change.user.id in users)) return
    users[change.user.id] = change.user.displayName
    setPresent(users)
  },

  commands: {
    uptime: {
      description: 'How long the stream has been live',
      aliases: ['live'],
      run(ctx) {
        const was = live()
        if (!was) return ctx.reply('The stream is offline.')
        const ms = between(was.startedAt, ctx.msg.timestamp)
        ctx.reply(Number.isNaN(ms) ? 'The stream is live.' : `Live for ${duration(ms)}.`)
      },
    },
    who: {
      description: 'Who is in chat',
      run(ctx) {
        const names = Object.values(present())
        ctx.reply(names.length === 0 ? 'Nobody is in chat right now.' : `In chat (${names.length}): ${nameList(names)}`)
      },
    },
    server: {
      description: 'The server and the stream at a glance',
      run(ctx) {
        const name = owncast.server.info().name || 'This server'
        const stream = owncast.stream.current()
        if (!stream.online) return ctx.reply(`${name} is offline.`)
        const viewers = `${stream.viewers} ${stream.viewers === 1 ? 'viewer' : 'viewers'}`
        ctx.reply(stream.title ? `${name} is live with ${viewers}: "${stream.title}"` : `${name} is live with ${viewers}.`)
      },
    },
  },
})
