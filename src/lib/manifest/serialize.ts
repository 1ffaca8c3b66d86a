import type {Manifest} from './types.js'

/**
 * Serializes a manifest the way the production host marshals its Go struct: fields tagged
 * `omitempty` are left out when empty; struct-valued fields (`bot`, `subscriptions`, `admin`,
 * `network`) are always present.
 */
export function manifestToJson(m: Manifest): Record<string, unknown> {
  const out: Record<string, unknown> = {api: m.api}
  if (m.type) out.type = m.type
  out.name = m.name
  if (m.slug) out.slug = m.slug
  out.version = m.version
  if (m.description) out.description = m.description
  out.bot = m.bot.displayName ? {displayName: m.bot.displayName} : {}
  const subs: Record<string, unknown> = {}
  for (const kind of ['notify', 'filter'] as const) {
    if (m.subscriptions[kind].length > 0) {
      subs[kind] = m.subscriptions[kind].map((s) => (s.priority ? {event: s.event, priority: s.priority} : {event: s.event}))
    }
  }
  out.subscriptions = subs
  if (m.commands.length > 0) {
    out.commands = m.commands.map((c) => omitEmpty({...c}, ['name']))
  }
  if (m.permissions.length > 0) out.permissions = [...m.permissions]
  if (Object.keys(m.config).length > 0) {
    out.config = Object.fromEntries(
      Object.entries(m.config).map(([k, f]) => [
        k,
        {type: f.type, ...(f.default === undefined ? {} : {default: f.default}), ...(f.description ? {description: f.description} : {})},
      ]),
    )
  }
  out.admin = m.admin.pages.length > 0 ? {pages: m.admin.pages.map((p) => omitEmpty({...p}, ['title', 'path']))} : {}
  if (m.actions.length > 0) out.actions = m.actions.map((a) => omitEmpty({...a}, ['title']))
  out.network = m.network.allowedHosts.length > 0 ? {allowedHosts: [...m.network.allowedHosts]} : {}
  if (m.styles.length > 0) out.styles = [...m.styles]
  if (m.scripts.length > 0) out.scripts = [...m.scripts]
  if (m.extraPageContent) out.extraPageContent = omitEmpty({...m.extraPageContent}, ['slug'])
  if (m.tabs.length > 0) out.tabs = m.tabs.map((t) => omitEmpty({...t}, ['title', 'slug']))
  return out
}

function omitEmpty<T extends object>(value: T, keep: string[]): Partial<T> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) {
    const empty = v === '' || v === false || v === 0 || v === undefined || (Array.isArray(v) && v.length === 0)
    if (!empty || keep.includes(k)) out[k] = v
  }
  return out as Partial<T>
}
