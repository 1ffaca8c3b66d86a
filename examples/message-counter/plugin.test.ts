// message-counter, built with the real compiler and run in the real engine. The scenarios cover
// the counting; this covers what they cannot: counts surviving a reload, and the bot's name.
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {PluginSource} from '../../src/lib/host/host.js'
import {buildSource, chatMessage, recordingHost} from '../../test/helpers/host.js'
import {milestone, readCount} from './src/counter.js'

const DIR = fileURLToPath(new URL('.', import.meta.url))

describe('message-counter', () => {
  const {host, rec} = recordingHost()
  let source: PluginSource
  const say = (name: string) => host.dispatchChatMessage(chatMessage('hi', {user: {id: `u-${name}`, displayName: name}}))

  beforeAll(async () => {
    source = await buildSource(DIR, 'js')
    await host.load(source)
  })
  afterAll(() => host.close())

  it('keeps counting where it left off after the plugin is reloaded (the counts live in KV)', async () => {
    for (let i = 0; i < 6; i++) await say('ann')
    await host.unload(host.plugin('message-counter')!)
    await host.load(source)
    for (let i = 0; i < 4; i++) await say('ann')
    expect(rec.chat.map((c) => c.text)).toEqual(["Welcome, ann! That's your first message here.", 'ann has sent 10 messages!'])
    expect(host.kv.get('message-counter', 'count:u-ann')).toBe('10')
  })

  it('posts as its bot, "Counter"', () => {
    expect(rec.env.callsOf('chat.send').map((c) => c.args.botDisplayName)).toEqual(['Counter', 'Counter'])
    expect(rec.warnings).toEqual([])
  })

  it('finds milestones and reads counters as documented (the pure helpers)', () => {
    expect([1, 2, 9, 10, 11, 50, 99, 100, 150, 200, 1000].filter((n) => milestone('x', n))).toEqual([1, 10, 50, 100, 200, 1000])
    expect(['7', '007', '', '-1', '1.5', 'x', '99999999999999999999'].map((r) => readCount(r))).toEqual([7, 7, 0, 0, 0, 0, 0])
    expect(readCount(null)).toBe(0)
  })
})
