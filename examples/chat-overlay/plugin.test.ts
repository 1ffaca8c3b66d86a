// chat-overlay, built with the real compiler (plugin.js and plugin.wasm), run in the real engine
// behind the real plugin HTTP server on loopback: public/ and assets/ read from this folder.
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'
import {devAuthResolver} from '../../src/lib/devserver/http/index.js'
import type {PluginSource} from '../../src/lib/host/host.js'
import {directoryFileSource} from '../../src/lib/host/manager/index.js'
import {openStream, parseFrames, removeTemps, serve, type Served} from '../../test/devserver/http/helpers.js'
import {buildSource, chatMessage} from '../../test/helpers/host.js'

const DIR = fileURLToPath(new URL('.', import.meta.url))
const ADMIN = {authorization: 'Bearer admin'}

interface Stats {
  count: number
  last: {user: string; body: string; at: string} | null
  since: string | null
}

describe.each(['js', 'wasm'] as const)('chat-overlay (%s)', (target) => {
  let s: Served
  let source: PluginSource
  const say = (body: string, displayName = 'ann', timestamp = '2026-11-29T12:00:00Z') =>
    s.host.dispatchChatMessage(chatMessage(body, {user: {id: `u-${displayName}`, displayName}, timestamp}))
  const stats = async () => (await s.request('/plugins/chat-overlay/stats')).json<Stats>()
  const reset = () => s.request('/plugins/chat-overlay/admin/reset', {method: 'POST', headers: ADMIN})

  beforeAll(async () => {
    const built = await buildSource(DIR, target)
    source = {...built, publicFiles: directoryFileSource(join(DIR, 'public')), assets: directoryFileSource(join(DIR, 'assets'))}
    s = await serve([{slug: 'chat-overlay', source}], {auth: devAuthResolver()})
  })
  afterAll(async () => {
    await s?.close()
    await removeTemps()
  })
  beforeEach(async () => {
    expect((await reset()).status).toBe(200)
  })

  it('subscribes to chat messages only', () => {
    expect(s.host.plugin('chat-overlay')!.registration.subscriptions).toEqual({notify: [{event: 'chat.message.received'}], filter: []})
  })

  it('counts messages and keeps the latest, from the first message on', async () => {
    expect(await stats()).toEqual({count: 0, last: null, since: null})
    await say('hello', 'ann', '2026-11-29T12:00:00Z')
    await say('gg', 'bo', '2026-11-29T12:01:00Z')
    expect(await stats()).toEqual({count: 2, last: {user: 'bo', body: 'gg', at: '2026-11-29T12:01:00Z'}, since: '2026-11-29T12:00:00Z'})
  })

  it('serves /stats as uncached JSON to anyone', async () => {
    await say('hi')
    const res = await s.request('/plugins/chat-overlay/stats')
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('application/json')
    expect(res.headers['cache-control']).toBe('no-store')
    expect(res.json()).toMatchObject({count: 1, last: {user: 'ann', body: 'hi'}})
  })

  it('keeps the counters in KV, so they survive a reload of the plugin', async () => {
    await say('before the reload')
    await s.host.unload(s.host.plugin('chat-overlay')!)
    await s.host.load(source)
    expect(await stats()).toMatchObject({count: 1, last: {body: 'before the reload'}})
  })

  it('counts messages per user in SQL, by id, for the admin page', async () => {
    await say('one', 'ann')
    await say('two', 'bo')
    await s.host.dispatchChatMessage(chatMessage('renamed', {user: {id: 'u-ann', displayName: 'Ann2'}}))
    expect((await s.request('/plugins/chat-overlay/admin/chatters')).status).toBe(401)
    const res = await s.request('/plugins/chat-overlay/admin/chatters', {headers: ADMIN})
    expect(res.json()).toEqual([
      {user_id: 'u-ann', display_name: 'Ann2', messages: 2},
      {user_id: 'u-bo', display_name: 'bo', messages: 1},
    ])
    await reset()
    expect((await s.request('/plugins/chat-overlay/admin/chatters', {headers: ADMIN})).json()).toEqual([])
  })

  it('cuts a long message to 280 characters for the overlay', async () => {
    await say('x'.repeat(1000))
    const body = (await stats()).last!.body
    expect(body).toHaveLength(280)
    expect(body.endsWith('…')).toBe(true)
  })

  it('pushes every change as a "stats" event on /_sse/overlay', async () => {
    const stream = await openStream(s.port, '/plugins/chat-overlay/_sse/overlay')
    try {
      expect(stream.status).toBe(200)
      await stream.until((t) => t.includes(': connected'))
      await say('one')
      await say('two', 'bo')
      await reset()
      await stream.until((t) => parseFrames(t).length >= 3)
      const frames = parseFrames(stream.received)
      expect(frames.map((f) => f.event)).toEqual(['stats', 'stats', 'stats'])
      expect(frames.map((f) => JSON.parse(f.data) as Stats).map((f) => [f.count, f.last?.body ?? null])).toEqual([
        [1, 'one'],
        [2, 'two'],
        [0, null],
      ])
    } finally {
      stream.close()
    }
  })

  it('serves the overlay page and its script from public/', async () => {
    const page = await s.request('/plugins/chat-overlay/overlay.html')
    expect(page.status).toBe(200)
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(page.text).toContain('<script src="overlay.js"></script>')
    const script = await s.request('/plugins/chat-overlay/overlay.js')
    expect(script.text).toContain("new EventSource(base + '/_sse/overlay')")
  })

  it('keeps the admin page and the reset behind the admin gate', async () => {
    await say('still here')
    for (const path of ['/plugins/chat-overlay/admin', '/plugins/chat-overlay/admin/', '/plugins/chat-overlay/ADMIN/admin.js', '/plugins/chat-overlay/x/../admin/']) {
      expect((await s.request(path)).status, path).toBe(401)
    }
    expect((await s.request('/plugins/chat-overlay/admin/reset', {method: 'POST'})).status).toBe(401)
    expect((await s.request('/plugins/chat-overlay/admin/reset', {method: 'POST', headers: {authorization: 'Bearer user:ann'}})).status).toBe(401)
    expect((await stats()).count).toBe(1)

    const page = await s.request('/plugins/chat-overlay/admin/', {headers: ADMIN})
    expect(page.status).toBe(200)
    expect(page.text).toContain('<h1>Chat overlay</h1>')
    expect(page.text).toContain('<script src="admin.js"></script>')
    expect(page.text).toContain('data-owncast-admin-style') // the host links the admin stylesheet
  })

  it('resets the counters for an admin (POST only)', async () => {
    await say('soon gone')
    expect((await s.request('/plugins/chat-overlay/admin/reset', {headers: ADMIN})).status).toBe(405)
    const res = await reset()
    expect(res.json()).toEqual({count: 0, last: null, since: null})
    expect(await stats()).toEqual({count: 0, last: null, since: null})
  })

  it('answers 404 for other paths', async () => {
    expect((await s.request('/plugins/chat-overlay/nothing-here')).status).toBe(404)
  })

  it('adds a "Chat stats" tab with the chat text escaped, its stylesheet and an overlay button to the viewer page', async () => {
    await say('<img src=x onerror=alert(1)> & more', '<b>eve</b>')
    const config = (await s.request('/api/config')).json<{
      customStyles: string
      pluginTabs: {plugin: string; slug: string; title: string; html: string}[]
      externalActions: {title: string; url: string; openExternally: boolean}[]
    }>()
    expect(config.pluginTabs).toHaveLength(1)
    const tab = config.pluginTabs[0]!
    expect([tab.plugin, tab.slug, tab.title]).toEqual(['chat-overlay', 'stats', 'Chat stats'])
    expect(tab.html).toContain('<span class="chat-overlay-count">1</span> messages')
    expect(tab.html).toContain('<b>&#60;b&#62;eve&#60;/b&#62;</b>: &#60;img src=x onerror=alert(1)&#62; &#38; more')
    expect(tab.html).not.toContain('<img')
    expect(config.customStyles).toContain('/* plugin: chat-overlay — viewer.css */\n.chat-overlay-tab')
    expect(config.externalActions).toEqual([expect.objectContaining({title: 'Chat overlay', url: '/plugins/chat-overlay/overlay.html', openExternally: true})])
  })

  it('calls nothing it has no permission for', () => {
    expect(s.warnings).toEqual([])
  })
})
