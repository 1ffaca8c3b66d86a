// Receives a custom event and posts it in chat, in plain JavaScript.
//
// Custom hooks are namespaced on the receiver: `on: {'announcement.broadcast'}` in the plugin
// whose slug is "announcer" is registered as "announcer.announcement.broadcast", so that is the
// name another plugin emits (see examples/relay). The handler is called under its local name.
// No permission is needed to receive an event; posting needs chat.send.
import {definePlugin, owncast} from '@owncast/plugin-sdk'

/** Text as HTML: system messages are HTML, and the announcement text comes from a viewer. @param {string} text */
function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)
}

definePlugin({
  on: {
    /** @param {{text?: unknown, by?: unknown, at?: unknown} | null} payload */
    'announcement.broadcast'(payload) {
      const text = payload && typeof payload.text === 'string' ? payload.text.trim() : ''
      if (text === '') {
        owncast.log.warning('ignored an announcement without text')
        return
      }
      const by = payload && typeof payload.by === 'string' && payload.by.trim() !== '' ? payload.by.trim() : 'the team'
      owncast.chat.system(`<strong>Announcement:</strong> ${escapeHtml(text)} <em>(${escapeHtml(by)})</em>`)
      owncast.log.info(`announced "${text}" from ${by}`)
    },
  },
})
