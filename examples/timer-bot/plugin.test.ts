// timer-bot, built with the real compiler and run in the real engine on a manual clock (the host's
// timers and tick driven by the test). The scenarios cover what it says and when; this covers the
// host's side: its timers are cancelled when it is unloaded, and the 64-timer limit is met politely.
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ManualScheduler} from '../../src/lib/host/dispatch/index.js'
import type {PluginSource} from '../../src/lib/host/host.js'
import {buildSource, chatMessage, recordingHost} from '../../test/helpers/host.js'
import {parseReminder, secondsLeft} from './src/countdown.js'

const DIR = fileURLToPath(new URL('.', import.meta.url))
const START = Date.parse('2026-11-29T18:00:00Z')

describe('timer-bot', () => {
  const clock = new ManualScheduler(START)
  const {host, rec} = recordingHost({scheduler: clock, clock, tick: true})
  let source: PluginSource
  const remind = (user: string, minutes = 5) =>
    host.dispatchChatMessage(chatMessage(`!remind ${minutes} hi`, {user: {id: `u-${user}`, displayName: user}, timestamp: new Date(clock.now()).toISOString()}))

  beforeAll(async () => {
    source = await buildSource(DIR, 'js')
    await host.load(source)
  })
  afterAll(() => host.close())

  it('subscribes to tick because it defines onTick', () => {
    expect(host.plugin('timer-bot')!.registration.subscriptions.notify.map((s) => s.event)).toContain('tick')
  })

  it('meets the host limit of 64 pending timers with an apology, not a failure', async () => {
    for (let i = 0; i < 22; i++) for (let k = 0; k < 3; k++) await remind(`viewer${i}`)
    expect(host.dispatcher.timers.pending('timer-bot')).toBe(64)
    expect(rec.chat.at(-1)!.text).toBe('Sorry viewer21, too many reminders are waiting; try again later.')
    expect(host.dispatcher.strikes('timer-bot')).toBe(0)
    expect(rec.warnings).toEqual([expect.stringMatching(/^owncast_timer_set from timer-bot: the plugin already has the most pending timers allowed \(64\)/)])
    await clock.advance(5 * 60_000)
    expect(host.dispatcher.timers.pending('timer-bot')).toBe(0)
    expect(rec.chat.filter((c) => c.text.endsWith(', reminder: hi'))).toHaveLength(64)
  })

  it('loses its timers when it is unloaded: nothing fires after a reload', async () => {
    await host.dispatch('stream.started', {startedAt: new Date(clock.now()).toISOString()})
    await remind('ann', 1)
    expect(host.dispatcher.timers.pending('timer-bot')).toBe(2)
    await host.unload(host.plugin('timer-bot')!)
    await host.load(source)
    expect(host.dispatcher.timers.pending('timer-bot')).toBe(0)
    rec.chat.length = 0
    await clock.advance(60 * 60_000)
    expect(rec.chat).toEqual([])
  })

  it('reads reminders and counts seconds as documented (the pure helpers)', () => {
    expect(parseReminder(['5', 'stretch', 'now'], '5 stretch  now')).toEqual({minutes: 5, text: 'stretch  now'})
    expect(parseReminder(['5'], '5')).toBeNull()
    expect([secondsLeft(10_000, 0), secondsLeft(10_000, 9_001), secondsLeft(10_000, 10_000), secondsLeft(10_000, 12_000)]).toEqual([10, 1, 0, 0])
  })
})
