// admin-demo, built with the real compiler and run in the real engine behind the real plugin HTTP
// server with the dev server's authentication (Bearer admin, Bearer user:<name>). The scenarios
// cover the pages and the settings API; this covers what they cannot: a signed-in viewer who is
// not an admin, the admin stylesheet the host adds to admin pages, and the package extras
// (icon.png, INSTRUCTIONS.md) as the host serves them.
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {devAuthResolver} from '../../src/lib/devserver/http/index.js'
import {directoryFileSource} from '../../src/lib/host/manager/index.js'
import {removeTemps, serve, type Served} from '../../test/devserver/http/helpers.js'
import {buildSource} from '../../test/helpers/host.js'
import {applyUpdate, DEFAULTS} from './src/settings.js'

const DIR = fileURLToPath(new URL('.', import.meta.url))
const ADMIN = {authorization: 'Bearer admin'}
const VIEWER = {authorization: 'Bearer user:ann'}

describe('admin-demo', () => {
  let s: Served

  beforeAll(async () => {
    const built = await buildSource(DIR, 'js')
    s = await serve(
      [
        {
          slug: 'admin-demo',
          source: {...built, publicFiles: directoryFileSource(join(DIR, 'public'))},
          icon: new Uint8Array(readFileSync(join(DIR, 'icon.png'))),
          instructions: readFileSync(join(DIR, 'INSTRUCTIONS.md'), 'utf8'),
        },
      ],
      {auth: devAuthResolver()},
    )
  })
  afterAll(async () => {
    await s?.close()
    await removeTemps()
  })

  it('refuses a signed-in viewer who is not an admin, and saves nothing', async () => {
    const post = {method: 'POST', headers: {...VIEWER, 'content-type': 'application/json'}, body: '{"greeting":"hi from ann"}'}
    expect((await s.request('/plugins/admin-demo/admin/api/settings', post)).status).toBe(401)
    expect((await s.request('/plugins/admin-demo/admin/', {headers: VIEWER})).status).toBe(401)
    expect((await s.request('/plugins/admin-demo/api/greeting')).json()).toEqual(DEFAULTS)
  })

  it("adds Owncast's admin stylesheet to the admin pages, not to the public one", async () => {
    const admin = await s.request('/plugins/admin-demo/admin/', {headers: ADMIN})
    expect(admin.status).toBe(200)
    expect(admin.text).toContain('data-owncast-admin-style')
    expect((await s.request('/plugins/admin-demo/admin/about.html', {headers: ADMIN})).text).toContain('data-owncast-admin-style')
    expect((await s.request('/plugins/admin-demo/')).text).not.toContain('data-owncast-admin-style')
  })

  it('ships its icon to everyone and its instructions to admins', async () => {
    const icon = await s.request('/api/plugins/admin-demo/icon')
    expect(icon.headers['content-type']).toBe('image/png')
    expect(icon.body.subarray(1, 4).toString()).toBe('PNG')
    expect((await s.request('/api/admin/plugins/admin-demo/instructions')).status).toBe(401)
    expect((await s.request('/api/admin/plugins/admin-demo/instructions', {headers: ADMIN})).text).toMatch(/^# Admin Demo/)
    expect(s.warnings).toEqual([])
  })

  it('validates updates as documented', () => {
    expect(applyUpdate(DEFAULTS, '{}')).toEqual({ok: true, settings: DEFAULTS})
    expect(applyUpdate(DEFAULTS, '{"accent":"#ABCDEF"}')).toEqual({ok: true, settings: {...DEFAULTS, accent: '#abcdef'}})
    expect(applyUpdate(DEFAULTS, '{"greeting":7}')).toEqual({ok: false, error: 'greeting must be a non-empty string'})
    expect(applyUpdate(DEFAULTS, 'null')).toEqual({ok: false, error: 'the body must be a JSON object'})
  })
})
