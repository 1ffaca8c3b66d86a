/**
 * The manifest as the production host sees it after parsing (Go's `Manifest` struct in
 * services/plugins/manifest.go): every field present, absent ones at their zero value.
 * After validation, `slug` is filled in and action/style/script/tab URLs are rewritten into the
 * plugin's `/plugins/<slug>/` namespace.
 */
export interface Manifest {
  api: string
  /** Ignored by the host: it infers the runtime from the code entry and overwrites this. */
  type: string
  /** Display name (Go `DisplayName`). */
  name: string
  slug: string
  version: string
  description: string
  bot: {displayName: string}
  /** Ignored in the file: replaced by what register() reports. */
  subscriptions: {notify: Subscription[]; filter: Subscription[]}
  /** Ignored in the file: replaced by what register() reports. */
  commands: CommandInfo[]
  permissions: string[]
  config: Record<string, ConfigField>
  admin: {pages: AdminPage[]}
  actions: ActionButton[]
  network: {allowedHosts: string[]}
  styles: string[]
  scripts: string[]
  extraPageContent: ExtraPageContent | null
  tabs: Tab[]
}

export interface Subscription {
  event: string
  priority: number
}

export interface CommandInfo {
  name: string
  prefix: string
  description: string
  usage: string
  aliases: string[]
  modOnly: boolean
  caseSensitive: boolean
  cooldownMs: number
}

export interface ConfigField {
  type: string
  /** Any JSON value; `undefined` when absent or null. */
  default: unknown
  description: string
}

export interface AdminPage {
  title: string
  /** A glob, rooted at the plugin's namespace (`/admin`, `/admin/*`). */
  path: string
  icon: string
}

export interface ActionButton {
  title: string
  url: string
  html: string
  icon: string
  color: string
  description: string
  openExternally: boolean
}

export interface ExtraPageContent {
  slug: string
  content: string
}

export interface Tab {
  title: string
  slug: string
  content: string
}

/** One problem found in a manifest file. */
export interface ManifestIssue {
  severity: 'error' | 'warning'
  /** The message; for errors, the production host's own wording. */
  message: string
  /** JSON pointer to the offending value (`""` is the whole document). */
  pointer: string
  /** 1-based line of the offending value (or of its parent object when the value is missing). */
  line: number
  /** 1-based column. */
  column: number
  /** A stable identifier of the check, e.g. `api-version`, `slug-invalid`, `unknown-key` (see LINT_RULES). */
  rule: string
  /** More lines: where the code does what the finding is about, what to do. */
  notes?: string[]
}

export interface ManifestParseResult {
  /** True when there are no errors (warnings do not count). */
  ok: boolean
  /** The normalized manifest; present when `ok`. */
  manifest?: Manifest
  /**
   * The manifest as far as validation got, also when it found errors (absent when the JSON did
   * not decode). Paths after a failing check may be left as written; for lint warnings only.
   */
  normalized?: Manifest
  /** Errors in the order the production host checks them: `errors[0]` is what it would report. */
  errors: ManifestIssue[]
  /** Things the host accepts but that are probably mistakes (unknown keys or permissions, ...). */
  warnings: ManifestIssue[]
  /** The file's text, verbatim (what the host passes to the plugin as config `manifest`). */
  source: string
  /** The file the text came from, when known. */
  file?: string
  /** The document as a plain JSON value, when it parsed. */
  data?: unknown
}
