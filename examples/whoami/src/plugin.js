// Who is asking? In plain JavaScript. The host resolves the requesting viewer's chat identity and
// hands it to onHttpRequest as req.user (absent when the browser carries none). Plugins never see
// the Cookie header or an accessToken query parameter: the host removes them first.
import {definePlugin} from '@owncast/plugin-sdk'

/** @param {number} status @param {unknown} value */
const json = (status, value) => ({status, headers: {'Content-Type': 'application/json', 'Cache-Control': 'no-store'}, body: JSON.stringify(value)})

/** @param {import('@owncast/plugin-sdk').IncomingHttpRequest} req */
function me(req) {
  const user = req.user
  if (!user) return json(401, {identified: false})
  // only what the page shows: never echo a whole identity back
  return json(200, {
    identified: true,
    user: {id: user.id, displayName: user.displayName},
    moderator: (user.scopes ?? []).includes('MODERATOR'),
  })
}

/** What reached the plugin, by name only (a debugging aid): shows what the host removed. @param {import('@owncast/plugin-sdk').IncomingHttpRequest} req */
function request(req) {
  return json(200, {headers: Object.keys(req.headers).map((h) => h.toLowerCase()).sort(), query: Object.keys(req.query).sort()})
}

definePlugin({
  /** @param {import('@owncast/plugin-sdk').IncomingHttpRequest} req */
  onHttpRequest(req) {
    if (req.method !== 'GET') return json(405, {error: 'use GET'})
    if (req.path === '/api/me') return me(req)
    if (req.path === '/api/request') return request(req)
    return json(404, {error: 'not found'})
  },
})
