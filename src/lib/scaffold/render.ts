import {createPainter, formatBytes, formatDuration} from '../cli/format.js'
import type {CreatedProject} from './create.js'

/** The `--json` shape of `new`. */
export interface NewProjectJson {
  ok: boolean
  dir: string
  slug: string
  name: string
  template: CreatedProject['template']
  language: CreatedProject['language']
  source: string
  files: CreatedProject['files']
  toolVersion: string
  install?: CreatedProject['install']
  nextSteps: string[]
  durationMs: number
}

export function createdProjectToJson(p: CreatedProject): NewProjectJson {
  return {
    ok: p.install === undefined || p.install.ok,
    dir: p.dir,
    slug: p.slug,
    name: p.displayName,
    template: p.template,
    language: p.language,
    source: p.source,
    files: p.files,
    toolVersion: p.toolVersion,
    ...(p.install === undefined ? {} : {install: p.install}),
    nextSteps: p.nextSteps,
    durationMs: p.durationMs,
  }
}

const LANGUAGE = {ts: 'TypeScript', js: 'JavaScript'} as const

/** What each step of the summary is for, by its first two words. */
const STEP_NOTES: Record<string, string> = {
  'npm install': 'the toolchain, pinned in package.json (editor types work without it)',
  'owncast-plugin watch': 'rebuild on save, local Owncast on http://127.0.0.1:8080',
  'owncast-plugin test': 'run the scenarios in __tests__/',
  'owncast-plugin package': 'write the .ocpkg an Owncast admin installs',
}

/**
 * The human summary, for stdout:
 *
 * ```
 * ✔ Created my-bot: a chat-bot plugin in TypeScript (15 files, 41.2 kB) in 12 ms
 *   name "My Bot", slug my-bot (edit plugin.manifest.json to change them), code in src/plugin.ts
 *
 * Next steps:
 *   cd my-bot
 *   npm install                    # the toolchain, pinned in package.json (...)
 *   owncast-plugin watch --serve   # rebuild on save, local Owncast on http://127.0.0.1:8080
 *   ...
 * ```
 */
export function renderCreatedProject(p: CreatedProject, options: {color?: boolean} = {}): string {
  const paint = createPainter(options.color ?? false)
  const bytes = p.files.reduce((sum, f) => sum + f.bytes, 0)
  const lines = [
    `${paint.green('✔')} Created ${paint.bold(p.displayDir)}: ${/^[aeiou]/.test(p.template) ? 'an' : 'a'} ${p.template} plugin in ${LANGUAGE[p.language]} (${p.files.length} files, ${formatBytes(bytes)}) in ${formatDuration(p.durationMs)}`,
    `  name "${p.displayName}", slug ${p.slug} (edit plugin.manifest.json to change them), code in ${p.source}`,
  ]
  if (p.install?.ok) lines.push(`  ${paint.green('✔')} npm install (${formatDuration(p.install.durationMs)})`)
  const width = Math.max(...p.nextSteps.map((s) => s.length))
  lines.push('', paint.bold('Next steps:'))
  for (const step of p.nextSteps) {
    const note = STEP_NOTES[step.split(' ').slice(0, 2).join(' ')]
    lines.push(note ? `  ${step.padEnd(width)}${paint.dim(`   # ${note}`)}` : `  ${step}`)
  }
  return `${lines.join('\n')}\n`
}
