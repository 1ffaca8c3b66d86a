import {type Diagnostic, type KnownError, toKnownError} from '../errors.js'
import {createPainter, type Painter} from './format.js'

/** `file:line:column` (or as much of it as is known), plus the JSON pointer for JSON files. */
export function formatLocation(d: Diagnostic): string {
  if (!d.file) return ''
  let loc = d.file
  if (d.line !== undefined) loc += `:${d.line}`
  if (d.line !== undefined && d.column !== undefined) loc += `:${d.column}`
  return loc
}

/**
 * Renders one diagnostic:
 *
 * ```
 * src/plugin.ts:2:21: Node.js built-in module "fs" is not available in Owncast plugins
 *   > 2 | import * as fs from "fs";
 *       |                     ^^^^
 *   Plugins run in a sandboxed JavaScript engine, ...
 * ```
 */
export function renderDiagnostic(d: Diagnostic, paint: Painter, label?: string): string {
  const loc = formatLocation(d)
  const pointer = d.pointer !== undefined && d.pointer !== '' ? ` (at ${d.pointer})` : ''
  const head = `${label ? `${label} ` : ''}${loc ? `${paint.bold(loc)}: ` : ''}${d.text}${paint.dim(pointer)}`
  const lines = [head]
  if (d.frame) lines.push(...d.frame.split('\n').map((l) => `  ${paint.dim(l)}`))
  for (const note of d.notes ?? []) lines.push(`  ${note}`)
  return lines.join('\n')
}

function renderNextSteps(steps: string[], paint: Painter): string[] {
  if (steps.length === 0) return []
  return ['', paint.bold('Next steps:'), ...steps.map((s) => `  • ${s}`)]
}

/** Renders any thrown value for stderr, with a trailing newline. */
export function renderError(error: unknown, options: {color?: boolean} = {}): string {
  const err: KnownError = toKnownError(error)
  const paint = createPainter(options.color ?? false)
  const lines: string[] = []
  switch (err.kind) {
    case 'user': {
      lines.push(`${paint.red('✖')} ${paint.bold(err.message)}`)
      for (const d of err.diagnostics) lines.push('', renderDiagnostic(d, paint))
      lines.push(...renderNextSteps(err.nextSteps, paint))
      break
    }
    case 'plugin': {
      lines.push(`${paint.red('✖')} ${paint.bold(`Plugin "${err.slug}" failed in ${err.exportName}:`)} ${err.message}`)
      if (err.pluginStack) lines.push(...err.pluginStack.split('\n').map((l) => `  ${paint.dim(l.trim())}`))
      lines.push(...renderNextSteps(err.nextSteps, paint))
      break
    }
    default: {
      lines.push(`${paint.red('✖')} ${paint.bold('Unexpected error (a bug in owncast-plugin):')} ${err.message}`)
      const stack = err.stack?.split('\n').slice(1) ?? []
      if (stack.length > 0) lines.push(...stack.map((l) => paint.dim(l)))
      lines.push('', 'Please report it, with the command you ran and this output.')
    }
  }
  return `${lines.join('\n')}\n`
}

/** Renders warnings for stderr (empty string when there are none). */
export function renderWarnings(warnings: Diagnostic[], options: {color?: boolean} = {}): string {
  if (warnings.length === 0) return ''
  const paint = createPainter(options.color ?? false)
  return `${warnings.map((w) => renderDiagnostic({...w, frame: undefined}, paint, paint.yellow('warning:'))).join('\n')}\n`
}
