// announcer (plain JavaScript), built with the real compiler and run in the real engine. The
// scenarios cover what it posts; this covers how the host registers its custom hook.
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {buildSource, recordingHost, type LoadedPlugin} from '../../test/helpers/host.js'

const DIR = fileURLToPath(new URL('.', import.meta.url))

describe('announcer', () => {
  const {host, rec} = recordingHost()
  let plugin: LoadedPlugin

  beforeAll(async () => {
    plugin = await host.load(await buildSource(DIR, 'js'))
  })
  afterAll(() => host.close())

  it('declares the hook under its local name; the host registers it under the slug', () => {
    expect(plugin.registration.subscriptions.notify).toEqual([{event: 'announcement.broadcast'}])
    expect(plugin.subscriptions.notify).toEqual([{event: 'announcer.announcement.broadcast'}])
  })

  it('is called for the qualified name only, and posts a system message', async () => {
    const report = await host.dispatch('announcer.announcement.broadcast', {text: 'hi', by: 'Mo'})
    expect(report.notified.map((n) => [n.slug, n.ok])).toEqual([['announcer', true]])
    expect((await host.dispatch('announcement.broadcast', {text: 'lost'})).notified).toEqual([])
    expect(rec.chat).toEqual([{slug: 'announcer', kind: 'system', text: '<strong>Announcement:</strong> hi <em>(Mo)</em>'}])
    expect(rec.warnings).toEqual([])
  })
})
