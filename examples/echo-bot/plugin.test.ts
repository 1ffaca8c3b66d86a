// echo-bot's tests, written with the JS test API as a plugin project would write them:
// `loadPlugin` builds the project when its sources are newer than dist/, runs it in the real
// engine on a host whose Owncast records everything, and each step (event, filter, command,
// http, advance, emit) returns when the plugin is done. The same behaviour is also pinned as
// data in __tests__/echo.test.json, which `owncast-plugin test examples/echo-bot` runs.
import {fileURLToPath} from 'node:url'
import {loadPlugin, type PluginHarness} from 'owncast-plugin/testing'
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'

const DIR = fileURLToPath(new URL('.', import.meta.url))

describe('echo-bot', () => {
  let bot: PluginHarness
  const ann = {id: 'u-ann', displayName: 'ann'}
  /** A chat message from `user` (null: a message without one). */
  const say = (body: string, user: Record<string, unknown> | null = ann) =>
    bot.event('chat.message.received', {id: 'm1', body, ...(user ? {user} : {}), timestamp: '2026-11-29T12:00:00Z'})

  // one plugin for the whole file; each test starts with nothing recorded
  beforeAll(async () => {
    bot = await loadPlugin(DIR)
  })
  afterAll(() => bot.close())
  beforeEach(() => bot.clearEffects())

  it('repeats what follows "!echo", naming the sender', async () => {
    await say('!echo hello there')
    await say('  !echo   spaced out  ', {id: 'u-bo', displayName: 'Bo'})
    expect(bot.chatSends).toEqual(['ann said: hello there', 'Bo said: spaced out'])
  })

  it('answers a bare "!echo" with how to use it', async () => {
    await say('!echo')
    expect(bot.chatSends).toEqual(['ann, say "!echo something" and I will repeat it.'])
  })

  it('ignores other messages, look-alike prefixes and commands in the middle of a message', async () => {
    for (const body of ['hello', '!echoes of the past', '!ECHO loud', 'say !echo x', '']) await say(body)
    expect(bot.chatSends).toEqual([])
  })

  it('never answers bots, itself included', async () => {
    await say('!echo loop', {id: 'u-bot', displayName: 'Other Bot', isBot: true})
    await say('!echo ann said: hi', {id: 'echo-bot', displayName: 'Echo Bot', isBot: true})
    expect(bot.chatSends).toEqual([])
  })

  it('calls a sender without a user "someone"', async () => {
    const outcome = await say('!echo anon', null)
    expect(outcome.notified).toEqual([{slug: 'echo-bot', ok: true}])
    expect(bot.chatSends).toEqual(['someone said: anon'])
  })

  it('a chat line through the whole path: no filter of its own, and no command to answer', async () => {
    const line = await bot.command('!echo via chat', {user: 'cy'})
    expect(line).toMatchObject({action: 'pass', filters: [], commands: [], help: null})
    // a scenario's final `expect`, with the scenario files' rules (here a regular expression)
    bot.assert({chatSends: ['/^cy said: via chat$/'], chatActions: [], emits: []})
  })

  it('uses only the permission it declares, and has no routes', async () => {
    await say('!echo permissions')
    expect(bot.permissionWarnings).toEqual([])
    expect((await bot.http('/')).status).toBe(404)
  })
})
