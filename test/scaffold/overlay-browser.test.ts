// The overlay template's page in a real browser (Debian's Chromium via playwright-core) against a
// real dev server serving a freshly created overlay project: the page paints the state from
// ./state, connects to the plugin's SSE channel, and shows each chat message as it is sent.
import {existsSync} from 'node:fs'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {chromium, type Browser} from 'playwright-core'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {createContext} from '../../src/lib/context.js'
import {startDevServer, type DevServer} from '../../src/lib/devserver/server.js'
import {createProject} from '../../src/lib/scaffold/create.js'
import {ROOT} from '../cli/helpers.js'

const CHROMIUM = '/usr/bin/chromium'
const SKIP = existsSync(CHROMIUM) ? null : `${CHROMIUM} is missing: run scripts/setup.sh (it installs Debian's chromium)`
if (SKIP) console.warn(`test/scaffold/overlay-browser.test.ts skipped: ${SKIP}`)
const WAIT = {timeout: 15_000}

let cwd: string
let server: DevServer
let browser: Browser

describe.skipIf(SKIP !== null)('the overlay template in Chromium', () => {
  beforeAll(async () => {
    cwd = await mkdtemp(path.join(tmpdir(), 'ocp-overlay-'))
    const sink = {write: () => true, isTTY: false}
    const ctx = createContext({cwd, stdout: sink, stderr: sink, color: false, logLevel: 'warn', toolRoot: ROOT})
    await createProject(ctx, {name: 'live-overlay', template: 'overlay', language: 'js'})
    server = await startDevServer(ctx, {paths: ['live-overlay'], port: 0})
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    })
  }, 120_000)

  afterAll(async () => {
    try {
      await browser?.close()
    } finally {
      await server?.close()
      if (cwd) await rm(cwd, {recursive: true, force: true})
    }
  })

  it('paints the current state, goes live over SSE and shows each message as it is sent', async () => {
    const page = await browser.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => void errors.push(e.message))
    await page.goto(`${server.url}/plugins/live-overlay/overlay.html`)
    await page.locator('.overlay[data-state="live"]').waitFor(WAIT)
    await expect.poll(() => page.textContent('#body'), WAIT).toBe('Waiting for chat…')

    const send = async (user: string, body: string) => {
      const res = await fetch(`${server.url}/_dev/chat`, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({user, body})})
      expect(res.status).toBe(200)
    }
    await send('ann', 'hello <b>overlay</b>')
    await expect.poll(() => page.textContent('#body'), WAIT).toBe('hello <b>overlay</b>')
    expect(await page.textContent('#user')).toBe('ann')
    expect(await page.textContent('#count')).toBe('1')
    // chat text is text, never markup
    expect(await page.locator('#body b').count()).toBe(0)

    await send('bo', 'second')
    await expect.poll(() => page.textContent('#count'), WAIT).toBe('2')
    expect(await page.textContent('#user')).toBe('bo')

    // a page opened later starts from the stored state
    const late = await browser.newPage()
    await late.goto(`${server.url}/plugins/live-overlay/overlay.html`)
    await expect.poll(() => late.textContent('#count'), WAIT).toBe('2')
    expect(await late.textContent('#body')).toBe('second')
    expect(errors).toEqual([])
  }, 60_000)
})
