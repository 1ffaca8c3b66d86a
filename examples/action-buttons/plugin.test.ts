// action-buttons (plain JavaScript), built with the real compiler and run in the real engine behind
// the real plugin HTTP server. The scenarios cover the admin API and what it stores; this covers
// what viewers get: the buttons on Owncast's /api/config, manifest ones first, then the runtime one,
// with URLs and the icon rewritten into the plugin's path, and the runtime one kept over a reload.
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {devAuthResolver} from '../../src/lib/devserver/http/index.js'
import type {PluginSource} from '../../src/lib/host/host.js'
import {directoryFileSource} from '../../src/lib/host/manager/index.js'
import {removeTemps, serve, type Served} from '../../test/devserver/http/helpers.js'
import {buildSource} from '../../test/helpers/host.js'

const DIR = fileURLToPath(new URL('.', import.meta.url))
const ADMIN = {authorization: 'Bearer admin', 'content-type': 'application/json'}

interface Button {
  title: string
  url?: string
  html?: string
  icon?: string
  color?: string
  openExternally?: boolean
}

describe('action-buttons', () => {
  let s: Served
  let source: PluginSource
  const buttons = async () => (await s.request('/api/config')).json<{externalActions: Button[]}>().externalActions

  beforeAll(async () => {
    source = {...(await buildSource(DIR, 'js')), publicFiles: directoryFileSource(join(DIR, 'public'))}
    s = await serve([{slug: 'action-buttons', source}], {auth: devAuthResolver()})
  })
  afterAll(async () => {
    await s?.close()
    await removeTemps()
  })

  it("shows the manifest's three buttons, the page and icon under the plugin's path", async () => {
    const list = await buttons()
    expect(list.map((b) => b.title)).toEqual(['Schedule', 'Chat rules', 'Owncast'])
    expect(list[0]).toMatchObject({url: '/plugins/action-buttons/schedule.html', icon: '/plugins/action-buttons/star.png', color: '#f59e0b'})
    expect(list[1]!.html).toContain('<h2>Chat rules</h2>')
    expect(list[2]).toMatchObject({url: 'https://owncast.online', openExternally: true})
    expect((await s.request(list[0]!.icon!)).headers['content-type']).toBe('image/png')
  })

  it("adds the admin's button after them, and keeps it when the plugin is reloaded", async () => {
    const res = await s.request('/plugins/action-buttons/admin/api/button', {method: 'POST', headers: ADMIN, body: '{"title":"Merch","url":"https://shop.example"}'})
    expect(res.status).toBe(200)
    await s.host.unload(s.host.plugin('action-buttons')!)
    await s.host.load(source)
    const list = await buttons()
    expect(list.map((b) => b.title)).toEqual(['Schedule', 'Chat rules', 'Owncast', 'Merch'])
    expect(list[3]).toMatchObject({url: 'https://shop.example', openExternally: true})
    expect((await s.request('/api/plugins/actions')).json<Button[]>().map((b) => b.title)).toEqual(['Schedule', 'Chat rules', 'Owncast', 'Merch'])
  })

  it('drops the runtime button when the admin removes it, keeping the manifest ones', async () => {
    expect((await s.request('/plugins/action-buttons/admin/api/button', {method: 'DELETE', headers: ADMIN})).status).toBe(204)
    expect((await buttons()).map((b) => b.title)).toEqual(['Schedule', 'Chat rules', 'Owncast'])
    expect(s.warnings).toEqual([])
  })
})
