// sql-leaderboard, built with the real compiler and run in the real engine with storage.sql on disk.
// The scenarios cover points, commands and the API; this covers what they cannot: the database is
// an ordinary SQLite file in the plugin's data directory (so the points outlive the host), read
// here with better-sqlite3 once the host has closed it.
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import Database from 'better-sqlite3'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {buildSource, chatMessage, recordingHost} from '../../test/helpers/host.js'

const DIR = fileURLToPath(new URL('.', import.meta.url))

describe('sql-leaderboard', () => {
  let dataDir: string

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ocp-leaderboard-'))
  })
  afterAll(async () => {
    await rm(dataDir, {recursive: true, force: true})
  })

  it('keeps the points in its own SQLite file under the data directory', async () => {
    const {host, rec} = recordingHost({dataDir})
    try {
      const plugin = await host.load(await buildSource(DIR, 'js'))
      expect(plugin.registration.commands.map((c) => c.name)).toEqual(['points', 'top'])
      for (const [i, name] of ['ann', 'bo', 'ann'].entries()) {
        await host.dispatchChatMessage(chatMessage('hi', {user: {id: `u-${name}`, displayName: name}, timestamp: `2026-11-29T18:0${i}:00Z`}))
      }
      await host.dispatchChatMessage(chatMessage('!top', {user: {id: 'u-cy', displayName: 'cy'}}))
      expect(rec.chat.map((c) => c.text)).toEqual(['Top chatters: 1. ann (2), 2. bo (1)'])
      expect(rec.warnings).toEqual([])
    } finally {
      await host.close()
    }
    const db = new Database(join(dataDir, 'sql-leaderboard', 'db', 'plugin.db'), {readonly: true})
    try {
      expect(db.prepare('SELECT user_id, display_name, points FROM points ORDER BY user_id').all()).toEqual([
        {user_id: 'u-ann', display_name: 'ann', points: 2},
        {user_id: 'u-bo', display_name: 'bo', points: 1},
      ])
    } finally {
      db.close()
    }
  })
})
