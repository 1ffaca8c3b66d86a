// Action buttons, in plain JavaScript. Three come from the manifest (they need no code at all):
// a page of this plugin's own (public/schedule.html, with an icon from public/), an HTML popup and
// an external link. A fourth is set by an admin at runtime through owncast.actions.
import {definePlugin, owncast} from '@owncast/plugin-sdk'

/** KV key of the admin's button, so the admin page can show it. The host keeps the runtime
 *  buttons themselves (in this plugin's KV under "owncast.actions"), so they survive restarts. */
const KEY = 'custom-button'

/** @typedef {{title: string, url: string, color?: string}} CustomButton */

/** @param {number} status @param {unknown} value */
const json = (status, value) => ({status, headers: {'Content-Type': 'application/json', 'Cache-Control': 'no-store'}, body: JSON.stringify(value)})

/**
 * The admin's button from a request body, or the first problem with it. Only http(s) links and
 * this plugin's own pages: never javascript: or data: URLs.
 * @param {string} body
 * @returns {{button: CustomButton} | {error: string}}
 */
function readButton(body) {
  let input
  try {
    input = JSON.parse(body)
  } catch {
    return {error: 'send JSON: {"title": "...", "url": "...", "color"?: "#rrggbb"}'}
  }
  const title = typeof input?.title === 'string' ? input.title.trim() : ''
  if (title === '' || title.length > 40) return {error: 'title must be 1 to 40 characters'}
  const url = typeof input.url === 'string' ? input.url.trim() : ''
  if (!/^https?:\/\/[^\s/]+/i.test(url) && !/^\/(?!\/)\S*$/.test(url)) return {error: 'url must start with https://, http:// or / (a page of this plugin)'}
  if (input.color !== undefined && (typeof input.color !== 'string' || !/^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(input.color))) {
    return {error: 'color must look like #f59e0b'}
  }
  return {button: {title, url, ...(input.color ? {color: input.color.toLowerCase()} : {})}}
}

/** @param {import('@owncast/plugin-sdk').IncomingHttpRequest} req */
function route(req) {
  if (req.path !== '/admin/api/button') return json(404, {error: 'not found'})
  switch (req.method) {
    case 'GET': {
      return json(200, {button: owncast.kv.getJSON(KEY, null)})
    }
    case 'POST': {
      const result = readButton(req.body)
      if ('error' in result) return json(400, result)
      const {button} = result
      // replace, not append: clear() drops every runtime button (the manifest's stay)
      owncast.actions.clear()
      owncast.actions.add({...button, openExternally: /^https?:/i.test(button.url)})
      owncast.kv.setJSON(KEY, button)
      owncast.log.info(`custom button set: ${button.title} → ${button.url}`)
      return json(200, {button})
    }
    case 'DELETE': {
      owncast.actions.clear()
      // there is no kv.delete: null marks "no button"
      owncast.kv.setJSON(KEY, null)
      owncast.log.info('custom button removed')
      return {status: 204}
    }
    default:
      return json(405, {error: 'use GET, POST or DELETE'})
  }
}

definePlugin({onHttpRequest: route})
