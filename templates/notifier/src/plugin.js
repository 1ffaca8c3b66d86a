import {definePlugin, owncast} from '@owncast/plugin-sdk'

// Go-live notifications. When the stream starts, the plugin announces it in chat, through the
// Discord webhook configured in Owncast and by browser push (notifications.send); when it stops,
// it thanks chat and says how long the stream ran. The start time is kept in KV, so a restart of
// the server in between does not lose it.

const STARTED_KEY = 'startedAt'

/**
 * Fills {server}, {title} and {url} in the admin's announcement; an unknown {name} stays as written.
 * @param {string} template
 * @param {Record<string, string>} values
 * @returns {string}
 */
export function fillIn(template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, name) => values[name] ?? whole)
}

/**
 * "1 h 5 min", "12 min", "less than a minute".
 * @param {number} ms
 * @returns {string}
 */
export function duration(ms) {
  const minutes = Math.floor(ms / 60_000)
  if (minutes < 1) return 'less than a minute'
  const h = Math.floor(minutes / 60)
  const m = minutes % 60
  return h === 0 ? `${m} min` : m === 0 ? `${h} h` : `${h} h ${m} min`
}

definePlugin({
  onStreamStarted(info) {
    owncast.kv.set(STARTED_KEY, info.startedAt ?? '')
    const server = owncast.server.info()
    const title = info.title?.trim() || owncast.stream.current().title?.trim() || 'a new stream'
    const values = {server: server.name || 'The stream', title, url: server.url ?? ''}
    owncast.chat.send(`We are live: ${title}! Say hi in chat.`)

    const announcement = fillIn(owncast.config.get('announcement', '{server} is live: {title} {url}'), values).trim()
    if (owncast.config.get('discord', true)) {
      owncast.notifications.discord(announcement)
    }
    if (owncast.config.get('browserPush', true)) {
      owncast.notifications.browserPush({title: `${values.server} is live`, body: announcement, ...(values.url ? {url: values.url} : {})})
    }
  },

  onStreamStopped(info) {
    const ran = Date.parse(info.stoppedAt ?? '') - Date.parse(owncast.kv.get(STARTED_KEY) ?? '')
    owncast.kv.set(STARTED_KEY, '')
    owncast.chat.send(Number.isNaN(ran) ? 'Thanks for watching!' : `Thanks for watching! We were live for ${duration(ran)}.`)
  },

  onStreamTitleChanged(change) {
    if (change.to.trim() !== '') owncast.chat.send(`New title: ${change.to.trim()}`)
  },
})
