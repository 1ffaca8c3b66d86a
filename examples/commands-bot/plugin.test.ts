// commands-bot, built with the real compiler and run in the real engine beside stream-ops (a second
// plugin with commands). The scenarios cover each command; this covers the host's !help answer,
// which scenarios do not record: every plugin's commands, sorted, mod-only ones for moderators.
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {buildSource, chatMessage, recordingHost} from '../../test/helpers/host.js'
import {ANSWERS, answerFor, target} from './src/replies.js'

const DIR = fileURLToPath(new URL('.', import.meta.url))
const OPS = fileURLToPath(new URL('../stream-ops/', import.meta.url))
const viewer = {id: 'u-ann', displayName: 'ann'}
const mod = {id: 'u-mo', displayName: 'Mo', scopes: ['MODERATOR']}

describe('commands-bot', () => {
  const {host, rec} = recordingHost()
  const help = async (body: string, user: Record<string, unknown>) => (await host.dispatchChatMessage(chatMessage(body, {user}))).help

  beforeAll(async () => {
    await host.load(await buildSource(DIR, 'js'))
    await host.load(await buildSource(OPS, 'js'))
  })
  afterAll(() => host.close())

  it('declares its commands with their aliases, usage, cooldown and mod-only flag', () => {
    expect(host.plugin('commands-bot')!.registration.commands.map((c) => [c.name, c.aliases, c.modOnly, c.cooldownMs, c.usage])).toEqual([
      ['hello', ['hi', 'hey'], false, 0, ''],
      ['hug', [], false, 0, '!hug [name]'],
      ['so', ['shoutout'], true, 0, '!so <name>'],
      ['quote', [], false, 30_000, ''],
      ['ask', ['8ball'], false, 0, '!ask <question>'],
      ['rules', [], false, 0, ''],
    ])
  })

  it("!help lists every plugin's commands, sorted, with descriptions; !so only for moderators", async () => {
    const forViewer = await help('!help', viewer)
    expect(forViewer).toBe(
      [
        'Available chat commands:',
        '',
        '**Commands Bot**',
        '',
        '- `!ask` — Ask the magic 8-ball a question',
        '- `!hello` — Say hello to the bot',
        '- `!hug` — Hug someone (or everyone)',
        '- `!quote` — A quote (one per viewer every 30 seconds)',
        '- `!rules` — The chat rules, sent to you privately',
        '',
        '**Stream Ops**',
        '',
        '- `!broadcaster` — The incoming stream: size, frame rate, codecs, bitrate',
        '- `!videoconfig` — The output settings: latency level, codec, variants',
      ].join('\n'),
    )
    const forMod = await help('!commands', mod)
    expect(forMod).toContain('- `!so` — Shout out another streamer _(mod)_')
    expect(forMod).toContain('- `!latency` — Set the latency level (0 lowest, 4 most buffering) _(mod)_')
  })

  it('posts the !help answer as a system message from the host, not from a plugin', async () => {
    rec.chat.length = 0
    await host.dispatchChatMessage(chatMessage('!help', {user: viewer}))
    expect(rec.chat).toEqual([expect.objectContaining({slug: '', kind: 'system', text: expect.stringMatching(/^Available chat commands:/)})])
    expect(rec.warnings).toEqual([])
  })

  it('answers questions deterministically and reads targets (the pure helpers)', () => {
    expect(answerFor('Will it rain?')).toBe(answerFor('  will it RAIN?'))
    expect(new Set(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map(answerFor)).size).toBeGreaterThan(1)
    expect(ANSWERS).toContain(answerFor('anything'))
    expect([target('@bo'), target('bo'), target('@'), target(undefined)]).toEqual(['bo', 'bo', undefined, undefined])
  })
})
