import {mkdir, readFile, readdir, rm, stat, writeFile} from 'node:fs/promises'
import path from 'node:path'
import type {Context} from '../context.js'
import {BugError, UserError} from '../errors.js'
import {engineGlobalsPath} from '../compiler/engine-globals.js'
import {sdkDeclarationsPath} from '../sdk/paths.js'
import {type InstallResult, runNpmInstall} from './install.js'
import {parseProjectName} from './names.js'
import {type Language, type TemplateName, readTemplateTree} from './templates.js'

export interface CreateProjectOptions {
  /** NAME as typed: a slug, or a path ending in one. */
  name: string
  template: TemplateName
  language: Language
  /** Run `npm install` in the new project afterwards. */
  install?: boolean
}

export interface CreatedFile {
  /** Project-relative, forward slashes. */
  path: string
  bytes: number
}

export interface CreatedProject {
  /** The project directory, absolute. */
  dir: string
  /** The directory as the user should `cd` to it (relative to the working directory when inside it). */
  displayDir: string
  slug: string
  /** `name` and `bot.displayName` in the manifest. */
  displayName: string
  template: TemplateName
  language: Language
  /** The plugin's source file, e.g. `src/plugin.ts`. */
  source: string
  /** Every file written, sorted by path. */
  files: CreatedFile[]
  /** The owncast-plugin version the project's package.json asks for. */
  toolVersion: string
  /** Present when `install` was asked for. */
  install?: InstallResult
  /** Commands to run next, in order. */
  nextSteps: string[]
  durationMs: number
}

/** Where `types/owncast-plugin-sdk.d.ts` goes; tsconfig.json and jsconfig.json map the SDK here. */
export const SDK_TYPES_PATH = 'types/owncast-plugin-sdk.d.ts'
/** The engine's globals (console, TextEncoder, TextDecoder); tsconfig.json and jsconfig.json include types/. */
export const ENGINE_GLOBALS_PATH = 'types/owncast-engine-globals.d.ts'

const PLACEHOLDER = /__([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)__/g

/**
 * `owncast-plugin new`: writes a plugin project from `templates/` (see templates/README.md) into a
 * new or empty directory, then optionally runs `npm install` there. An invalid slug or a directory
 * that is not empty is a user error and nothing is written. A failed install keeps the project
 * and is reported in the result (`install.ok === false`).
 */
export async function createProject(ctx: Context, options: CreateProjectOptions): Promise<CreatedProject> {
  const started = ctx.clock.monotonic()
  const {slug, displayName, dir} = parseProjectName(options.name, ctx.cwd)
  const displayDir = toDisplayDir(ctx.cwd, dir)
  await checkTarget(dir, displayDir)

  const toolVersion = await readToolVersion(ctx.toolRoot)
  const source = options.language === 'ts' ? 'src/plugin.ts' : 'src/plugin.js'
  const tree = await readTemplateTree(path.join(ctx.toolRoot, 'templates'), options.template, options.language)
  const values: Record<string, string> = {
    PLUGIN_SLUG: slug,
    PLUGIN_NAME: displayName,
    PLUGIN_SOURCE: source,
    PLUGIN_LANGUAGE: options.language === 'ts' ? 'TypeScript' : 'JavaScript',
    TEMPLATE: options.template,
    OWNCAST_PLUGIN_VERSION: toolVersion,
    TEMPLATE_ABOUT: '',
  }
  const about = tree.fragments.get('about')
  if (about !== undefined) values.TEMPLATE_ABOUT = fill((await readFile(about, 'utf8')).trim(), values, about)

  const outputs = new Map<string, Buffer>()
  for (const file of tree.files) {
    const bytes = await readFile(file.source)
    // Binary files (icon.png) are copied byte for byte; only text gets its placeholders filled.
    outputs.set(file.target, bytes.includes(0) ? bytes : Buffer.from(fill(bytes.toString('utf8'), values, file.source)))
  }
  const manifestText = outputs.get('plugin.manifest.json')?.toString('utf8')
  if (manifestText === undefined || !outputs.has(source)) {
    throw new BugError(`the "${options.template}" template has no plugin.manifest.json or ${source}`)
  }
  const description = (JSON.parse(manifestText) as {description?: string}).description ?? ''
  outputs.set('package.json', Buffer.from(projectPackageJson(slug, description, toolVersion)))
  outputs.set(SDK_TYPES_PATH, Buffer.from(sdkTypesHeader(toolVersion) + (await readFile(sdkDeclarationsPath(), 'utf8'))))
  outputs.set(ENGINE_GLOBALS_PATH, Buffer.from(`// Written by owncast-plugin ${toolVersion} (owncast-plugin new).\n` + (await readFile(engineGlobalsPath(), 'utf8'))))

  await writeProject(dir, outputs)
  const files = [...outputs].map(([p, bytes]) => ({path: p, bytes: bytes.length})).sort((a, b) => (a.path < b.path ? -1 : 1))

  const install = options.install ? await runNpmInstall(ctx, dir) : undefined
  return {
    dir,
    displayDir,
    slug,
    displayName,
    template: options.template,
    language: options.language,
    source,
    files,
    toolVersion,
    ...(install === undefined ? {} : {install}),
    nextSteps: nextSteps(displayDir, install?.ok === true),
    durationMs: ctx.clock.monotonic() - started,
  }
}

/** Replaces every `__NAME__` placeholder; a name the scaffolder does not know is a bug in the template. */
function fill(text: string, values: Record<string, string>, file: string): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => {
    const value = values[name]
    if (value === undefined) throw new BugError(`unknown placeholder ${whole} in ${file}`)
    return value
  })
}

function toDisplayDir(cwd: string, dir: string): string {
  const rel = path.relative(cwd, dir)
  const outside = rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)
  const shown = rel === '' ? '.' : outside ? dir : rel
  return shown.split(path.sep).join('/')
}

/** The directory must not exist, or be an empty directory. */
async function checkTarget(dir: string, displayDir: string): Promise<void> {
  let info
  try {
    info = await stat(dir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
    throw new UserError(`Cannot use ${displayDir}: ${(error as Error).message}`, {code: 'TARGET_UNUSABLE', cause: error})
  }
  if (!info.isDirectory()) {
    throw new UserError(`${displayDir} exists and is not a directory`, {
      code: 'TARGET_EXISTS',
      nextSteps: ['Choose another name for the plugin'],
    })
  }
  const entries = await readdir(dir)
  if (entries.length > 0) {
    const shown = entries.sort().slice(0, 3).join(', ') + (entries.length > 3 ? ', ...' : '')
    throw new UserError(`${displayDir} already exists and is not empty (${shown}); new never overwrites files`, {
      code: 'TARGET_NOT_EMPTY',
      nextSteps: ['Choose another name for the plugin, or empty the directory first'],
    })
  }
}

/**
 * Writes every file without overwriting anything (`wx`). When a write fails, what this call
 * created is removed again: the directory when it made it, else the files it wrote.
 */
async function writeProject(dir: string, outputs: Map<string, Buffer>): Promise<void> {
  let made: string | undefined
  const written: string[] = []
  try {
    made = await mkdir(dir, {recursive: true})
    for (const [rel, bytes] of outputs) {
      const file = path.join(dir, ...rel.split('/'))
      await mkdir(path.dirname(file), {recursive: true})
      await writeFile(file, bytes, {flag: 'wx'})
      written.push(file)
    }
  } catch (error) {
    if (made !== undefined) await rm(made, {recursive: true, force: true})
    else for (const file of written) await rm(file, {force: true})
    throw new UserError(`Could not write the project in ${dir}: ${(error as Error).message}`, {code: 'WRITE_FAILED', cause: error})
  }
}

async function readToolVersion(toolRoot: string): Promise<string> {
  const pkg = JSON.parse(await readFile(path.join(toolRoot, 'package.json'), 'utf8')) as {version?: unknown}
  if (typeof pkg.version !== 'string') throw new BugError(`no version in ${path.join(toolRoot, 'package.json')}`)
  return pkg.version
}

/**
 * The project's package.json: the owncast-plugin commands as scripts, and this toolchain as a dev
 * dependency at the version that created the project (compatible updates allowed).
 */
export function projectPackageJson(slug: string, description: string, toolVersion: string): string {
  const pkg = {
    name: slug,
    version: '0.1.0',
    private: true,
    description,
    scripts: {
      build: 'owncast-plugin build',
      watch: 'owncast-plugin watch',
      test: 'owncast-plugin test',
      serve: 'owncast-plugin serve',
      package: 'owncast-plugin package',
    },
    devDependencies: {'owncast-plugin': `^${toolVersion}`},
  }
  return `${JSON.stringify(pkg, null, 2)}\n`
}

function sdkTypesHeader(toolVersion: string): string {
  return [
    `// Written by owncast-plugin ${toolVersion} (owncast-plugin new): the types of @owncast/plugin-sdk.`,
    '// tsconfig.json (jsconfig.json in JavaScript projects) maps the module name to this file, so',
    '// editors resolve it before any npm install; the Owncast engine provides the module at run time.',
    '',
    '',
  ].join('\n')
}

function nextSteps(displayDir: string, installed: boolean): string[] {
  const steps: string[] = []
  if (displayDir !== '.') steps.push(`cd ${/\s/.test(displayDir) ? JSON.stringify(displayDir) : displayDir}`)
  if (!installed) steps.push('npm install')
  steps.push('owncast-plugin watch --serve', 'owncast-plugin test', 'owncast-plugin package')
  return steps
}
