/**
 * Gathers what `lintManifest` can check around a manifest on disk: the files beside it
 * (assets/, public/), the built code (dist/plugin.js, scanned, mapped back to the sources
 * through plugin.js.map), and the layout (a loose `<name>.js` production will not discover).
 * Works on a project directory, a manifest file, a loose `<name>.js`/`<name>.wasm` with its
 * `<name>.manifest.json`, and an .ocpkg (through the defensive reader).
 */
import {existsSync, readdirSync, statSync} from 'node:fs'
import {readFile, stat} from 'node:fs/promises'
import path from 'node:path'
import type {Context} from '../context.js'
import {UserError} from '../errors.js'
import {scanPluginCode} from './code-usage.js'
import {LineIndex} from './json.js'
import {type LintCode, type LintFiles, type LintOptions, type LintResult, lintManifest} from './lint.js'
import {displayPath, MANIFEST_FILE} from './load.js'
import {parseManifest} from './validate.js'

/** What was linted and what was found. */
export interface LintReport {
  /** The manifest (or package) as shown to the user. */
  file: string
  /** The manifest's text, for code frames. */
  source: string
  /** The scanned code as shown to the user, when there was any. */
  code?: string
  layout: 'project' | 'loose' | 'package' | 'file'
  result: LintResult
}

/** Options of {@link lintPath}. */
export interface LintPathOptions {
  /** A project directory, a manifest, a loose plugin file or an .ocpkg; relative to `ctx.cwd`. Default `.`. */
  path?: string
  /**
   * Run register() in the sandbox (loads the engine: slower) for the exact subscriptions, the
   * host's agreement checks and the version a build reports.
   */
  register?: boolean
}

/** Lints whatever `path` is (see the module comment). A missing or unreadable path is a UserError (exit 2). */
export async function lintPath(ctx: Context, options: LintPathOptions = {}): Promise<LintReport> {
  const target = path.resolve(ctx.cwd, options.path ?? '.')
  const st = await stat(target).catch(() => undefined)
  if (!st) {
    throw new UserError(`${displayPath(ctx, target)} does not exist`, {
      code: 'LINT_TARGET_NOT_FOUND',
      nextSteps: ['Point lint-manifest at a plugin project directory, a plugin.manifest.json, a loose plugin file or an .ocpkg'],
    })
  }
  const reg = options.register ?? false
  if (st.isDirectory()) return lintProjectDir(ctx, target, reg)
  if (target.endsWith('.ocpkg')) return lintPackageFile(ctx, target, reg)
  const base = path.basename(target)
  if (base === MANIFEST_FILE) return lintProjectDir(ctx, path.dirname(target), reg)
  if (base.endsWith('.manifest.json')) return lintLoose(ctx, path.dirname(target), base.slice(0, -'.manifest.json'.length), reg)
  if (/\.(js|wasm)$/.test(base)) return lintLoose(ctx, path.dirname(target), base.replace(/\.(js|wasm)$/, ''), reg)
  if (base.endsWith('.json')) {
    // Any other JSON file: the manifest alone.
    const source = await readManifestText(ctx, target)
    return {file: displayPath(ctx, target), source, layout: 'file', result: lintManifest(source, {file: target})}
  }
  throw new UserError(`${displayPath(ctx, target)}: not a manifest, plugin file or package`, {
    code: 'LINT_TARGET_UNSUPPORTED',
    nextSteps: ['Point lint-manifest at a plugin project directory, a plugin.manifest.json, a loose plugin file or an .ocpkg'],
  })
}

/**
 * register() in the sandbox for the code that would ship (a wasm first: it carries the manifest
 * it was built with). Nothing when the manifest has errors (the host stops there) or there is no code.
 */
async function sandbox(source: string, run: boolean, code: {wasm?: string; script?: string}): Promise<Partial<LintOptions>> {
  if (!run || !parseManifest(source).ok) return {}
  const file = code.wasm && isFile(code.wasm) ? code.wasm : code.script && isFile(code.script) ? code.script : undefined
  if (!file) return {}
  const bytes = await readFile(file)
  const mapFile = `${file.replace(/\.wasm$/, '.js')}.map`
  return sandboxBytes(source, file.endsWith('.wasm') ? {wasm: bytes} : {script: bytes.toString('utf8')}, existsSync(mapFile) ? mapFile : undefined)
}

async function sandboxBytes(source: string, code: {wasm?: Uint8Array; script?: string}, mapFile?: string): Promise<Partial<LintOptions>> {
  const {runRegister} = await import('../inspect/register.js')
  const report = await runRegister({
    manifestJson: source,
    ...code,
    ...(mapFile ? {sourceMap: await readFile(mapFile, 'utf8'), sourceMapFile: mapFile} : {}),
  })
  const refusal = report.failure !== undefined ? `register() failed in the sandbox, so the host refuses to load it: ${report.failure}` : report.refusal
  return {
    registration: {
      subscriptions: report.subscriptions,
      version: report.version,
      ...(refusal === undefined ? {} : {refusal}),
      ...(report.failure === undefined ? {} : {failed: true}),
    },
  }
}

async function lintProjectDir(ctx: Context, dir: string, run: boolean): Promise<LintReport> {
  const file = path.join(dir, MANIFEST_FILE)
  const source = await readManifestText(ctx, file)
  const codeFile = ['dist/plugin.js', 'plugin.js'].map((c) => path.join(dir, c)).find((f) => isFile(f))
  const code = codeFile ? await codeFromFile(ctx, codeFile) : undefined
  const extra = await sandbox(source, run, {wasm: path.join(dir, 'dist', 'plugin.wasm'), ...(codeFile ? {script: codeFile} : {})})
  const result = lintManifest(source, {
    file,
    files: directoryFiles(path.join(dir, 'assets'), path.join(dir, 'public')),
    ...(code ? {code} : {}),
    ...extra,
  })
  return {file: displayPath(ctx, file), source, layout: 'project', ...(code ? {code: code.file} : {}), result}
}

async function lintLoose(ctx: Context, dir: string, base: string, run: boolean): Promise<LintReport> {
  const file = path.join(dir, `${base}.manifest.json`)
  const source = await readManifestText(ctx, file)
  const js = path.join(dir, `${base}.js`)
  const hasWasm = isFile(path.join(dir, `${base}.wasm`))
  const code = isFile(js) ? await codeFromFile(ctx, js) : undefined
  const extra = await sandbox(source, run, {wasm: path.join(dir, `${base}.wasm`), script: js})
  const firstDir = (...dirs: string[]) => dirs.find((d) => isDirectory(d)) ?? dirs[0]!
  const result = lintManifest(source, {
    file,
    files: directoryFiles(firstDir(path.join(dir, 'assets'), path.join(dir, `${base}-assets`)), firstDir(path.join(dir, 'public'), path.join(dir, `${base}-public`))),
    ...(code ? {code} : {}),
    // Production loads <name>.wasm when there is one; a lone <name>.js it never finds.
    looseJs: code !== undefined && !hasWasm,
    ...extra,
  })
  return {file: displayPath(ctx, file), source, layout: 'loose', ...(code ? {code: code.file} : {}), result}
}

async function lintPackageFile(ctx: Context, file: string, run: boolean): Promise<LintReport> {
  const {openPackage} = await import('../package/read.js')
  const pkg = await openPackage(file)
  try {
    const label = displayPath(ctx, file)
    const names = new Set(pkg.entries.filter((e) => !e.directory).map((e) => e.name))
    const files: LintFiles = {
      asset: (p) => names.has(`assets/${p}`),
      publicFile: (p) => names.has(`public/${p}`),
      hasPublic: [...names].some((n) => n.startsWith('public/')),
    }
    let code: LintCode | undefined
    if (pkg.code.kind === 'js') {
      const script = Buffer.from(pkg.code.bytes).toString('utf8')
      code = codeFromScript(`${label}:plugin.js`, script)
    }
    const extra =
      run && pkg.code.kind !== 'py' && parseManifest(pkg.manifestJson).ok
        ? await sandboxBytes(pkg.manifestJson, pkg.code.kind === 'js' ? {script: Buffer.from(pkg.code.bytes).toString('utf8')} : {wasm: pkg.code.bytes})
        : {}
    const result = lintManifest(pkg.manifestJson, {file: `${file}:${MANIFEST_FILE}`, files, ...(code ? {code} : {}), ...extra})
    return {file: `${label}:${MANIFEST_FILE}`, source: pkg.manifestJson, layout: 'package', ...(code ? {code: code.file} : {}), result}
  } finally {
    pkg.close()
  }
}

async function readManifestText(ctx: Context, file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new UserError(
      code === 'ENOENT' ? `No ${path.basename(file)} in ${displayPath(ctx, path.dirname(file)) || '.'}` : `Cannot read ${displayPath(ctx, file)}: ${(error as Error).message}`,
      {
        code: code === 'ENOENT' ? 'MANIFEST_NOT_FOUND' : 'MANIFEST_UNREADABLE',
        nextSteps: ['Point lint-manifest at a plugin project directory, a plugin.manifest.json, a loose plugin file or an .ocpkg'],
        cause: error,
      },
    )
  }
}

function isFile(file: string): boolean {
  return statSync(file, {throwIfNoEntry: false})?.isFile() ?? false
}

function isDirectory(dir: string): boolean {
  return statSync(dir, {throwIfNoEntry: false})?.isDirectory() ?? false
}

/** assets/ and public/ of a directory layout: regular files only (a symlink does not count). */
export function directoryFiles(assetsDir: string, publicDir: string): LintFiles {
  const fileIn = (root: string, rel: string) => {
    if (rel.split('/').some((s) => s === '..' || s === '' || s === '.')) return false
    const st = statSync(path.join(root, ...rel.split('/')), {throwIfNoEntry: false})
    return st?.isFile() ?? false
  }
  return {
    asset: (rel) => fileIn(assetsDir, rel),
    publicFile: (rel) => fileIn(publicDir, rel),
    hasPublic: isDirectory(publicDir) && hasAnyFile(publicDir),
  }
}

function hasAnyFile(dir: string, depth = 0): boolean {
  if (depth > 16) return false
  for (const e of readdirSync(dir, {withFileTypes: true})) {
    if (e.isFile()) return true
    if (e.isDirectory() && hasAnyFile(path.join(dir, e.name), depth + 1)) return true
  }
  return false
}

/** Scans a plugin.js on disk; its plugin.js.map (when present) maps findings back to the sources. */
export async function codeFromFile(ctx: Context, file: string): Promise<LintCode> {
  const script = await readFile(file, 'utf8')
  const mapFile = `${file}.map`
  const map = existsSync(mapFile) ? await readFile(mapFile, 'utf8').catch(() => undefined) : undefined
  return codeFromScript(displayPath(ctx, file), script, map === undefined ? undefined : await mapLocator(ctx, map, mapFile))
}

/** Scans a script; `mapped` turns a line:column of the script into a source location, when known. */
export function codeFromScript(file: string, script: string, mapped?: (line: number, column: number) => string | undefined): LintCode {
  const lines = new LineIndex(script)
  return {
    file,
    usage: scanPluginCode(script),
    locate(offset) {
      const {line, column} = lines.position(offset)
      return mapped?.(line, column) ?? `${file}:${line}:${column}`
    },
  }
}

/** A source-map lookup: script line:column → `src/plugin.ts:12:5` (relative to the working directory). */
export async function mapLocator(ctx: Context, mapText: string, mapFile: string): Promise<((line: number, column: number) => string | undefined) | undefined> {
  let consumer: import('source-map-js').SourceMapConsumer
  try {
    const {SourceMapConsumer} = await import('source-map-js')
    consumer = new SourceMapConsumer(JSON.parse(mapText))
  } catch {
    return undefined
  }
  return (line, column) => {
    const original = consumer.originalPositionFor({line, column: column - 1})
    if (!original.source || !original.line) return undefined
    return `${displayPath(ctx, path.resolve(path.dirname(mapFile), original.source))}:${original.line}:${original.column + 1}`
  }
}
