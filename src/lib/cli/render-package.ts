import type {Diagnostic} from '../errors.js'
import type {PackageResult} from '../package/write.js'
import {createPainter, formatBytes, formatDuration} from './format.js'

/** The `--json` shape of `package`. */
export interface PackageResultJson {
  ok: true
  file: string
  slug: string
  name: string
  version: string
  target: PackageResult['target']
  bytes: number
  sha256: string
  entries: PackageResult['entries']
  /** Whether `package` built the project first, and why. */
  built: boolean
  buildReason?: string
  warnings: Diagnostic[]
  preflight?: PackageResult['preflight']
  durationMs: number
}

export function packageResultToJson(r: PackageResult): PackageResultJson {
  return {
    ok: true,
    file: r.file,
    slug: r.slug,
    name: r.name,
    version: r.version,
    target: r.target,
    bytes: r.bytes,
    sha256: r.sha256,
    entries: r.entries,
    built: r.built !== null,
    ...(r.buildReason === undefined ? {} : {buildReason: r.buildReason}),
    warnings: r.warnings,
    ...(r.preflight === undefined ? {} : {preflight: r.preflight}),
    durationMs: r.durationMs,
  }
}

/**
 * The human summary, for stdout:
 *
 * ```
 * ✔ Packaged echo-bot 0.1.0 (plugin.js) in 1.9 s
 *   echo-bot.ocpkg  1.43 kB, 2 entries
 *
 *   entry                    size   packed
 *   plugin.js             1.09 kB    576 B
 *   plugin.manifest.json    235 B    163 B
 *
 *   sha256  5b0c…
 * ```
 */
export function renderPackageResult(r: PackageResult, options: {color?: boolean} = {}): string {
  const paint = createPainter(options.color ?? false)
  const lines = [`${paint.green('✔')} Packaged ${paint.bold(r.slug)} ${r.version} (plugin.${r.target}) in ${formatDuration(r.durationMs)}`]
  lines.push(`  ${paint.bold(r.displayPath)}  ${formatBytes(r.bytes)}, ${r.entries.length} ${r.entries.length === 1 ? 'entry' : 'entries'}`, '')
  const width = Math.max('entry'.length, ...r.entries.map((e) => e.name.length))
  lines.push(`  ${paint.dim(`${'entry'.padEnd(width)}  ${'size'.padStart(9)}  ${'packed'.padStart(9)}`)}`)
  for (const e of r.entries) {
    lines.push(`  ${e.name.padEnd(width)}  ${paint.cyan(formatBytes(e.size).padStart(9))}  ${formatBytes(e.compressedSize).padStart(9)}`)
  }
  lines.push('', `  sha256  ${r.sha256}`)
  if (r.preflight) {
    const {notify, filter} = r.preflight.subscriptions
    const subs = [...filter.map((s) => `filter ${s.event}`), ...notify.map((s) => s.event)]
    const commands = r.preflight.commands.map((c) => `${c.prefix}${c.name}`)
    lines.push(`  ${paint.dim(`register(): ${subs.length > 0 ? subs.join(', ') : 'no subscriptions'}${commands.length > 0 ? `; commands ${commands.join(' ')}` : ''}`)}`)
  }
  return `${lines.join('\n')}\n`
}
