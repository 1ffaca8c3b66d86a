import {definePlugin, owncast, type IncomingHttpRequest, type OutgoingHttpResponse} from '@owncast/plugin-sdk'
import {DEFAULTS, applyUpdate, type Settings} from './settings'

const load = (): Settings => ({...DEFAULTS, ...owncast.kv.getJSON<Partial<Settings>>('settings', {})})

const json = (status: number, value: unknown): OutgoingHttpResponse => ({
  status,
  headers: {'Content-Type': 'application/json', 'Cache-Control': 'no-store'},
  body: JSON.stringify(value),
})

/**
 * Static files come from public/ before this handler is asked: index.html (the public page),
 * admin/index.html and admin/about.html (the admin pages). Everything under /admin is an admin
 * page in the manifest, so the host answers 401 there unless the request is from an admin; the
 * handler never sees those requests. Everything else is public.
 */
function route(req: IncomingHttpRequest): OutgoingHttpResponse {
  if (req.path === '/api/greeting') {
    if (req.method !== 'GET') return json(405, {error: 'use GET'})
    return json(200, load())
  }
  if (req.path === '/admin/api/settings') {
    if (req.method === 'GET') return json(200, load())
    if (req.method !== 'POST') return json(405, {error: 'use GET or POST'})
    const result = applyUpdate(load(), req.body)
    if (!result.ok) return json(400, {error: result.error})
    owncast.kv.setJSON('settings', result.settings)
    owncast.log.info(`settings changed: ${JSON.stringify(result.settings)}`)
    return {status: 204}
  }
  return json(404, {error: 'not found'})
}

definePlugin({onHttpRequest: route})
