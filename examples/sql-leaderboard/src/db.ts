import {owncast} from '@owncast/plugin-sdk'

/** One row of the leaderboard. */
export interface Entry {
  user_id: string
  display_name: string
  points: number
  [column: string]: string | number
}

/** A message earns a point only this long after the viewer's last point (against spam). */
export const EARN_EVERY_MS = 10_000

/** The schema, created on first use. The database is the plugin's own SQLite file; it survives restarts. */
const SCHEMA = `CREATE TABLE IF NOT EXISTS points (
  user_id TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  points INTEGER NOT NULL DEFAULT 0,
  last_earned INTEGER NOT NULL DEFAULT 0
)`

let ready = false
function schema(): void {
  if (ready) return
  owncast.sql.exec(SCHEMA)
  ready = true
}

/**
 * A point for this viewer at `at` (ms since the epoch), unless they earned one less than 10 s
 * earlier. One statement, so two messages can never both count: the database decides.
 */
export function earn(userId: string, displayName: string, at: number): void {
  schema()
  owncast.sql.exec(
    `INSERT INTO points (user_id, display_name, points, last_earned) VALUES (?, ?, 1, ?)
     ON CONFLICT (user_id) DO UPDATE SET
       display_name = excluded.display_name,
       points = points + (excluded.last_earned - last_earned >= ${EARN_EVERY_MS}),
       last_earned = CASE WHEN excluded.last_earned - last_earned >= ${EARN_EVERY_MS} THEN excluded.last_earned ELSE last_earned END`,
    [userId, displayName, at],
  )
}

/** The top `limit` viewers: most points first, ties by name. */
export function top(limit: number): Entry[] {
  schema()
  return owncast.sql.query<Entry>('SELECT user_id, display_name, points FROM points ORDER BY points DESC, display_name COLLATE NOCASE, user_id LIMIT ?', [limit])
}

/** A viewer's points and rank (1 + how many have more), or null when they have none. */
export function standing(userId: string): {points: number; rank: number; of: number} | null {
  schema()
  const row = owncast.sql.queryRow<{points: number; rank: number; of: number}>(
    `SELECT p.points AS points,
            (SELECT COUNT(*) FROM points o WHERE o.points > p.points) + 1 AS rank,
            (SELECT COUNT(*) FROM points) AS of
       FROM points p WHERE p.user_id = ?`,
    [userId],
  )
  return row && row.points > 0 ? row : null
}

export function reset(): number {
  schema()
  return owncast.sql.exec('DELETE FROM points').rowsAffected
}
