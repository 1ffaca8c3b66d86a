// ui-demo, built with the real compiler and run in the real engine behind the real plugin HTTP
// server. The scenarios cover the song commands and the JSON the page polls; this covers what they
// cannot: what the viewer page gets from Owncast's /api/config and /customjavascript, assembled
// from assets/ and the content exports, with viewer text escaped and the settings applied.
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {devAuthResolver} from '../../src/lib/devserver/http/index.js'
import {directoryFileSource} from '../../src/lib/host/manager/index.js'
import {removeTemps, serve, type Served} from '../../test/devserver/http/helpers.js'
import {buildSource, chatMessage} from '../../test/helpers/host.js'

const DIR = fileURLToPath(new URL('.', import.meta.url))

interface ViewerConfig {
  customStyles: string
  extraPageContent: string
  pluginTabs: {plugin: string; slug: string; title: string; html: string}[]
}

describe('ui-demo', () => {
  let s: Served
  const config = async (headers: Record<string, string> = {}) => (await s.request('/api/config', {headers})).json<ViewerConfig>()

  beforeAll(async () => {
    const built = await buildSource(DIR, 'js')
    s = await serve(
      [{slug: 'ui-demo', source: {...built, assets: directoryFileSource(join(DIR, 'assets')), configOverrides: {accent: '#0ea5e9', pollSeconds: 2}}}],
      {auth: devAuthResolver()},
    )
  })
  afterAll(async () => {
    await s?.close()
    await removeTemps()
  })

  it('adds its stylesheet from assets/, then the accent colour from its settings', async () => {
    const css = (await config()).customStyles
    expect(css).toContain('/* plugin: ui-demo — theme.css */\n/* Inlined into the viewer page')
    expect(css).toContain('/* plugin: ui-demo — on_page_styles() */\n:root { --ui-demo-accent: #0ea5e9; }')
    expect(css.indexOf('theme.css')).toBeLessThan(css.indexOf('on_page_styles()'))
  })

  it('adds its script from assets/, then the poll interval (clamped to at least 5 s), each in a try/catch', async () => {
    const js = (await s.request('/customjavascript')).text
    expect(js).toContain('// plugin: ui-demo — now-playing.js\ntry {\n// Inlined into the viewer page')
    expect(js).toContain('window.uiDemo = Object.freeze({pollSeconds: 5});')
    expect(js.match(/\} catch \(err\) \{/g)).toHaveLength(2)
  })

  it('fills the banner and the "Now playing" tab, escaping the song and the viewer name', async () => {
    let c = await config()
    expect(c.extraPageContent).toContain('<span class="ui-demo-song">Nothing right now</span>')
    await s.host.dispatchChatMessage(chatMessage('!setsong <script>alert(1)</script> & more', {user: {id: 'u-mo', displayName: 'Mo', scopes: ['MODERATOR']}}))
    c = await config({authorization: 'Bearer user:<b>eve</b>'})
    expect(c.extraPageContent).toContain('<span class="ui-demo-song">&#60;script&#62;alert(1)&#60;/script&#62; &#38; more</span>')
    expect(c.extraPageContent).not.toContain('<script>')
    const tab = c.pluginTabs.find((t) => t.slug === 'now-playing')!
    expect(tab.title).toBe('Now playing')
    expect(tab.html).toContain('<strong>&#60;script&#62;alert(1)&#60;/script&#62; &#38; more</strong>, picked by Mo.')
    expect(tab.html).toContain('<p>Hi &#60;b&#62;eve&#60;/b&#62;! Ask a moderator for a song.</p>')
    expect((await config()).pluginTabs.find((t) => t.slug === 'now-playing')!.html).toContain('Join the chat to ask for a song.')
  })

  it('shows the static "Schedule" tab from assets/, which is never served itself', async () => {
    const tab = (await config()).pluginTabs.find((t) => t.title === 'Schedule')!
    expect(tab.slug).toBe('schedule')
    expect(tab.html).toContain('<td>Vinyl night</td>')
    expect((await s.request('/plugins/ui-demo/schedule.html')).status).toBe(404)
    expect(s.warnings).toEqual([])
  })
})
