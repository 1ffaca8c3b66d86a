/**
 * The error taxonomy of the toolchain. Library code throws these; exactly one place (the base
 * command's `catch()`, see `src/lib/cli/base-command.ts`) renders them and sets the exit code.
 * Library code never calls `process.exit`.
 *
 * - {@link UserError}: expected; the user can act on it (bad input, failing checks, missing files).
 * - {@link PluginError}: the plugin's own code failed (names the plugin slug and the export).
 * - {@link BugError}: a bug in this tool. Anything that is not one of the three is treated as one.
 */

/**
 * Exit codes (DESIGN §5): 1 = the command ran and found failures (failing tests, lint errors, a
 * refused package, a plugin that does not compile); 2 = usage or environment errors (bad flags,
 * missing files, a busy port).
 */
export type ExitCode = 1 | 2

/** A problem located in a file: a compiler message, a manifest error, a lint finding. */
export interface Diagnostic {
  /** Human-readable message, without the location. */
  text: string
  /** Path of the file as shown to the user (relative to the working directory when possible). */
  file?: string
  /** 1-based line. */
  line?: number
  /** 1-based column. */
  column?: number
  /** JSON pointer into the file, for JSON documents (`/actions/0/url`). */
  pointer?: string
  /** A few lines of source with a caret under the column, ready to print. */
  frame?: string
  /** Extra lines of explanation. */
  notes?: string[]
}

export interface UserErrorOptions {
  /** Things the user can do next, one per entry, printed as a list. */
  nextSteps?: string[]
  /** 1 when the command ran and found failures; 2 (default) for usage or environment errors. */
  exitCode?: ExitCode
  /** Located problems; the first one is the most important. */
  diagnostics?: Diagnostic[]
  /** A stable, machine-readable code for `--json` consumers, e.g. `MANIFEST_INVALID`. */
  code?: string
  cause?: unknown
}

/** An expected error the user can act on. */
export class UserError extends Error {
  readonly kind = 'user' as const
  readonly nextSteps: string[]
  readonly exitCode: ExitCode
  readonly diagnostics: Diagnostic[]
  readonly code: string | undefined

  constructor(message: string, options: UserErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    this.name = 'UserError'
    this.nextSteps = options.nextSteps ?? []
    this.exitCode = options.exitCode ?? 2
    this.diagnostics = options.diagnostics ?? []
    this.code = options.code
  }
}

export interface PluginErrorOptions {
  /** The plugin's slug (from its manifest). */
  slug: string
  /** The wasm export that failed: `register`, `on_event`, `on_filter`, ... */
  exportName: string
  /** The plugin's own stack trace (source-mapped when possible). */
  pluginStack?: string
  /** How the call failed, when the engine says: `error`, `deadline`, `out-of-memory`, `load`, `trap`, ... */
  failure?: string
  nextSteps?: string[]
  /** Defaults to 1: the command ran and the plugin failed. */
  exitCode?: ExitCode
  cause?: unknown
}

/** The plugin's code failed: it threw, ran out of time or memory, or returned something invalid. */
export class PluginError extends Error {
  readonly kind = 'plugin' as const
  readonly slug: string
  readonly exportName: string
  readonly pluginStack: string | undefined
  readonly failure: string | undefined
  readonly nextSteps: string[]
  readonly exitCode: ExitCode

  constructor(message: string, options: PluginErrorOptions) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    this.name = 'PluginError'
    this.slug = options.slug
    this.exportName = options.exportName
    this.pluginStack = options.pluginStack
    this.failure = options.failure
    this.nextSteps = options.nextSteps ?? []
    this.exitCode = options.exitCode ?? 1
  }
}

/** A bug in this tool. Rendered with its stack and a request to report it. */
export class BugError extends Error {
  readonly kind = 'bug' as const
  readonly exitCode: ExitCode = 1

  constructor(message: string, options: {cause?: unknown} = {}) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    this.name = 'BugError'
  }
}

export type KnownError = UserError | PluginError | BugError

export function isUserError(err: unknown): err is UserError {
  return err instanceof UserError
}

export function isPluginError(err: unknown): err is PluginError {
  return err instanceof PluginError
}

/**
 * Classifies anything thrown into the taxonomy. Our own errors pass through; anything else
 * becomes a {@link BugError} whose `cause` is the original (its stack is kept for rendering).
 */
export function toKnownError(err: unknown): KnownError {
  if (err instanceof UserError || err instanceof PluginError || err instanceof BugError) return err
  if (err instanceof Error) {
    const bug = new BugError(err.message || String(err), {cause: err})
    if (err.stack) bug.stack = err.stack
    return bug
  }
  return new BugError(`non-error value thrown: ${String(err)}`, {cause: err})
}

/** The JSON shape of an error for `--json` output: `{error: {...}}`. */
export interface ErrorJson {
  error: {
    type: KnownError['kind']
    message: string
    exitCode: ExitCode
    code?: string
    nextSteps?: string[]
    diagnostics?: Diagnostic[]
    slug?: string
    export?: string
    stack?: string
  }
}

/** Converts any thrown value to its `--json` representation. */
export function errorToJson(err: unknown): ErrorJson {
  const known = toKnownError(err)
  const base = {type: known.kind, message: known.message, exitCode: known.exitCode}
  switch (known.kind) {
    case 'user':
      return {
        error: {
          ...base,
          ...(known.code ? {code: known.code} : {}),
          nextSteps: known.nextSteps,
          diagnostics: known.diagnostics,
        },
      }
    case 'plugin':
      return {
        error: {
          ...base,
          slug: known.slug,
          export: known.exportName,
          nextSteps: known.nextSteps,
          ...(known.pluginStack ? {stack: known.pluginStack} : {}),
        },
      }
    default:
      return {error: {...base, ...(known.stack ? {stack: known.stack} : {})}}
  }
}
