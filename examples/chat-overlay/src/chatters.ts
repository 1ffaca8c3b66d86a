import {owncast} from '@owncast/plugin-sdk'

/** One row of the admin page's "top chatters" table. */
export interface Chatter {
  user_id: string
  display_name: string
  messages: number
}

let ready = false

/** Creates the table on first use (the database is the plugin's own SQLite file). */
function schema(): void {
  if (ready) return
  owncast.sql.exec(
    'CREATE TABLE IF NOT EXISTS chatters (user_id TEXT PRIMARY KEY, display_name TEXT NOT NULL, messages INTEGER NOT NULL DEFAULT 0)',
  )
  ready = true
}

/** One more message from this user (keyed by id, so a rename keeps the count). */
export function countChatter(userId: string, displayName: string): void {
  schema()
  owncast.sql.exec(
    `INSERT INTO chatters (user_id, display_name, messages) VALUES (?, ?, 1)
     ON CONFLICT (user_id) DO UPDATE SET display_name = excluded.display_name, messages = messages + 1`,
    [userId, displayName],
  )
}

/** The busiest chatters, most messages first. */
export function topChatters(limit = 10): Chatter[] {
  schema()
  return owncast.sql.query<Chatter & Record<string, string | number>>(
    'SELECT user_id, display_name, messages FROM chatters ORDER BY messages DESC, display_name LIMIT ?',
    [limit],
  )
}

export function clearChatters(): void {
  schema()
  owncast.sql.exec('DELETE FROM chatters')
}
