// profanity-filter, built with the real compiler (plugin.js and plugin.wasm) and run in the real engine.
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {buildSource, chatMessage, recordingHost, type LoadedPlugin} from '../../test/helpers/host.js'

const DIR = fileURLToPath(new URL('.', import.meta.url))

describe.each(['js', 'wasm'] as const)('profanity-filter (%s)', (target) => {
  const {host, rec} = recordingHost()
  let plugin: LoadedPlugin
  const decide = (body: string) => plugin.filter('chat.message.received', chatMessage(body))
  const masked = (body: string) => ({action: 'modify', payload: chatMessage(body)})

  beforeAll(async () => {
    const source = await buildSource(DIR, target)
    plugin = await host.load(source)
  })
  afterAll(() => host.close())

  it('registers a chat filter at the default priority and no notification', () => {
    expect(plugin.registration.subscriptions).toEqual({notify: [], filter: [{event: 'chat.message.received', priority: 100}]})
  })

  it('passes clean text', async () => {
    expect(await decide('lovely stream today')).toEqual({action: 'pass'})
    expect(await decide('')).toEqual({action: 'pass'})
  })

  it('masks every banned word in lower or mixed case, keeping the rest of the message', async () => {
    expect(await decide('well darn it')).toEqual(masked('well **** it'))
    expect(await decide('Heck, what a blast! Frick.')).toEqual(masked('****, what a *****! *****.'))
    expect(await decide('dArN and hEcK')).toEqual(masked('**** and ****'))
  })

  it('keeps the other fields of the message when it modifies it', async () => {
    const msg = chatMessage('oh heck', {id: 'm42', user: {id: 'u9', displayName: 'Nine', isBot: false}, clientId: 7})
    expect(await plugin.filter('chat.message.received', msg)).toEqual({action: 'modify', payload: {...msg, body: 'oh ****'}})
  })

  it('masks whole words only: a banned word inside a longer word is left alone', async () => {
    for (const body of ['darned good', 'the heckler left', 'blasting off', 'Frickin cold']) expect(await decide(body)).toEqual({action: 'pass'})
  })

  it('ends a word at anything but a letter (digits and "_" included)', async () => {
    expect(await decide('darn_it')).toEqual(masked('****_it'))
    expect(await decide('heck2')).toEqual(masked('****2'))
  })

  it('drops a message that shouts a banned word in capitals', async () => {
    expect(await decide('oh HECK no')).toEqual({action: 'drop', reason: 'shouting a banned word'})
    expect(await decide('darn it, DARN IT')).toEqual({action: 'drop', reason: 'shouting a banned word'})
  })

  it('does not drop capitals that are not banned words, nor a shouted word that merely contains one', async () => {
    expect(await decide('HELLO EVERYONE')).toEqual({action: 'pass'})
    expect(await decide('DARNED good')).toEqual({action: 'pass'})
  })

  it('uses only the permission it declares', () => {
    expect(rec.warnings).toEqual([])
    expect(rec.chat).toEqual([])
  })
})
