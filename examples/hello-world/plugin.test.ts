// hello-world (plain JavaScript), built with the real compiler and run in the real engine.
// The scenarios (__tests__/) cover what it logs; this checks what they cannot: what it registers.
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {buildSource, recordingHost, type LoadedPlugin} from '../../test/helpers/host.js'

const DIR = fileURLToPath(new URL('.', import.meta.url))

describe('hello-world', () => {
  const {host, rec} = recordingHost()
  let plugin: LoadedPlugin

  beforeAll(async () => {
    plugin = await host.load(await buildSource(DIR, 'js'))
  })
  afterAll(() => host.close())

  it('loads without permissions and subscribes to exactly its two events', () => {
    expect(plugin.slug).toBe('hello-world')
    expect(plugin.registration.subscriptions).toEqual({notify: [{event: 'chat.user.joined'}, {event: 'stream.started'}], filter: []})
    expect(plugin.registration.commands).toEqual([])
  })

  it('logs through the plugin log at info level, under its own slug', async () => {
    await host.dispatch('stream.started', {title: 'Test'})
    expect(rec.logs).toEqual([{slug: 'hello-world', level: 'info', message: 'Hello, world! "Test" is live.'}])
    expect(rec.warnings).toEqual([])
  })
})
