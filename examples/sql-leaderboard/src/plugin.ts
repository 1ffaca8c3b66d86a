import {definePlugin, owncast, type IncomingHttpRequest, type OutgoingHttpResponse} from '@owncast/plugin-sdk'
import {earn, reset, standing, top} from './db'

const json = (status: number, value: unknown): OutgoingHttpResponse => ({
  status,
  headers: {'Content-Type': 'application/json', 'Cache-Control': 'no-store'},
  body: JSON.stringify(value),
})

/** Static files (index.html, admin/) come from public/ first; admin/* is behind the admin login. */
function route(req: IncomingHttpRequest): OutgoingHttpResponse {
  if (req.path === '/leaderboard' && req.method === 'GET') {
    const limit = Math.min(Math.max(Number.parseInt(req.query.limit ?? '10', 10) || 10, 1), 100)
    return json(200, top(limit).map((e) => ({name: e.display_name, points: e.points})))
  }
  if (req.path === '/admin/reset') {
    if (req.method !== 'POST') return json(405, {error: 'use POST'})
    const removed = reset()
    owncast.log.info(`leaderboard reset by an admin (${removed} viewers removed)`)
    return json(200, {removed})
  }
  return json(404, {error: 'not found'})
}

definePlugin({
  onChatMessage(msg) {
    const at = Date.parse(msg.timestamp)
    // bots earn nothing, and neither do commands (!points, !top...): points are for talking
    if (!msg.user || msg.user.isBot || msg.body.startsWith('!') || Number.isNaN(at)) return
    earn(msg.user.id, msg.user.displayName, at)
  },

  commands: {
    points: {
      description: 'Your points and rank',
      run(ctx) {
        const name = ctx.user?.displayName ?? 'You'
        const s = ctx.user ? standing(ctx.user.id) : null
        ctx.reply(s ? `${name} has ${s.points} ${s.points === 1 ? 'point' : 'points'} (rank ${s.rank} of ${s.of}).` : `${name} has no points yet: chat to earn some!`)
      },
    },
    top: {
      description: 'The five chatters with the most points',
      aliases: ['leaderboard'],
      run(ctx) {
        const best = top(5)
        ctx.reply(best.length === 0 ? 'No points yet.' : `Top chatters: ${best.map((e, i) => `${i + 1}. ${e.display_name} (${e.points})`).join(', ')}`)
      },
    },
  },

  onHttpRequest: route,
})
