import {definePlugin, owncast, type IncomingHttpRequest, type OutgoingHttpResponse} from '@owncast/plugin-sdk'
import {clearChatters, countChatter, topChatters} from './chatters'
import {EMPTY_STATS, countMessage, statsTabHtml, type ChatStats} from './stats'

const KEY = 'stats'
/** The SSE channel overlay.html and the admin page listen on: /plugins/chat-overlay/_sse/overlay. */
const CHANNEL = 'overlay'

const load = (): ChatStats => owncast.kv.getJSON<ChatStats>(KEY, EMPTY_STATS)

function save(stats: ChatStats): ChatStats {
  owncast.kv.setJSON(KEY, stats)
  owncast.sse.send(CHANNEL, 'stats', stats)
  return stats
}

const json = (status: number, value: unknown): OutgoingHttpResponse => ({
  status,
  headers: {'Content-Type': 'application/json', 'Cache-Control': 'no-store'},
  body: JSON.stringify(value),
})

/**
 * GET /stats is public (the overlay's first paint). Everything under /admin is an admin page
 * in the manifest, so the host lets only an admin reach it: GET /admin/chatters and
 * POST /admin/reset. Static files (overlay.html, admin/) are served from public/ first.
 */
function route(req: IncomingHttpRequest): OutgoingHttpResponse {
  if (req.path === '/stats' && req.method === 'GET') return json(200, load())
  if (req.path === '/admin/chatters' && req.method === 'GET') return json(200, topChatters())
  if (req.path === '/admin/reset') {
    if (req.method !== 'POST') return {status: 405, headers: {Allow: 'POST'}, body: 'use POST'}
    clearChatters()
    owncast.log.info('counters reset by an admin')
    return json(200, save({...EMPTY_STATS}))
  }
  return {status: 404, body: 'not found'}
}

definePlugin({
  onChatMessage(msg) {
    save(countMessage(load(), msg))
    if (msg.user) countChatter(msg.user.id, msg.user.displayName)
  },
  onHttpRequest: route,
  onTabContent() {
    return statsTabHtml(load())
  },
})
