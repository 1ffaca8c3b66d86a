import type {BuildResult} from '../compiler/build.js'
import type {Diagnostic} from '../errors.js'
import {createPainter, formatBytes, formatDuration} from './format.js'

/** The `--json` shape of a successful build. */
export interface BuildResultJson {
  ok: true
  slug: string
  name: string
  version: string
  target: BuildResult['target']
  imports: BuildResult['imports']
  entry: string
  outDir: string
  files: {path: string; kind: string; bytes: number}[]
  durationMs: number
  warnings: Diagnostic[]
  notes: string[]
  preEvaluated?: boolean
  /** Whether the code was type-checked (TypeScript), and how long it took. */
  typecheck: BuildResult['typecheck']
}

export function buildResultToJson(r: BuildResult): BuildResultJson {
  return {
    ok: true,
    slug: r.slug,
    name: r.name,
    version: r.version,
    target: r.target,
    imports: r.imports,
    entry: r.entry,
    outDir: r.outDir,
    files: r.files.map((f) => ({path: f.path, kind: f.kind, bytes: f.bytes})),
    durationMs: r.durationMs,
    warnings: r.warnings,
    notes: r.notes,
    ...(r.preEvaluated === undefined ? {} : {preEvaluated: r.preEvaluated}),
    typecheck: r.typecheck,
  }
}

/**
 * The human summary of a build, for stdout:
 *
 * ```
 * Built echo-bot 0.1.0 (target js) in 41 ms
 *   examples/echo-bot/dist/plugin.js      1.02 kB
 *   examples/echo-bot/dist/plugin.js.map  2.10 kB
 * ```
 */
export function renderBuildResult(r: BuildResult, options: {color?: boolean} = {}): string {
  const paint = createPainter(options.color ?? false)
  const target = r.target === 'wasm' ? `target wasm, imports ${r.imports}` : 'target js'
  const lines = [`${paint.green('✔')} Built ${paint.bold(r.slug)} ${r.version} (${target}) in ${formatDuration(r.durationMs)}`]
  const width = Math.max(...r.files.map((f) => f.displayPath.length))
  for (const f of r.files) lines.push(`  ${f.displayPath.padEnd(width)}  ${paint.cyan(formatBytes(f.bytes).padStart(9))}`)
  if (r.preEvaluated !== undefined) {
    lines.push(`  ${r.preEvaluated ? 'plugin script pre-evaluated at build time' : 'plugin script is evaluated on the first call'}`)
  }
  if (r.typecheck.ran) {
    const n = r.typecheck.files
    const errors = r.typecheck.errors > 0 ? `, ${r.typecheck.errors} type error${r.typecheck.errors === 1 ? '' : 's'} (warnings above)` : ''
    const where = r.typecheck.server ? ' (type-check server)' : ''
    lines.push(`  types checked: ${n} file${n === 1 ? '' : 's'} in ${formatDuration(r.typecheck.durationMs)}${where}${errors}`)
  } else if (r.typecheck.mode === 'off') {
    lines.push(`  ${paint.dim('types not checked (--no-typecheck)')}`)
  }
  for (const note of r.notes) lines.push(`  ${paint.dim(note)}`)
  return `${lines.join('\n')}\n`
}
