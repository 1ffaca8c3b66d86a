// stream-tracker, built with the real compiler and run in the real engine. The scenarios cover
// the announcements and commands; this covers what they cannot: the state surviving a reload
// (it lives in KV), and the formatting helpers on their own.
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {PluginSource} from '../../src/lib/host/host.js'
import {buildSource, chatMessage, recordingHost} from '../../test/helpers/host.js'
import {duration, nameList} from './src/format.js'

const DIR = fileURLToPath(new URL('.', import.meta.url))

describe('stream-tracker', () => {
  const {host, rec} = recordingHost()
  let source: PluginSource

  beforeAll(async () => {
    source = await buildSource(DIR, 'js')
    await host.load(source)
  })
  afterAll(() => host.close())

  it('subscribes to the stream and chat-presence events and declares three commands', () => {
    const plugin = host.plugin('stream-tracker')!
    expect(plugin.registration.subscriptions.notify.map((s) => s.event).sort()).toEqual(
      ['chat.user.joined', 'chat.user.parted', 'chat.user.renamed', 'stream.started', 'stream.stopped', 'stream.title.changed'].sort(),
    )
    expect(plugin.registration.commands.map((c) => [c.name, c.aliases])).toEqual([
      ['uptime', ['live']],
      ['who', []],
      ['server', []],
    ])
  })

  it('still knows the stream and who is in chat after the plugin is reloaded', async () => {
    await host.dispatch('stream.started', {startedAt: '2026-11-29T18:00:00Z', title: 'Show'})
    await host.dispatch('chat.user.joined', {id: 'u-ann', displayName: 'ann'})
    await host.unload(host.plugin('stream-tracker')!)
    await host.load(source)
    await host.dispatchChatMessage(chatMessage('!uptime', {timestamp: '2026-11-29T18:10:00Z'}))
    await host.dispatchChatMessage(chatMessage('!who'))
    expect(rec.chat.map((c) => `${c.kind}: ${c.text}`)).toEqual(['action: announces the stream is live: Show', 'chat: Live for 10m 0s.', 'chat: In chat (1): ann'])
    expect(rec.warnings).toEqual([])
  })

  it('formats durations and name lists', () => {
    expect([0, 999, 1000, 59_999, 60_000, 3_599_000, 3_600_000, 90_061_000, -5, Number.NaN].map(duration)).toEqual([
      '0s', '0s', '1s', '59s', '1m 0s', '59m 59s', '1h 0m 0s', '25h 1m 1s', '0s', '0s',
    ])
    expect(nameList(['b', 'A', 'a', 'C'])).toBe('A, a, b, C')
    expect(nameList(['a', 'b', 'c'], 2)).toBe('a, b and 1 more')
  })
})
