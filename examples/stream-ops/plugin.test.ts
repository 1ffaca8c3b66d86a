// stream-ops, built with the real compiler and run in the real engine. The scenarios cover the
// commands; this covers what they cannot: the host's !help answer (moderators see !latency,
// viewers do not), and a video config write the server refuses.
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'
import {buildSource, chatMessage, recordingHost} from '../../test/helpers/host.js'
import {describeBroadcaster, parseLatency} from './src/describe.js'

const DIR = fileURLToPath(new URL('.', import.meta.url))
const viewer = {id: 'u-ann', displayName: 'ann'}
const mod = {id: 'u-mo', displayName: 'Mo', scopes: ['MODERATOR']}

describe('stream-ops', () => {
  const {host, rec} = recordingHost()
  const say = (body: string, user: Record<string, unknown>) => host.dispatchChatMessage(chatMessage(body, {user}))

  beforeAll(async () => {
    await host.load(await buildSource(DIR, 'js'))
  })
  afterAll(() => host.close())
  beforeEach(() => {
    rec.chat.length = 0
  })

  it('is listed by !help, with !latency shown to moderators only', async () => {
    const forViewer = (await say('!help', viewer)).help
    const forMod = (await say('!help', mod)).help
    expect(forViewer).toContain('`!broadcaster` — The incoming stream: size, frame rate, codecs, bitrate')
    expect(forViewer).toContain('`!videoconfig` — The output settings')
    expect(forViewer).not.toContain('!latency')
    expect(forMod).toContain('`!latency` — Set the latency level (0 lowest, 4 most buffering) _(mod)_')
  })

  it('tells the moderator, and logs an error, when the server refuses the change', async () => {
    rec.env.world.videoConfig = {latencyLevel: 2, codec: 'libx264', variants: []}
    rec.env.failures['videoConfig.write'] = 'latency is locked while live'
    await say('!latency 4', mod)
    expect(rec.chat.map((c) => c.text)).toEqual(['The server refused to change the latency level.'])
    expect(rec.logs).toEqual([{slug: 'stream-ops', level: 'error', message: 'latency change refused: latency is locked while live'}])
    expect(rec.env.world.videoConfig.latencyLevel).toBe(2)
    expect(rec.warnings).toEqual([])
  })

  it('parses levels and describes an empty broadcaster as nobody', () => {
    expect(['0', '4', '5', '', '01', ' 1', 'x', undefined].map(parseLatency)).toEqual([0, 4, null, null, null, null, null, null])
    expect(describeBroadcaster({})).toBeNull()
  })
})
