/**
 * The permissions the production host knows: the 21 of its contract (plugin-contract.json) plus
 * `fediverse.inbound` and `storage.sql`, matching the SDK's `Permissions` object. The host accepts
 * unknown strings silently; the toolchain warns about them.
 */
export const KNOWN_PERMISSIONS = [
  'auth.gate',
  'chat.filter',
  'chat.history',
  'chat.moderate',
  'chat.send',
  'events.emit',
  'fediverse.inbound',
  'fediverse.post',
  'http.serve',
  'http.sse',
  'network.fetch',
  'notifications.send',
  'server.read',
  'storage.fs',
  'storage.kv',
  'storage.sql',
  'storage.upload',
  'ui.modify',
  'users.moderate',
  'users.read',
  'users.register',
  'videoconfig.read',
  'videoconfig.write',
] as const

export type Permission = (typeof KNOWN_PERMISSIONS)[number]

export function isKnownPermission(value: string): value is Permission {
  return (KNOWN_PERMISSIONS as readonly string[]).includes(value)
}
