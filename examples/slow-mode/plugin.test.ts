// slow-mode, built with the real compiler and run in the real engine. The scenarios cover the
// limit message by message; this covers what they cannot: the host's whole chat path dropping a
// message before anyone is notified, state that lives only as long as the instance, and the
// limiter's memory staying bounded.
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {PluginSource} from '../../src/lib/host/host.js'
import {buildSource, chatMessage, recordingHost} from '../../test/helpers/host.js'
import {Limiter} from './src/limiter.js'

const DIR = fileURLToPath(new URL('.', import.meta.url))
const ann = {id: 'u-ann', displayName: 'ann'}

describe('slow-mode', () => {
  const {host, rec} = recordingHost()
  let source: PluginSource
  const say = (second: number) => host.dispatchChatMessage(chatMessage('hi', {user: ann, timestamp: `2026-11-29T18:00:0${second}Z`}))

  beforeAll(async () => {
    source = await buildSource(DIR, 'js')
    await host.load(source)
  })
  afterAll(() => host.close())

  it('registers one chat filter at the default priority', () => {
    expect(host.plugin('slow-mode')!.registration.subscriptions).toEqual({notify: [], filter: [{event: 'chat.message.received', priority: 100}]})
  })

  it('drops a message on the whole chat path, so no plugin is notified of it', async () => {
    expect((await say(0)).dropped).toBeNull()
    const second = await say(1)
    expect(second.dropped).toEqual({slug: 'slow-mode', reason: 'slow mode: one message every 2 s (wait 1 s)'})
    expect(second.notified).toEqual([])
  })

  it('forgets its state when the plugin is reloaded (it is kept in memory on purpose)', async () => {
    await host.unload(host.plugin('slow-mode')!)
    await host.load(source)
    expect((await say(1)).dropped).toBeNull()
  })

  it('keeps its memory bounded: senders whose interval has passed are swept', () => {
    const limiter = new Limiter()
    for (let i = 0; i < 5000; i++) limiter.check(`user:${i}`, i * 10, 2000)
    expect(limiter.size).toBeLessThanOrEqual(1001)
    expect(limiter.check('user:4999', 49_995, 2000)).toEqual({ok: false, waitMs: 1995})
  })

  it('needs nothing beyond chat.filter', () => {
    expect(rec.warnings).toEqual([])
  })
})
