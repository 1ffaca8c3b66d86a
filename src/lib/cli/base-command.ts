import {Command} from '@oclif/core'
import {type Context, createContext} from '../context.js'
import {type KnownError, UserError, errorToJson, toKnownError} from '../errors.js'
import {renderError} from './render-error.js'

/**
 * The base of every command: builds the {@link Context} and is the one place errors are handled.
 * `catch()` renders the error to stderr (or as `{"error": ...}` JSON on stdout with `--json`)
 * and sets `process.exitCode`; nothing calls `process.exit`.
 */
export abstract class BaseCommand extends Command {
  private cachedContext: Context | undefined

  /** The command's context, built once from the real process. */
  protected get ctx(): Context {
    this.cachedContext ??= createContext({logLevel: this.jsonEnabled() ? 'warn' : undefined})
    return this.cachedContext
  }

  override async catch(error: unknown): Promise<void> {
    const oclif = (error as {oclif?: {exit?: number}; code?: string}) ?? {}
    if (oclif.code === 'EEXIT') {
      process.exitCode = oclif.oclif?.exit ?? 0
      return
    }
    const known = classify(error, this.id ?? '', this.config?.bin ?? 'owncast-plugin')
    process.exitCode = known.exitCode
    if (this.jsonEnabled()) {
      this.ctx.stdout.write(`${JSON.stringify(errorToJson(known), null, 2)}\n`)
    } else {
      this.ctx.stderr.write(renderError(known, {color: this.ctx.color}))
    }
  }
}

/** oclif's own errors (bad flags, missing args) are usage errors: exit 2. */
function classify(error: unknown, id: string, bin: string): KnownError {
  const exit = (error as {oclif?: {exit?: unknown}})?.oclif?.exit
  if (error instanceof Error && typeof exit === 'number' && !(error instanceof UserError)) {
    const message = error.message
      .replace(/\u001B\[[0-9;]*m/g, '')
      .replace(/\n?See more help with --help\s*$/, '')
    return new UserError(message, {
      exitCode: 2,
      code: 'USAGE',
      nextSteps: [`See "${bin} ${id} --help" for usage`],
      cause: error,
    })
  }
  return toKnownError(error)
}
