// engagement-bot, built with the real compiler and run in the real engine. The scenarios cover
// moderation and notifications; this covers what they cannot: a fediverse post the server does
// not publish, and why the manifest needs fediverse.inbound.
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {PluginSource} from '../../src/lib/host/host.js'
import {buildSource, recordingHost} from '../../test/helpers/host.js'
import {isSpam, snippet} from './src/text.js'

const DIR = fileURLToPath(new URL('.', import.meta.url))

describe('engagement-bot', () => {
  const {host, rec} = recordingHost()
  let source: PluginSource

  beforeAll(async () => {
    source = await buildSource(DIR, 'js')
    await host.load(source)
  })
  afterAll(() => host.close())

  it('logs a warning when the fediverse post is not published (rate limit, federation off)', async () => {
    rec.env.failures['fediverse.post'] = 'rate limited: 5 posts per hour'
    await host.dispatch('stream.started', {title: 'Again'})
    expect(rec.env.callsOf('notifications.discord').map((c) => c.args.text)).toEqual(["We're live: Again"])
    expect(rec.logs).toEqual([{slug: 'engagement-bot', level: 'warn', message: 'the fediverse post was not published'}])
  })

  it('is refused at load without fediverse.inbound, which its fediverse handlers need', async () => {
    const manifest = JSON.parse(source.manifestJson) as {permissions: string[]}
    manifest.permissions = manifest.permissions.filter((p) => p !== 'fediverse.inbound')
    const {host: other} = recordingHost()
    try {
      await expect(other.load({...source, manifestJson: JSON.stringify(manifest)})).rejects.toThrow(/fediverse\.inbound/)
    } finally {
      await other.close()
    }
  })

  it('spots spam and cuts snippets as documented', () => {
    expect(['Buy Followers', 'cheap  subs', 'x bit.ly/y', 'crypto giveaway'].every(isSpam)).toBe(true)
    expect(['buying followers is bad', 'a free sub', 'bit.ly', 'giveaway'].some(isSpam)).toBe(false)
    expect(snippet(' a\n b ')).toBe('a b')
    expect(snippet('x'.repeat(201))).toBe(`${'x'.repeat(200)}…`)
    expect(snippet('x'.repeat(200))).toBe('x'.repeat(200))
  })
})
