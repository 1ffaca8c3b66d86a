// relay and announcer, both built with the real compiler and run in the real engine in one host,
// through the host's whole chat path: the emit really reaches the other plugin. The scenarios
// cover the same pair; this covers the delivery itself as the host reports it (depth, receivers).
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {HostActivity} from '../../src/lib/host/activity.js'
import {buildSource, chatMessage, recordingHost} from '../../test/helpers/host.js'

const DIR = fileURLToPath(new URL('.', import.meta.url))
const ANNOUNCER = fileURLToPath(new URL('../announcer/', import.meta.url))
const mo = {id: 'u-mo', displayName: 'Mo', scopes: ['MODERATOR']}

describe('relay → announcer', () => {
  const emits: Extract<HostActivity, {type: 'emit'}>[] = []
  const {host, rec} = recordingHost({onActivity: (a) => void (a.type === 'emit' && emits.push(a))})

  beforeAll(async () => {
    for (const dir of [DIR, ANNOUNCER]) await host.load(await buildSource(dir, 'js'))
  })
  afterAll(() => host.close())

  it('delivers the announcement to announcer alone, one level deep, after relay has returned', async () => {
    await host.dispatchChatMessage(chatMessage('/announce Giveaway at 9!', {user: mo, timestamp: '2026-11-29T18:00:00Z'}))
    expect(emits).toEqual([
      expect.objectContaining({
        slug: 'relay',
        eventType: 'announcer.announcement.broadcast',
        depth: 1,
        deliveredTo: ['announcer'],
        payload: JSON.stringify({text: 'Giveaway at 9!', by: 'Mo', at: '2026-11-29T18:00:00Z'}),
      }),
    ])
    expect(emits[0]!.dropped).toBeUndefined()
    expect(rec.chat).toEqual([{slug: 'announcer', kind: 'system', text: '<strong>Announcement:</strong> Giveaway at 9! <em>(Mo)</em>'}])
  })

  it('registers only a chat notification; relay needs no permission beyond events.emit', () => {
    expect(host.plugin('relay')!.registration.subscriptions).toEqual({notify: [{event: 'chat.message.received'}], filter: []})
    expect(rec.warnings).toEqual([])
  })
})
