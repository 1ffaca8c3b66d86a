// chat-logger (plain JavaScript), built with the real compiler and run in the real engine beside
// profanity-filter, through the host's whole chat path: it logs what the filter chain let through.
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'
import {buildSource, chatMessage, recordingHost, type LoadedPlugin} from '../../test/helpers/host.js'

const DIR = fileURLToPath(new URL('.', import.meta.url))
const FILTER = fileURLToPath(new URL('../profanity-filter/', import.meta.url))

describe('chat-logger', () => {
  const {host, rec} = recordingHost()
  let plugin: LoadedPlugin

  beforeAll(async () => {
    plugin = await host.load(await buildSource(DIR, 'js'))
    await host.load(await buildSource(FILTER, 'js'))
  })
  afterAll(() => host.close())
  beforeEach(() => {
    rec.logs.length = 0
  })

  it('subscribes to the five chat events and filters nothing', () => {
    expect(plugin.registration.subscriptions).toEqual({
      notify: [
        {event: 'chat.message.received'},
        {event: 'chat.user.joined'},
        {event: 'chat.user.parted'},
        {event: 'chat.user.renamed'},
        {event: 'chat.message.moderated'},
      ],
      filter: [],
    })
  })

  it('logs a message as the filters left it, and nothing for a dropped one', async () => {
    await host.dispatchChatMessage(chatMessage('well darn it', {user: {id: 'u-ann', displayName: 'ann'}}))
    await host.dispatchChatMessage(chatMessage('oh HECK no', {user: {id: 'u-ann', displayName: 'ann'}}))
    expect(rec.logs).toEqual([{slug: 'chat-logger', level: 'info', message: '[chat] ann: well **** it'}])
  })

  it('needs no permission for anything it does', () => {
    expect(rec.warnings).toEqual([])
  })
})
