import {definePlugin, owncast} from '@owncast/plugin-sdk'

// A stream overlay. public/overlay.html is a page to add to OBS as a browser source, served at
// /plugins/<slug>/overlay.html. It loads the current state from /state (onHttpRequest below), then
// listens on the SSE channel "overlay" (/plugins/<slug>/_sse/overlay), where the plugin pushes
// every change as it happens.

/**
 * What the overlay shows. Kept in KV, so a reload of the plugin or of the page starts from it.
 * @typedef {object} OverlayState
 * @property {number} messages Chat messages since the stream started.
 * @property {{user: string, body: string} | null} last The latest message, or null before the first.
 */

const STATE_KEY = 'state'
const CHANNEL = 'overlay'
/** Longer messages are cut, so one message cannot fill the screen. */
const MAX_BODY = 140
/** @type {OverlayState} */
const EMPTY = {messages: 0, last: null}

/** @returns {OverlayState} */
const load = () => owncast.kv.getJSON(STATE_KEY, EMPTY)

/**
 * Stores the state and pushes it to every open overlay.
 * @param {OverlayState} state
 */
function publish(state) {
  owncast.kv.setJSON(STATE_KEY, state)
  owncast.sse.send(CHANNEL, 'state', state)
}

/**
 * The state after one more chat message.
 * @param {OverlayState} state
 * @param {import('@owncast/plugin-sdk').ChatMessage} msg
 * @returns {OverlayState}
 */
export function withMessage(state, msg) {
  const body = msg.body.length > MAX_BODY ? `${msg.body.slice(0, MAX_BODY - 1)}…` : msg.body
  return {messages: state.messages + 1, last: {user: msg.user?.displayName ?? 'someone', body}}
}

/**
 * @param {import('@owncast/plugin-sdk').IncomingHttpRequest} req
 * @returns {import('@owncast/plugin-sdk').OutgoingHttpResponse}
 */
function route(req) {
  if (req.path === '/state' && req.method === 'GET') {
    return {status: 200, headers: {'Content-Type': 'application/json', 'Cache-Control': 'no-store'}, body: JSON.stringify(load())}
  }
  return {status: 404, headers: {'Content-Type': 'text/plain'}, body: 'not found'}
}

definePlugin({
  onChatMessage(msg) {
    if (msg.user?.isBot) return // bots' messages are not chat worth showing
    publish(withMessage(load(), msg))
  },

  onStreamStarted() {
    publish(EMPTY) // a new stream starts from zero
  },

  // Files in public/ are served before this handler is asked.
  onHttpRequest: route,
})
