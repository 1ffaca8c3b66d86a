import type {LintFinding} from '../manifest/lint.js'
import type {LintReport} from '../manifest/lint-target.js'
import {codeFrame} from './code-frame.js'
import {createPainter} from './format.js'

/** The `--json` shape of `lint-manifest`. */
export interface LintReportJson {
  /** False when there are errors, or warnings under `--strict`. */
  ok: boolean
  file: string
  layout: LintReport['layout']
  /** The built code the permissions were checked against, when there was one. */
  code?: string
  strict: boolean
  errors: number
  warnings: number
  checked: LintReport['result']['checked']
  findings: LintFinding[]
}

/** Whether the lint fails: any error, or any warning under `--strict`. */
export function lintFailed(report: LintReport, strict: boolean): boolean {
  return report.result.errors.length > 0 || (strict && report.result.warnings.length > 0)
}

export function lintReportToJson(report: LintReport, strict: boolean): LintReportJson {
  return {
    ok: !lintFailed(report, strict),
    file: report.file,
    layout: report.layout,
    ...(report.code === undefined ? {} : {code: report.code}),
    strict,
    errors: report.result.errors.length,
    warnings: report.result.warnings.length,
    checked: report.result.checked,
    findings: report.result.findings,
  }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

/**
 * The findings, for stdout:
 *
 * ```
 * plugin.manifest.json:2:10: error: unsupported api version "2" (host supports "1") [api-version] (at /api)
 *     1 | {
 *   > 2 |   "api": "2",
 *       |          ^
 *
 * ✖ plugin.manifest.json: 1 error, 0 warnings
 * ```
 */
export function renderLintReport(report: LintReport, options: {strict?: boolean; color?: boolean} = {}): string {
  const paint = createPainter(options.color ?? false)
  const strict = options.strict ?? false
  const out: string[] = []
  for (const f of report.result.findings) {
    const label = f.severity === 'error' ? paint.red('error') : paint.yellow(strict ? 'warning (strict)' : 'warning')
    const pointer = f.pointer === '' ? '' : paint.dim(` (at ${f.pointer})`)
    out.push(`${paint.bold(`${report.file}:${f.line}:${f.column}`)}: ${label}: ${f.message} ${paint.dim(`[${f.rule}]`)}${pointer}`)
    const frame = codeFrame(report.source, f.line, f.column, {context: 1})
    if (frame) out.push(...frame.split('\n').map((l) => `  ${paint.dim(l)}`))
    for (const note of f.notes ?? []) out.push(`  ${note}`)
    out.push('')
  }
  const {errors, warnings} = report.result
  const counts = `${plural(errors.length, 'error')}, ${plural(warnings.length, 'warning')}`
  const checks = [...(report.code ? [report.code] : []), ...(report.result.checked.registration ? ['register() in the sandbox'] : [])]
  const against = checks.length > 0 ? ` (checked against ${checks.join(' and ')})` : ''
  if (lintFailed(report, strict)) {
    out.push(`${paint.red('✖')} ${report.file}: ${counts}${against}${strict && errors.length === 0 ? ' (--strict: warnings fail)' : ''}`)
  } else if (warnings.length > 0) {
    out.push(`${paint.yellow('!')} ${report.file}: ${counts}${against}; the Owncast server accepts it`)
  } else {
    out.push(`${paint.green('✔')} ${report.file}: no problems${against}`)
  }
  return `${out.join('\n')}\n`
}

/** Hints for stderr about what the lint could not check. */
export function renderLintHints(report: LintReport): string {
  if (report.layout === 'project' && !report.result.checked.code) {
    return 'note: no build found (dist/plugin.js): build the plugin to also check permissions against the code\n'
  }
  return ''
}
