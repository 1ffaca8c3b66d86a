// sql-leaderboard, built with the real compiler and run in the real engine with storage.sql on disk.
// The scenarios cover points, commands and the API; this covers what they cannot: the database is
// a file in the plugin's data directory, so the points outlive the host.
import {mkdtemp, rm, stat} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {PluginSource} from '../../src/lib/host/host.js'
import {buildSource, chatMessage, recordingHost} from '../../test/helpers/host.js'

const DIR = fileURLToPath(new URL('.', import.meta.url))

describe('sql-leaderboard', () => {
  let dataDir: string
  let source: PluginSource

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ocp-leaderboard-'))
    source = await buildSource(DIR, 'js')
  })
  afterAll(async () => {
    await rm(dataDir, {recursive: true, force: true})
  })

  it('keeps the points in its own SQLite file, across a restart of the host', async () => {
    const first = recordingHost({dataDir})
    try {
      await first.host.load(source)
      for (const [i, name] of ['ann', 'bo', 'ann'].entries()) {
        await first.host.dispatchChatMessage(chatMessage('hi', {user: {id: `u-${name}`, displayName: name}, timestamp: `2026-11-29T18:0${i}:00Z`}))
      }
      expect(first.rec.warnings).toEqual([])
    } finally {
      await first.host.close()
    }
    expect((await stat(join(dataDir, 'sql-leaderboard', 'db', 'plugin.db'))).isFile()).toBe(true)

    const second = recordingHost({dataDir})
    try {
      await second.host.load(source)
      expect(second.host.plugin('sql-leaderboard')!.registration.commands.map((c) => c.name)).toEqual(['points', 'top'])
      await second.host.dispatchChatMessage(chatMessage('!top', {user: {id: 'u-cy', displayName: 'cy'}}))
      expect(second.rec.chat.map((c) => c.text)).toEqual(['Top chatters: 1. ann (2), 2. bo (1)'])
    } finally {
      await second.host.close()
    }
  })
})
