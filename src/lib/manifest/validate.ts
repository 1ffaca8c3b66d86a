import {goTrimSpace} from '../host/offthread/sql/go-json.js'
import {decodeManifest, suggest} from './decode.js'
import {JsonSyntaxError, LineIndex, parseJson, toPlainValue} from './json.js'
import {KNOWN_PERMISSIONS, isKnownPermission} from './permissions.js'
import {SLUG_PATTERN, SLUG_PATTERN_SOURCE, slugify} from './slug.js'
import type {Manifest, ManifestIssue, ManifestParseResult} from './types.js'

/** The manifest API version the host supports. */
export const SUPPORTED_API_VERSION = '1'

/** strings.TrimSpace(s) == "" as the host tests it (not String.trim: U+0085 is space, U+FEFF is not). */
function blank(s: string): boolean {
  return goTrimSpace(s) === ''
}

/** Go's `%q` for the strings that appear in manifest messages. */
function q(s: string): string {
  return JSON.stringify(s)
}

type Path = ReadonlyArray<string | number>

interface Collector {
  error(path: Path, message: string, rule: string): void
  warn(path: Path, message: string, rule: string): void
}

/**
 * Parses and validates the text of a `plugin.manifest.json` exactly as the production host does
 * (services/plugins/manifest.go `ParseManifest`), in the same order and with the same messages.
 * Where the host stops at its first error, this goes on checking what does not depend on it, so
 * an author sees every problem at once; `errors[0]` is always the host's own answer.
 *
 * On success the manifest is normalized like the host's: `slug` derived from `name` when absent,
 * action `url`/`icon`, `styles`, `scripts`, `extraPageContent.content` and tab `content` rewritten
 * into `/plugins/<slug>/`, tab slugs derived from titles.
 *
 * Every issue carries a JSON pointer and the line:column of the offending value in `source`.
 */
export function parseManifest(source: string, options: {file?: string} = {}): ManifestParseResult {
  const lines = new LineIndex(source)
  const errors: ManifestIssue[] = []
  const warnings: ManifestIssue[] = []
  const result = (extra: Partial<ManifestParseResult> = {}): ManifestParseResult => ({
    ok: errors.length === 0,
    errors,
    warnings,
    source,
    ...(options.file === undefined ? {} : {file: options.file}),
    ...extra,
  })
  const issue = (severity: ManifestIssue['severity'], pointer: string, offset: number, message: string, rule: string) => {
    const {line, column} = lines.position(offset)
    ;(severity === 'error' ? errors : warnings).push({severity, message, pointer, line, column, rule})
  }

  let root
  try {
    root = parseJson(source)
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error
    issue('error', '', error.offset, `parse manifest json: ${error.message}`, 'json-syntax')
    if (source.charCodeAt(0) === 0xfeff) {
      errors[0]!.message += ' (the file starts with a byte order mark; save it as UTF-8 without BOM)'
    }
    return result()
  }

  const decoded = decodeManifest(root)
  for (const w of decoded.warnings) issue('warning', w.origin.pointer, w.origin.offset, w.message, w.rule)
  if (decoded.typeErrors.length > 0) {
    for (const e of decoded.typeErrors) issue('error', e.origin.pointer, e.origin.offset, `parse manifest json: ${e.message}`, e.rule)
    return result({data: toPlainValue(root)})
  }

  const collector: Collector = {
    error: (path, message, rule) => {
      const o = decoded.locate(path)
      issue('error', o.pointer, o.offset, message, rule)
    },
    warn: (path, message, rule) => {
      const o = decoded.locate(path)
      issue('warning', o.pointer, o.offset, message, rule)
    },
  }
  // Validation rewrites paths in a copy. Config defaults are any JSON (as deep as Go's 10 000
  // levels, past what structuredClone's recursion survives) and never rewritten: shared.
  const {config, ...rest} = decoded.manifest
  const manifest: Manifest = {...structuredClone(rest), config: {...config}}
  validate(manifest, collector)
  addWarnings(manifest, collector)
  return result({data: toPlainValue(root), normalized: manifest, ...(errors.length === 0 ? {manifest} : {})})
}

function validate(m: Manifest, c: Collector): void {
  if (m.api !== SUPPORTED_API_VERSION) {
    c.error(['api'], `unsupported api version ${q(m.api)} (host supports ${q(SUPPORTED_API_VERSION)})`, 'api-version')
  }
  if (m.name === '') c.error(['name'], 'manifest.name is required', 'name-required')
  if (m.version === '') c.error(['version'], 'manifest.version is required', 'version-required')
  if (!resolveSlug(m, c)) return
  validateConfigKeys(m, c)
  validateAdminPages(m, c)
  validateNetwork(m, c)
  validateActions(m, c)
  validateAssetList(m, c, 'styles', '.css', 'inject CSS into the viewer\'s global scope must opt in to ui.modify so it\'s visible to anyone reviewing the manifest that the plugin restyles Owncast\'s UI')
  validateAssetList(m, c, 'scripts', '.js', 'inject JavaScript into the viewer page must opt in to ui.modify so it\'s visible to anyone reviewing the manifest that the plugin runs code inside Owncast\'s chrome')
  validateExtraPageContent(m, c)
  validateTabs(m, c)
}

/** Fills in `slug` from `name` when absent. Returns false when the slug is unusable. */
function resolveSlug(m: Manifest, c: Collector): boolean {
  if (m.slug === '') {
    if (m.name === '') return false // already reported; the host stops before deriving
    const derived = slugify(m.name)
    if (!derived.ok) {
      c.error(
        ['name'],
        `could not auto-generate a slug from manifest.name ${q(m.name)}: ${derived.reason}; set manifest.slug explicitly`,
        'slug-derive',
      )
      return false
    }
    m.slug = derived.slug
  }
  if (!SLUG_PATTERN.test(m.slug)) {
    c.error(['slug'], `manifest.slug ${q(m.slug)} is invalid; must match ${SLUG_PATTERN_SOURCE}`, 'slug-invalid')
    return false
  }
  return true
}

function validateConfigKeys(m: Manifest, c: Collector): void {
  for (const key of Object.keys(m.config)) {
    if (key.startsWith('__')) {
      c.error(['config', key], `manifest.config key ${q(key)} is reserved (keys starting with "__" are used internally)`, 'config-reserved')
    }
  }
}

function validateAdminPages(m: Manifest, c: Collector): void {
  m.admin.pages.forEach((page, i) => {
    if (page.title === '') c.error(['admin', 'pages', i, 'title'], `manifest.admin.pages[${i}].title is required`, 'admin-page')
    else if (page.path === '') c.error(['admin', 'pages', i, 'path'], `manifest.admin.pages[${i}].path is required`, 'admin-page')
    else if (!page.path.startsWith('/')) {
      c.error(['admin', 'pages', i, 'path'], `manifest.admin.pages[${i}].path ${q(page.path)} must start with "/"`, 'admin-page')
    } else {
      // The host compiles the globs when it loads the plugin; a bad one fails the load.
      const problem = globProblem(page.path.toLowerCase())
      if (problem) c.error(['admin', 'pages', i, 'path'], `manifest.admin.pages: invalid path glob ${q(page.path)}: ${problem}`, 'admin-page-glob')
    }
  })
}

/** The syntax errors gobwas/glob reports: unclosed `[...]` or `{...}`, a dangling escape. */
function globProblem(glob: string): string | undefined {
  let inRange = false
  let braces = 0
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]
    if (ch === '\\') {
      if (i + 1 >= glob.length) return 'dangling escape at the end'
      i++
    } else if (inRange) {
      if (ch === ']') inRange = false
    } else if (ch === '[') inRange = true
    else if (ch === '{') braces++
    else if (ch === '}') {
      if (braces === 0) return 'unexpected "}"'
      braces--
    }
  }
  if (inRange) return 'unclosed "["'
  if (braces > 0) return 'unclosed "{"'
  return undefined
}

function validateNetwork(m: Manifest, c: Collector): void {
  if (m.permissions.includes('network.fetch') && m.network.allowedHosts.length === 0) {
    c.error(
      ['network', 'allowedHosts'],
      'manifest declares network.fetch but no network.allowedHosts; list the hostnames you\'ll reach (globs OK, e.g. "api.discord.com", "*.weather.com") or ["*"] for any host',
      'network-hosts',
    )
  }
  m.network.allowedHosts.forEach((host, i) => {
    if (blank(host)) c.error(['network', 'allowedHosts', i], `manifest.network.allowedHosts[${i}] is empty`, 'network-hosts')
  })
}

function uiModifyMessage(field: string, why: string): string {
  return `manifest.${field} is set but the manifest does not declare the "ui.modify" permission; plugins that ${why}`
}

function validateActions(m: Manifest, c: Collector): void {
  if (m.actions.length > 0 && !m.permissions.includes('ui.modify')) {
    c.error(
      ['actions'],
      uiModifyMessage('actions', 'contribute viewer action buttons must opt in to ui.modify so it\'s visible to anyone reviewing the manifest that the plugin places UI inside Owncast\'s chrome'),
      'ui-modify',
    )
  }
  const prefix = `/plugins/${m.slug}/`
  const hasServe = m.permissions.includes('http.serve')
  m.actions.forEach((a, i) => {
    if (a.title === '') return c.error(['actions', i, 'title'], `manifest.actions[${i}].title is required`, 'action')
    if ((a.url !== '') === (a.html !== '')) {
      return c.error(['actions', i], `manifest.actions[${i}]: exactly one of url or html is required`, 'action')
    }
    if (a.url === '') return
    if (a.url.startsWith('/') && !a.url.startsWith('/plugins/')) a.url = prefix + a.url.slice(1)
    if (a.url.startsWith(prefix) && !hasServe) {
      return c.error(['actions', i, 'url'], `manifest.actions[${i}].url targets this plugin (${a.url}) but http.serve permission is not declared`, 'action-url')
    }
    if (a.url.startsWith('/plugins/') && !a.url.startsWith(prefix)) {
      return c.error(['actions', i, 'url'], `manifest.actions[${i}].url points at another plugin's namespace: ${a.url}`, 'action-url')
    }
  })
  m.actions.forEach((a, i) => {
    let icon = a.icon
    if (icon === '' || icon.startsWith('http://') || icon.startsWith('https://')) return
    if (icon.startsWith('/') && !icon.startsWith('/plugins/')) icon = prefix + icon.slice(1)
    if (icon.startsWith(prefix) && !hasServe) {
      return c.error(['actions', i, 'icon'], `manifest.actions[${i}].icon: targets this plugin (${icon}) but http.serve permission is not declared`, 'action-icon')
    }
    if (icon.startsWith('/plugins/') && !icon.startsWith(prefix)) {
      return c.error(['actions', i, 'icon'], `manifest.actions[${i}].icon: points at another plugin's namespace: ${icon}`, 'action-icon')
    }
    a.icon = icon
  })
}

/** The host's `rewritePluginAssetPath`: returns the `/plugins/<slug>/...` form or an error message. */
export function rewritePluginAssetPath(slug: string, raw: string, requiredExt: string): {path: string} | {error: string} {
  if (blank(raw)) return {error: 'entry is empty'}
  if (raw.startsWith('http://') || raw.startsWith('https://')) {
    return {error: `cannot be an absolute URL (${q(raw)}); bundle the file under assets/ and reference it by path`}
  }
  const prefix = `/plugins/${slug}/`
  let path = raw
  if (path.startsWith('/plugins/')) {
    // already in a plugin namespace: must be ours
  } else if (path.startsWith('/')) path = prefix + path.slice(1)
  else path = prefix + path
  if (!path.startsWith(prefix)) return {error: `points at another plugin's namespace: ${path}`}
  if (!path.toLowerCase().endsWith(requiredExt)) return {error: `must end in ${requiredExt} (got ${q(raw)})`}
  return {path}
}

function validateAssetList(m: Manifest, c: Collector, field: 'styles' | 'scripts', ext: string, why: string): void {
  const list = m[field]
  if (list.length === 0) return
  if (!m.permissions.includes('ui.modify')) c.error([field], uiModifyMessage(field, why), 'ui-modify')
  list.forEach((raw, i) => {
    const r = rewritePluginAssetPath(m.slug, raw, ext)
    if ('error' in r) c.error([field, i], `manifest.${field}[${i}]: ${r.error}`, 'asset-path')
    else list[i] = r.path
  })
}

function validatePluginSlug(c: Collector, path: Path, field: string, value: string): boolean {
  if (blank(value)) {
    c.error(path, `${field} is required`, 'content-slug')
    return false
  }
  if (!SLUG_PATTERN.test(value)) {
    c.error(path, `${field} ${q(value)} must be lowercase letters, digits, and hyphens starting with a letter (max 64 chars)`, 'content-slug')
    return false
  }
  return true
}

function validateExtraPageContent(m: Manifest, c: Collector): void {
  const epc = m.extraPageContent
  if (epc === null) return
  if (!m.permissions.includes('ui.modify')) {
    c.error(
      ['extraPageContent'],
      uiModifyMessage('extraPageContent', 'inject HTML into the viewer page must opt in to ui.modify so it\'s visible to anyone reviewing the manifest that the plugin paints inside Owncast\'s chrome'),
      'ui-modify',
    )
  }
  if (epc.content !== '') {
    if (!blank(epc.slug) && !validatePluginSlug(c, ['extraPageContent', 'slug'], 'manifest.extraPageContent.slug', epc.slug)) return
    const r = rewritePluginAssetPath(m.slug, epc.content, '.html')
    if ('error' in r) c.error(['extraPageContent', 'content'], `manifest.extraPageContent.content: ${r.error}`, 'asset-path')
    else epc.content = r.path
    return
  }
  validatePluginSlug(c, ['extraPageContent', 'slug'], 'manifest.extraPageContent.slug', epc.slug)
}

function validateTabs(m: Manifest, c: Collector): void {
  if (m.tabs.length === 0) return
  if (!m.permissions.includes('ui.modify')) {
    c.error(
      ['tabs'],
      uiModifyMessage('tabs', 'add tabs to the viewer page must opt in to ui.modify so it\'s visible to anyone reviewing the manifest that the plugin paints inside Owncast\'s chrome'),
      'ui-modify',
    )
  }
  const titles = new Set<string>()
  const slugs = new Set<string>()
  m.tabs.forEach((tab, i) => {
    if (blank(tab.title)) return c.error(['tabs', i, 'title'], `manifest.tabs[${i}].title is required`, 'tab')
    if (titles.has(tab.title)) {
      return c.error(['tabs', i, 'title'], `manifest.tabs[${i}].title ${q(tab.title)} is a duplicate; tab titles must be unique within a plugin`, 'tab')
    }
    titles.add(tab.title)
    if (blank(tab.slug)) {
      if (tab.content === '') return c.error(['tabs', i], `manifest.tabs[${i}].slug is required`, 'tab')
      const derived = slugify(tab.title)
      if (!derived.ok) {
        return c.error(['tabs', i, 'title'], `manifest.tabs[${i}].slug is required and could not be derived from title ${q(tab.title)}: ${derived.reason}`, 'tab')
      }
      tab.slug = derived.slug
    } else if (!validatePluginSlug(c, ['tabs', i, 'slug'], `manifest.tabs[${i}].slug`, tab.slug)) return
    if (slugs.has(tab.slug)) {
      return c.error(['tabs', i, 'slug'], `manifest.tabs[${i}].slug ${q(tab.slug)} is a duplicate; tab slugs must be unique within a plugin`, 'tab')
    }
    slugs.add(tab.slug)
    if (tab.content !== '') {
      const r = rewritePluginAssetPath(m.slug, tab.content, '.html')
      if ('error' in r) return c.error(['tabs', i, 'content'], `manifest.tabs[${i}].content: ${r.error}`, 'asset-path')
      tab.content = r.path
    }
  })
}

/** What the host accepts but an author most likely did not mean. */
function addWarnings(m: Manifest, c: Collector): void {
  m.permissions.forEach((p, i) => {
    if (isKnownPermission(p)) return
    const hint = suggest(p, KNOWN_PERMISSIONS)
    c.warn(['permissions', i], `unknown permission ${q(p)} is ignored by the host${hint ? `; did you mean ${q(hint)}?` : ''}`, 'unknown-permission')
  })
  if (m.type !== '') {
    c.warn(['type'], 'manifest.type is ignored: the host infers the runtime from the code entry (plugin.js or plugin.wasm)', 'ignored-field')
  }
  if (m.subscriptions.notify.length + m.subscriptions.filter.length > 0) {
    c.warn(['subscriptions'], 'manifest.subscriptions is ignored: the host uses what the plugin\'s register() reports', 'ignored-field')
  }
  if (m.commands.length > 0) {
    c.warn(['commands'], 'manifest.commands is ignored: the host uses what the plugin\'s register() reports', 'ignored-field')
  }
}
