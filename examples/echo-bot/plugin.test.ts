// echo-bot, built with the real compiler (plugin.js and plugin.wasm) and run in the real engine.
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'
import {buildSource, chatMessage, recordingHost, type LoadedPlugin} from '../../test/helpers/host.js'

const DIR = fileURLToPath(new URL('.', import.meta.url))

describe.each(['js', 'wasm'] as const)('echo-bot (%s)', (target) => {
  const {host, rec} = recordingHost()
  let bot: LoadedPlugin
  const say = (body: string, user: Record<string, unknown> = {id: 'u-ann', displayName: 'ann'}) =>
    bot.notify('chat.message.received', chatMessage(body, {user}))

  beforeAll(async () => {
    bot = await host.load(await buildSource(DIR, target))
  })
  afterAll(() => host.close())
  beforeEach(() => {
    rec.chat.length = 0
  })

  it('registers one chat notification and no filter', () => {
    expect(bot.slug).toBe('echo-bot')
    expect(bot.registration.subscriptions).toEqual({notify: [{event: 'chat.message.received'}], filter: []})
  })

  it('repeats what follows "!echo", naming the sender', async () => {
    await say('!echo hello there')
    await say('  !echo   spaced out  ', {id: 'u-bo', displayName: 'Bo'})
    expect(rec.chat).toEqual([
      {slug: 'echo-bot', text: 'ann said: hello there', kind: 'chat'},
      {slug: 'echo-bot', text: 'Bo said: spaced out', kind: 'chat'},
    ])
  })

  it('answers a bare "!echo" with how to use it', async () => {
    await say('!echo')
    expect(rec.chat).toEqual([{slug: 'echo-bot', text: 'ann, say "!echo something" and I will repeat it.', kind: 'chat'}])
  })

  it('ignores other messages, look-alike prefixes and commands in the middle of a message', async () => {
    for (const body of ['hello', '!echoes of the past', '!ECHO loud', 'say !echo x', '']) await say(body)
    expect(rec.chat).toEqual([])
  })

  it('never answers bots, itself included', async () => {
    await say('!echo loop', {id: 'u-bot', displayName: 'Other Bot', isBot: true})
    await say('!echo ann said: hi', {id: 'echo-bot', displayName: 'Echo Bot', isBot: true})
    expect(rec.chat).toEqual([])
  })

  it('calls a sender without a user "someone"', async () => {
    await bot.notify('chat.message.received', {id: 'm1', body: '!echo anon', timestamp: '2026-11-29T12:00:00Z'})
    expect(rec.chat).toEqual([{slug: 'echo-bot', text: 'someone said: anon', kind: 'chat'}])
  })

  it('uses only the permission it declares', () => {
    expect(rec.warnings).toEqual([])
  })
})
