/**
 * Manifest linting (DESIGN §3.11): every production validation rule as an error with the
 * host's own words (parseManifest), plus warnings for what the host accepts but an author most
 * likely did not mean. With what is known about the plugin around the manifest (its files, its
 * built code, what register() reported in the sandbox) it also checks permissions against the
 * code and the files the manifest names. Never rejects what the host accepts: every finding
 * that is not a production rule is a warning, except a register() disagreement, which fails the
 * host's load.
 *
 * One engine for `lint-manifest`, `build`, `package` and `inspect`. Kept free of heavy
 * imports: `lint-manifest` must start fast.
 */
import {HANDLER_PERMISSIONS, type CodeUsage} from './code-usage.js'
import {LineIndex, parseJson} from './json.js'
import {isKnownPermission} from './permissions.js'
import type {Manifest, ManifestIssue, ManifestParseResult} from './types.js'
import {parseManifest} from './validate.js'
import {isCleanRelativePath} from '../package/paths.js'

/** One finding: an issue of the manifest, possibly with notes (where the code does what it says). */
export type LintFinding = ManifestIssue

export type LintSeverity = 'error' | 'warning'

/** Every rule, its severity, and what it checks. Rule ids are stable (they appear in `--json`). */
export const LINT_RULES = {
  // --- production rules (services/plugins/manifest.go, in the host's order) ---
  'json-syntax': {severity: 'error', summary: 'the file is not valid JSON'},
  'json-type': {severity: 'error', summary: 'a value has the wrong JSON type for the host (Go UnmarshalTypeError)'},
  'api-version': {severity: 'error', summary: 'api must be "1"'},
  'name-required': {severity: 'error', summary: 'name must not be empty'},
  'version-required': {severity: 'error', summary: 'version must not be empty'},
  'slug-derive': {severity: 'error', summary: 'no slug was given and none can be derived from name'},
  'slug-invalid': {severity: 'error', summary: 'slug must match ^[a-z][a-z0-9-]{0,63}$'},
  'config-reserved': {severity: 'error', summary: 'config keys must not start with "__"'},
  'admin-page': {severity: 'error', summary: 'admin pages need a title and a path starting with "/"'},
  'admin-page-glob': {severity: 'error', summary: 'an admin page path is not a valid glob'},
  'network-hosts': {severity: 'error', summary: 'network.fetch needs network.allowedHosts, none of them blank'},
  'ui-modify': {severity: 'error', summary: 'actions, styles, scripts, extraPageContent and tabs need ui.modify'},
  action: {severity: 'error', summary: 'an action needs a title and exactly one of url or html'},
  'action-url': {severity: 'error', summary: "an action url in the plugin's namespace needs http.serve; other plugins' namespaces are refused"},
  'action-icon': {severity: 'error', summary: "an action icon in the plugin's namespace needs http.serve; other plugins' namespaces are refused"},
  'asset-path': {severity: 'error', summary: 'styles, scripts and content paths: not blank, not absolute URLs, own namespace, right extension'},
  'content-slug': {severity: 'error', summary: 'extraPageContent and tab slugs must be valid slugs'},
  tab: {severity: 'error', summary: 'tabs need unique titles and unique, valid slugs'},
  // --- the host's load-time checks after register() ---
  'register-permission': {severity: 'error', summary: 'a filter on chat messages needs chat.filter; fediverse handlers need fediverse.inbound (the host refuses the load)'},
  'register-agreement': {severity: 'error', summary: "register() disagrees with the manifest (slug, permissions, hook names): the host refuses the load"},
  // --- warnings: accepted by the host, probably a mistake ---
  'unknown-key': {severity: 'warning', summary: 'a key the host ignores (with a did-you-mean)'},
  'key-case': {severity: 'warning', summary: 'a key that matches a field only case-insensitively'},
  'duplicate-key': {severity: 'warning', summary: 'a key that appears twice (the host takes the last)'},
  'object-form': {severity: 'warning', summary: 'admin.pages or tabs written as an object (newer hosts only)'},
  'unknown-permission': {severity: 'warning', summary: 'a permission the host does not know (with a did-you-mean)'},
  'ignored-field': {severity: 'warning', summary: 'type, subscriptions or commands: the host ignores them in the file'},
  'version-semver': {severity: 'warning', summary: 'version is not a semantic version'},
  'description-missing': {severity: 'warning', summary: 'no description for the admin listing'},
  'asset-missing': {severity: 'warning', summary: 'a file the manifest names is not in assets/ or public/'},
  'permission-unused': {severity: 'warning', summary: 'a permission the built code never needs'},
  'permission-missing': {severity: 'warning', summary: 'the code calls an API whose permission is not declared (the call does nothing)'},
  'handler-permission': {severity: 'warning', summary: 'a handler that is never called without a permission (onHttpRequest, onSseConnect, content, auth)'},
  'emit-target': {severity: 'warning', summary: 'the code emits an event name no plugin can receive'},
  'version-mismatch': {severity: 'warning', summary: 'register() reports another version than the manifest (a stale build)'},
  'loose-js': {severity: 'warning', summary: 'a loose .js plugin: production Owncast discovers only .ocpkg and .wasm files'},
} as const satisfies Record<string, {severity: LintSeverity; summary: string}>

export type LintRule = keyof typeof LINT_RULES

/** Files beside the manifest (a project directory, a package's entries). */
export interface LintFiles {
  /** Whether `assets/<path>` is a file. */
  asset(path: string): boolean
  /** Whether `public/<path>` is a file. */
  publicFile(path: string): boolean
  /** Whether public/ has any file. */
  hasPublic: boolean
}

/** The built code, scanned (see code-usage.ts). */
export interface LintCode {
  /** The scanned file as shown to the user, e.g. `dist/plugin.js`. */
  file: string
  usage: CodeUsage
  /** Where an offset of the scanned code comes from, e.g. `src/plugin.ts:12:5` (through the source map when there is one). */
  locate?(offset: number): string
}

/** What register() reported when the plugin ran in the sandbox. */
export interface LintRegistration {
  subscriptions: {notify: {event: string}[]; filter: {event: string}[]}
  /** register()'s version, '' when absent. */
  version: string
  /** Why the host would refuse the load (production's words, "manifest/runtime mismatch: ..."), when it would. */
  refusal?: string
  /** register() did not complete (the script threw at load...): `subscriptions` are unknown, `refusal` says why. */
  failed?: boolean
}

export interface LintOptions {
  /** The manifest's file, for results. */
  file?: string
  files?: LintFiles
  code?: LintCode
  registration?: LintRegistration
  /** The plugin is a loose `<name>.js` beside `<name>.manifest.json` (DESIGN §3.12). */
  looseJs?: boolean
}

export interface LintResult extends ManifestParseResult {
  errors: LintFinding[]
  warnings: LintFinding[]
  /** Errors (in the host's order), then warnings (in file order). */
  findings: LintFinding[]
  /** What the lint could check beyond the file itself. */
  checked: {files: boolean; code: boolean; registration: boolean}
}

const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/

export const LOOSE_JS_MESSAGE =
  'production Owncast discovers only .ocpkg and .wasm files in its plugins directory, so it will not load this loose .js plugin; ship it with `owncast-plugin package`'

/** Lints the text of a plugin manifest. See {@link LINT_RULES} for what is checked. */
export function lintManifest(source: string, options: LintOptions = {}): LintResult {
  const parsed = parseManifest(source, options.file === undefined ? {} : {file: options.file})
  const errors: LintFinding[] = [...parsed.errors]
  const warnings: LintFinding[] = [...parsed.warnings]
  const checked = {files: options.files !== undefined, code: options.code !== undefined, registration: options.registration !== undefined}
  const m = parsed.normalized
  if (m === undefined) {
    return {...parsed, errors, warnings, findings: [...errors, ...warnings], checked}
  }

  const at = locator(source)
  const add = (rule: LintRule, path: ReadonlyArray<string | number>, message: string, notes?: string[]) => {
    const {pointer, line, column} = at(path)
    const finding: LintFinding = {severity: LINT_RULES[rule].severity, rule, message, pointer, line, column}
    if (notes && notes.length > 0) finding.notes = notes
    ;(finding.severity === 'error' ? errors : warnings).push(finding)
  }
  const permissionPath = (p: string): (string | number)[] => {
    const i = m.permissions.indexOf(p)
    return i === -1 ? ['permissions'] : ['permissions', i]
  }

  if (options.looseJs) add('loose-js', [], LOOSE_JS_MESSAGE)
  if (m.version !== '' && !SEMVER.test(m.version)) {
    add('version-semver', ['version'], `version ${JSON.stringify(m.version)} is not a semantic version${semverHint(m.version)}`, [
      'The host accepts any string, but admins and update checks compare versions as MAJOR.MINOR.PATCH',
    ])
  }
  if (m.description.trim() === '') {
    add('description-missing', [], 'manifest.description is missing: the admin plugin list shows it to whoever installs the plugin')
  }

  const slugOk = parsed.errors.every((e) => e.rule !== 'slug-invalid' && e.rule !== 'slug-derive' && e.rule !== 'name-required')
  const handlers = options.code ? new Set(options.code.usage.handlers.map((h) => h.name)) : undefined
  if (options.files && slugOk) checkAssets(m, options.files, handlers, add)
  if (options.code) checkCode(m, options.code, options.files, options.registration, add, permissionPath)
  if (options.registration) checkRegistration(m, options.registration, add, permissionPath, options.code === undefined)

  warnings.sort((a, b) => a.line - b.line || a.column - b.column)
  const result: LintResult = {
    ...parsed,
    ok: errors.length === 0,
    errors,
    warnings,
    findings: [...errors, ...warnings],
    checked,
  }
  if (errors.length > 0) delete result.manifest
  return result
}

type Add = (rule: LintRule, path: ReadonlyArray<string | number>, message: string, notes?: string[]) => void

/** JSON pointer and line:column of the value at a path as written (keys matched exactly, else case-insensitively). */
function locator(source: string): (path: ReadonlyArray<string | number>) => {pointer: string; line: number; column: number} {
  const lines = new LineIndex(source)
  let root: ReturnType<typeof parseJson> | undefined
  try {
    root = parseJson(source)
  } catch {
    root = undefined
  }
  return (path) => {
    let node = root
    let pointer = ''
    let offset = root?.offset ?? 0
    for (const part of path) {
      if (!node) break
      let next: typeof node | undefined
      let token: string | undefined
      if (node.type === 'object' && typeof part === 'string') {
        const members = node.members
        const hit = [...members].reverse().find((mm) => mm.key === part) ?? [...members].reverse().find((mm) => mm.key.toLowerCase() === part.toLowerCase())
        if (hit) {
          next = hit.value
          token = hit.key
        }
      } else if (node.type === 'array' && typeof part === 'number') {
        next = node.items[part]
        token = String(part)
      }
      if (!next || token === undefined) break
      node = next
      pointer += `/${token.replace(/~/g, '~0').replace(/\//g, '~1')}`
      offset = next.offset
    }
    return {pointer, ...lines.position(offset)}
  }
}

function semverHint(version: string): string {
  const v = version.trim().replace(/^v(?=\d)/i, '')
  const parts = v.split('.')
  if (/^\d+(\.\d+){0,2}$/.test(v)) {
    while (parts.length < 3) parts.push('0')
    const fixed = parts.map((p) => String(Number(p))).join('.')
    if (fixed !== version) return `; did you mean ${JSON.stringify(fixed)}?`
  }
  if (v !== version && SEMVER.test(v)) return `; did you mean ${JSON.stringify(v)}?`
  return ''
}

/** `/plugins/<slug>/css/a.css?x#y` → `css/a.css`; null when the path leaves the plugin's namespace. */
function pluginRelative(slug: string, url: string): string | null {
  const prefix = `/plugins/${slug}/`
  if (!url.startsWith(prefix)) return null
  return url.slice(prefix.length).replace(/[?#].*$/, '')
}

function checkAssets(m: Manifest, files: LintFiles, handlers: Set<string> | undefined, add: Add): void {
  const assetCheck = (path: (string | number)[], url: string, what: string) => {
    const rel = pluginRelative(m.slug, url)
    if (rel === null || rel === '') return
    if (!isCleanRelativePath(rel)) {
      add('asset-missing', path, `${what} ${JSON.stringify(rel)} cannot be read from assets/: the path is not a clean relative path`, [
        'The host refuses asset paths with "..", empty segments or backslashes',
      ])
    } else if (!files.asset(rel)) {
      add('asset-missing', path, `${what} assets/${rel} does not exist; the host skips it`, [
        `Create assets/${rel}, or fix the path (styles, scripts and content are read from assets/, never from public/)`,
      ])
    }
  }
  m.styles.forEach((url, i) => assetCheck(['styles', i], url, 'stylesheet'))
  m.scripts.forEach((url, i) => assetCheck(['scripts', i], url, 'script'))
  if (m.extraPageContent && m.extraPageContent.content !== '') {
    assetCheck(['extraPageContent', 'content'], m.extraPageContent.content, 'extraPageContent')
  }
  m.tabs.forEach((tab, i) => {
    if (tab.content !== '') assetCheck(['tabs', i, 'content'], tab.content, `tab ${JSON.stringify(tab.title)} content`)
  })

  // Action links and icons into the plugin's namespace are served from public/, unless
  // onHttpRequest answers them: only claim a file is missing when the code has no handler.
  if (!handlers || handlers.has('onHttpRequest')) return
  m.actions.forEach((a, i) => {
    for (const field of ['url', 'icon'] as const) {
      let rel = pluginRelative(m.slug, a[field])
      if (rel === null) continue
      if (rel === '' || rel.endsWith('/')) rel += 'index.html'
      if (isCleanRelativePath(rel) && files.publicFile(rel)) continue
      add('asset-missing', ['actions', i, field], `action ${JSON.stringify(a.title)} ${field} ${a[field]} has no file public/${rel}, and the plugin has no onHttpRequest handler to answer it`)
    }
  })
}

function checkCode(
  m: Manifest,
  code: LintCode,
  files: LintFiles | undefined,
  registration: LintRegistration | undefined,
  add: Add,
  permissionPath: (p: string) => (string | number)[],
): void {
  const declared = new Set(m.permissions)
  const where = (offset: number) => code.locate?.(offset) ?? code.file
  const {uses, handlers} = code.usage

  // Calls whose permission is missing: one finding per permission, naming the first call.
  const missing = new Map<string, {api: string; offset: number; count: number}>()
  for (const use of uses) {
    if (!use.exact) continue
    for (const p of use.permissions) {
      if (declared.has(p)) continue
      const seen = missing.get(p)
      if (seen) seen.count++
      else missing.set(p, {api: use.api, offset: use.offset, count: 1})
    }
  }
  for (const [p, first] of missing) {
    const more = first.count > 1 ? ` (and ${first.count - 1} more call${first.count === 2 ? '' : 's'})` : ''
    add('permission-missing', ['permissions'], `the code calls ${first.api}, which needs the "${p}" permission; without it the call does nothing`, [
      `${first.api} at ${where(first.offset)}${more}`,
      `Add "${p}" to "permissions"`,
    ])
  }

  // Handlers that need a permission. The load-time ones are errors, unless register() was
  // run: then its subscriptions say exactly what the host would check.
  for (const h of handlers) {
    const need = HANDLER_PERMISSIONS[h.name]
    if (!need || declared.has(need.permission)) continue
    if (need.load) {
      if (registration && !registration.failed) continue
      const message =
        need.permission === 'chat.filter'
          ? `plugin subscribes to filterChatMessage but does not declare the "chat.filter" permission: the host refuses to load it`
          : `plugin subscribes to ${eventOf(h.name)} (${h.name}) but does not declare the "${need.permission}" permission: the host refuses to load it`
      add('register-permission', ['permissions'], message, [`${h.name} at ${where(h.offset)}`, `Add "${need.permission}" to "permissions"`])
    } else {
      add('handler-permission', ['permissions'], `${h.name} is never called without the "${need.permission}" permission (${need.why})`, [
        `${h.name} at ${where(h.offset)}`,
        `Add "${need.permission}" to "permissions", or remove the handler`,
      ])
    }
  }

  // Emits no plugin can receive.
  for (const use of uses) {
    if (use.api !== 'owncast.events.emit' || use.argument === undefined) continue
    const name = use.argument
    const path = declared.has('events.emit') ? permissionPath('events.emit') : []
    if (RESERVED_EVENTS.has(name)) {
      add('emit-target', path, `the code emits ${JSON.stringify(name)}, a host event: the host drops it`, [`owncast.events.emit at ${where(use.offset)}`])
    } else if (!name.includes('.')) {
      add('emit-target', path, `the code emits ${JSON.stringify(name)}, which no plugin can receive: hooks are namespaced by their plugin`, [
        `owncast.events.emit at ${where(use.offset)}`,
        `Emit "<slug>.${name}" to reach the hook "${name}" of the plugin <slug> (this plugin: "${m.slug}.${name}")`,
      ])
    }
  }

  // Declared permissions nothing needs.
  if (code.usage.opaque) return
  const used = new Set<string>()
  for (const use of uses) for (const p of use.permissions) used.add(p)
  for (const h of handlers) {
    const need = HANDLER_PERMISSIONS[h.name]
    if (need) used.add(need.permission)
  }
  for (const sub of registration?.subscriptions.notify ?? []) {
    if (sub.event.startsWith('fediverse.')) used.add('fediverse.inbound')
    if (sub.event.startsWith('sse.')) used.add('http.sse')
  }
  if (registration?.subscriptions.filter.some((s) => s.event === 'chat.message.received')) used.add('chat.filter')
  const manifestUses = manifestPermissionUses(m, files)
  m.permissions.forEach((p, i) => {
    if (!isKnownPermission(p) || used.has(p) || manifestUses.has(p)) return
    add('permission-unused', ['permissions', i], `permission "${p}" is declared but the built code never needs it`, [
      `${code.file} makes no call that needs it; admins see every permission at install time, so drop the ones you do not use`,
    ])
  })
}

/** Permissions the manifest itself puts to use, whatever the code does. */
function manifestPermissionUses(m: Manifest, files: LintFiles | undefined): Set<string> {
  const out = new Set<string>()
  if (m.actions.length + m.styles.length + m.scripts.length + m.tabs.length > 0 || m.extraPageContent) out.add('ui.modify')
  const prefix = `/plugins/${m.slug}/`
  const ownNamespace = m.actions.some((a) => a.url.startsWith(prefix) || a.icon.startsWith(prefix))
  // public/ files and admin pages are served only with http.serve.
  if (ownNamespace || m.admin.pages.length > 0 || files?.hasPublic) out.add('http.serve')
  return out
}

const RESERVED_EVENTS = new Set([
  'chat.message.received', 'chat.user.joined', 'chat.user.parted', 'chat.user.renamed', 'chat.message.moderated',
  'stream.started', 'stream.stopped', 'stream.title.changed', 'sse.connect', 'sse.disconnect', 'tick',
  'fediverse.follow', 'fediverse.like', 'fediverse.repost', 'fediverse.mention', 'fediverse.reply', 'fediverse.quote',
  'fediverse.activity', 'chat.command', 'timer.fire',
])

function eventOf(handler: string): string {
  if (handler === 'onFediverse') return 'fediverse.activity'
  return `fediverse.${handler.slice('onFediverse'.length).toLowerCase()}`
}

function checkRegistration(
  m: Manifest,
  reg: LintRegistration,
  add: Add,
  permissionPath: (p: string) => (string | number)[],
  withoutCode: boolean,
): void {
  if (reg.refusal !== undefined) {
    const permission = /"(chat\.filter|fediverse\.inbound)" permission/.exec(reg.refusal)?.[1]
    const requested = /requested permission "([^"]+)"/.exec(reg.refusal)?.[1]
    if (permission) add('register-permission', ['permissions'], reg.refusal, [`Add "${permission}" to "permissions"`])
    else if (requested) add('register-agreement', permissionPath(requested), reg.refusal)
    else if (/slug mismatch/.test(reg.refusal)) add('register-agreement', m.slug ? ['slug'] : ['name'], reg.refusal, ['Rebuild the plugin: the build embeds the manifest it was built with'])
    else add('register-agreement', [], reg.refusal)
  }
  const declared = new Set(m.permissions)
  // With the code at hand, its onSseConnect/onSseDisconnect were reported already.
  if (withoutCode && !declared.has('http.sse') && reg.subscriptions.notify.some((s) => s.event.startsWith('sse.'))) {
    const sub = reg.subscriptions.notify.find((s) => s.event.startsWith('sse.'))!
    add('handler-permission', ['permissions'], `the plugin subscribes to ${sub.event}, which never fires without the "http.sse" permission`, [
      'Add "http.sse" to "permissions", or remove the handler',
    ])
  }
  if (reg.version !== '' && reg.version !== m.version) {
    add('version-mismatch', ['version'], `register() reports version ${JSON.stringify(reg.version)} but the manifest says ${JSON.stringify(m.version)}: the build is stale`, [
      'Owncast loads it anyway; rebuild so they agree',
    ])
  }
}
