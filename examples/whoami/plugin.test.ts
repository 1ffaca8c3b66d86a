// whoami (plain JavaScript), built with the real compiler and run in the real engine behind the
// real plugin HTTP server with the dev server's authentication. The scenarios cover the answers
// for a given req.user; this covers the identity the server resolves from a real request, and the
// action button viewers press.
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {devAuthResolver} from '../../src/lib/devserver/http/index.js'
import {directoryFileSource} from '../../src/lib/host/manager/index.js'
import {removeTemps, serve, type Served} from '../../test/devserver/http/helpers.js'
import {buildSource} from '../../test/helpers/host.js'

const DIR = fileURLToPath(new URL('.', import.meta.url))

describe('whoami', () => {
  let s: Served

  beforeAll(async () => {
    const built = await buildSource(DIR, 'js')
    s = await serve([{slug: 'whoami', source: {...built, publicFiles: directoryFileSource(join(DIR, 'public'))}}], {auth: devAuthResolver()})
  })
  afterAll(async () => {
    await s?.close()
    await removeTemps()
  })

  it('answers with the identity the server resolved for the request', async () => {
    const me = await s.request('/plugins/whoami/api/me', {headers: {authorization: 'Bearer user:ann'}})
    expect(me.status).toBe(200)
    expect(me.json()).toEqual({identified: true, user: {id: 'u-ann', displayName: 'ann'}, moderator: false})
    expect((await s.request('/plugins/whoami/api/me')).status).toBe(401)
    expect((await s.request('/plugins/whoami/api/me', {headers: {authorization: 'Bearer admin'}})).status).toBe(401)
  })

  it('never sees the Cookie header or an accessToken parameter of a real request (the server removes them)', async () => {
    const seen = await s.request('/plugins/whoami/api/request?accessToken=t', {headers: {cookie: 'owncast_session=forged', authorization: 'Bearer user:ann'}})
    expect(seen.json<{headers: string[]; query: string[]}>()).toMatchObject({query: []})
    expect(seen.json<{headers: string[]}>().headers).not.toContain('cookie')
  })

  it('offers a "Who am I?" button that opens its page', async () => {
    const config = (await s.request('/api/config')).json<{externalActions: {title: string; url: string}[]}>()
    expect(config.externalActions).toEqual([expect.objectContaining({title: 'Who am I?', url: '/plugins/whoami/'})])
    const page = await s.request('/plugins/whoami/')
    expect(page.status).toBe(200)
    expect(page.text).toContain('<script src="whoami.js"></script>')
    expect(s.warnings).toEqual([])
  })
})
