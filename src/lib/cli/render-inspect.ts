import type {InspectReport} from '../inspect/index.js'
import {createPainter, formatBytes, formatDuration} from './format.js'

/** The `--json` shape of `inspect`: the report itself. */
export type InspectReportJson = InspectReport

const KIND_LABEL: Record<InspectReport['kind'], string> = {
  package: 'package (.ocpkg)',
  wasm: 'plugin.wasm',
  script: 'plugin script',
  project: 'project',
}

function table(rows: string[][], indent = '  '): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)))
  return rows.map((r) => `${indent}${r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')}`.trimEnd())
}

/** The human report, for stdout. */
export function renderInspectReport(r: InspectReport, options: {color?: boolean} = {}): string {
  const paint = createPainter(options.color ?? false)
  const out: string[] = []
  const head = [paint.bold(r.path), KIND_LABEL[r.kind]]
  if (r.file) head.push(formatBytes(r.file.bytes), `sha256 ${r.file.sha256}`)
  out.push(head.join('  '))
  if (r.valid) out.push(`${paint.green('✔')} the Owncast server would load it`)
  else {
    out.push(`${paint.red('✖')} the Owncast server would not load it:`)
    for (const p of r.problems) out.push(`  - ${p}`)
  }

  if (r.manifest) {
    const m = r.manifest
    out.push('', paint.bold('Manifest') + paint.dim(`  ${m.source}`))
    out.push(`  ${m.name} (${m.slug}) ${m.version}, api ${JSON.stringify(m.api)}`)
    if (m.description) out.push(`  ${m.description}`)
    const rows: [string, string[]][] = [
      ['chat name', [m.botDisplayName]],
      ['admin pages', m.adminPages],
      ['actions', m.actions],
      ['tabs', m.tabs],
      ['styles', m.styles],
      ['scripts', m.scripts],
      ['config', m.config],
      ['allowed hosts', m.allowedHosts],
    ]
    out.push(...table(rows.filter(([, v]) => v.length > 0).map(([k, v]) => [k, v.join(', ')]), '  '))
  }

  if (r.code) {
    const c = r.code
    out.push('', paint.bold('Code'))
    out.push(`  ${c.entry}  ${formatBytes(c.bytes)}  sha256 ${c.sha256}`)
    out.push(`  runs ${c.runs}`)
    out.push(`  engine contract: ${c.contract.ok ? paint.green('fits') : paint.red('does not fit')}`)
    if (c.builtBy) {
      const b = c.builtBy
      const engine = `QuickJS ${b.quickjs}, engine ${b.engine}${b.sameEngine ? ' (this tool\'s)' : paint.yellow(' (not this tool\'s engine)')}`
      const contract = `plugin API ${b.pluginApi}, contract ${b.contract}${b.sameContract ? ' (current)' : paint.yellow(' (differs from the contract this tool targets: rebuild it)')}`
      out.push(`  built by ${b.tool}; ${engine}; ${contract}`)
    } else {
      out.push(paint.dim('  built by: unknown (no build stamp: another toolchain, or a build from before owncast-plugin stamped its output)'))
    }
    for (const p of c.contract.problems) out.push(`    - ${p}`)
    if (c.script) out.push(`  requires: ${c.script.requires.length > 0 ? c.script.requires.join(', ') : 'nothing'}`)
    if (c.wasm) {
      const w = c.wasm
      out.push(`  entry points: ${w.entryPoints.present.join(', ') || 'none'}${w.entryPoints.missing.length > 0 ? paint.dim(` (absent: ${w.entryPoints.missing.join(', ')})`) : ''}`)
      out.push(`  host imports: ${w.importsMode}${w.importsMode === 'granted' ? ' (least privilege: only what the manifest grants)' : ''}`)
      if (w.notImported.length > 0) out.push(`    granted but not imported: ${w.notImported.join(', ')}`)
      for (const group of w.imports) {
        out.push(`  imports ${group.module} (${group.role}): ${group.functions.length}`)
        if (group.role === 'owncast host functions' || group.role === 'unknown') {
          for (const f of group.functions) {
            const perm = f.permission === undefined ? '' : f.permission === '' ? ' [ambient]' : ` [${f.permission}]`
            out.push(`    ${f.name} ${paint.dim(f.signature)}${perm}${f.problem ? ` ${paint.red(f.problem)}` : ''}`)
          }
        }
      }
      out.push(`  exports: ${w.exports.map((e) => (e.kind === 'function' ? e.name : `${e.name} (${e.kind})`)).join(', ')}`)
      if (w.memory) out.push(`  memory: ${w.memory.min} pages${w.memory.max === undefined ? '' : `, max ${w.memory.max}`} (64 KiB each)`)
    }
  }

  if (r.permissions.length > 0) {
    out.push('', paint.bold('Permissions') + paint.dim('  declared vs what the code and manifest need'))
    const status = {ok: paint.green('ok'), unused: paint.yellow('unused'), missing: paint.red('missing'), unknown: paint.dim('not visible')}
    out.push(
      ...table([
        ['permission', 'declared', 'status', 'used by'],
        ...r.permissions.map((p) => [p.permission, p.declared ? 'yes' : 'no', status[p.status], p.usedBy.join(', ') || '-']),
      ]),
    )
  }

  if (r.register) {
    const g = r.register
    out.push('', paint.bold('register()') + paint.dim(`  in the sandbox, ${formatDuration(g.durationMs)}`))
    if (g.failure) out.push(`  ${paint.red('failed')}: ${g.failure}`, ...(g.stack ? g.stack.split('\n').map((l) => `    ${paint.dim(l.trim())}`) : []))
    else {
      const subs = [...g.subscriptions.filter.map((s) => `${s.event} (filter, priority ${s.priority})`), ...g.subscriptions.notify.map((s) => s.event)]
      out.push(`  subscriptions: ${subs.length > 0 ? subs.join(', ') : 'none'}`)
      out.push(`  commands: ${g.commands.length > 0 ? g.commands.map((c) => `${c.prefix}${c.name}${c.modOnly ? ' (mod)' : ''}${c.description ? ` - ${c.description}` : ''}`).join('; ') : 'none'}`)
      if (g.version) out.push(`  version: ${g.version}`)
      if (g.hostCalls.length > 0) out.push(`  called at load: ${[...new Set(g.hostCalls)].join(', ')}`)
      if (g.refusal) out.push(`  ${paint.red('refused')}: ${g.refusal}`)
    }
    for (const w of g.warnings) out.push(`  ${paint.yellow('warning')}: ${w}`)
  }

  if (r.files.length > 0) {
    out.push('', paint.bold('Files'))
    out.push(
      ...table([
        ['entry', 'size', 'packed', 'ratio'],
        ...r.files.map((f) => [f.name, formatBytes(f.size), f.compressedSize === undefined ? '' : formatBytes(f.compressedSize), f.ratio === undefined ? '' : `${f.ratio.toFixed(1)}:1`]),
      ]),
    )
  }
  const fileNote = (present: boolean, bytes?: number) => (present ? `yes (${formatBytes(bytes ?? 0)})` : 'no')
  out.push('', `icon.png: ${fileNote(r.icon.present, r.icon.bytes)}   INSTRUCTIONS.md: ${fileNote(r.instructions.present, r.instructions.bytes)}`)

  if (r.lint) {
    const {errors, warnings} = r.lint
    out.push('', `${paint.bold('Manifest lint')}: ${errors.length} error${errors.length === 1 ? '' : 's'}, ${warnings.length} warning${warnings.length === 1 ? '' : 's'}`)
    for (const f of [...errors, ...warnings]) {
      out.push(`  ${f.line}:${f.column} ${f.severity === 'error' ? paint.red('error') : paint.yellow('warning')} ${f.message} ${paint.dim(`[${f.rule}]`)}`)
      for (const n of f.notes ?? []) out.push(`    ${paint.dim(n)}`)
    }
  }
  if (r.notes.length > 0) {
    out.push('', paint.bold('Notes'))
    for (const n of r.notes) out.push(`  - ${n}`)
  }
  return `${out.join('\n')}\n`
}
