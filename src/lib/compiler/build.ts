import {mkdir, rm, stat} from 'node:fs/promises'
import path from 'node:path'
import {loadEsbuild} from '../cjs.js'
import {formatLocation} from '../cli/render-error.js'
import type {Context} from '../context.js'
import {type Diagnostic, UserError} from '../errors.js'
import {LineIndex} from '../manifest/json.js'
import {codeFromScript, directoryFiles, mapLocator} from '../manifest/lint-target.js'
import {lintManifest} from '../manifest/lint.js'
import {displayPath, loadValidManifest, manifestDiagnostics} from '../manifest/load.js'
import {esbuildDiagnostics, sourceDiagnostic} from './diagnostics.js'
import {findEntry} from './entry.js'
import {SDK_MODULE, sandboxPlugin} from './sandbox-plugin.js'
import {findModuleCalls} from './scan.js'
import {checkOnServer, type DaemonOptions, startServer} from './typecheck-daemon.js'
import {currentTypecheckStamp, writeTypecheckStamp} from './typecheck-stamp.js'
import {sweepPartials, writeFileAtomic} from '../atomic-write.js'
import {stampComment} from '../version.js'
import type {buildPluginWasm as buildPluginWasmType, PluginWasmResult} from '../engine/plugin-wasm.js'
import {
  createTypechecker,
  isTypeScriptSource,
  loadTypescript,
  mentionsCheckJs,
  typecheckDiagnostics,
  typecheckFailed,
  type TypecheckResult,
} from './typecheck.js'

export type BuildTarget = 'js' | 'wasm'
/** For `wasm`: import every host function (`all`) or only those the manifest grants. */
export type ImportsMode = 'all' | 'granted'
/**
 * Type checking of TypeScript plugins: type errors fail the build (`error`), are logged and
 * returned among the warnings (`warn`: the build still succeeds), or the compiler is not run (`off`).
 */
export type TypecheckMode = 'error' | 'warn' | 'off'

export interface BuildOptions {
  /** The plugin project directory (holds plugin.manifest.json), relative to `ctx.cwd`. */
  dir: string
  /** Default `js`. */
  target?: BuildTarget
  /** Default `all`. Only affects the `wasm` target. */
  imports?: ImportsMode
  /** Where to write; default `<dir>/dist`. Relative to `ctx.cwd`. */
  outDir?: string
  /** How the entry is bundled; default {@link bundlePlugin} (`watch` passes an incremental esbuild context's). */
  bundle?: (ctx: Context, options: BundleOptions) => Promise<BundleResult>
  /** Default `error`. */
  typecheck?: TypecheckMode
  /** Type-check on the type-check server (typecheck-daemon.ts) when one answers, and start one otherwise; default: in this process. */
  daemon?: DaemonOptions
}

/** Whether and how the build type-checked the code. */
export interface BuildTypecheck {
  /** False for a JavaScript plugin, or with `typecheck: 'off'`. */
  ran: boolean
  mode: TypecheckMode
  /** Wall time of the type check (loading the compiler included; it overlaps bundling). */
  durationMs: number
  /** The project's own files checked. */
  files: number
  /** Type errors (with `warn`, also among the warnings). */
  errors: number
  /**
   * What the check started from: `unchanged` (nothing it depends on changed since the last
   * clean check: the compiler was not run), `buildinfo` (the previous build's .tsbuildinfo) or `none`.
   */
  reused: 'unchanged' | TypecheckResult['reused']
  /** Whether the type-check server did the check (not this process). */
  server: boolean
}

/** What {@link bundlePlugin} bundles: the entry, the output file it is named after, the project directory. */
export interface BundleOptions {
  entry: string
  outFile: string
  workingDir: string
}

export interface BuiltFile {
  /** Absolute path. */
  path: string
  /** As shown to the user (relative to the working directory when inside it). */
  displayPath: string
  bytes: number
  kind: 'script' | 'sourcemap' | 'wasm'
}

export interface BuildResult {
  /** Absolute path of the plugin project. */
  dir: string
  slug: string
  name: string
  version: string
  target: BuildTarget
  imports: ImportsMode
  /** The entry file, as shown to the user. */
  entry: string
  /** Absolute path of the output directory. */
  outDir: string
  files: BuiltFile[]
  durationMs: number
  /** Manifest and bundler warnings (the build still succeeded). */
  warnings: Diagnostic[]
  /** Remarks from the wasm builder (e.g. why the script could not be pre-evaluated). */
  notes: string[]
  /** `wasm` target only: whether the plugin script was evaluated at build time (Wizer). */
  preEvaluated?: boolean
  typecheck: BuildTypecheck
}

export interface BundleResult {
  /** plugin.js: a CommonJS script body with `require("@owncast/plugin-sdk")` left external. */
  script: string
  /** The source map (JSON text) with `sourcesContent`, sources relative to `outFile`'s directory. */
  map: string
  warnings: Diagnostic[]
  /** The files bundled, absolute paths (node_modules and the SDK included). */
  inputs: string[]
}

/** The esbuild options every plugin is bundled with (production's reference CLI, plus resolution fixes). */
export function esbuildOptions(entry: string, outFile: string, workingDir: string) {
  return {
    entryPoints: [entry],
    outfile: outFile,
    absWorkingDir: workingDir,
    bundle: true,
    format: 'cjs' as const,
    platform: 'neutral' as const,
    target: 'es2020',
    external: [SDK_MODULE],
    // "neutral" resolves no package.json fields by default; without these, most npm packages fail.
    mainFields: ['module', 'main'],
    conditions: ['module'],
    // There is no `process` in the engine; packages commonly branch on NODE_ENV.
    define: {'process.env.NODE_ENV': '"production"'},
    // which toolchain, engine and contract built it, for `inspect`; no paths or times (reproducible)
    banner: {js: stampComment()},
    sourcemap: 'external' as const,
    sourcesContent: true,
    metafile: true,
    write: false,
    logLevel: 'silent' as const,
    plugins: [sandboxPlugin()],
  }
}

/**
 * Bundles a plugin's entry into one CommonJS script without writing anything. Throws a
 * {@link UserError} (exit 1) with located diagnostics when the code does not compile or uses
 * something the engine cannot run: Node built-ins, `import()`, top-level `await`, or a `require`
 * other than `@owncast/plugin-sdk` that survives bundling.
 */
export async function bundlePlugin(ctx: Context, options: BundleOptions): Promise<BundleResult> {
  const esbuild = loadEsbuild()
  return checkedBundle(ctx, options, () => esbuild.build(esbuildOptions(options.entry, options.outFile, options.workingDir)))
}

/**
 * Runs one bundling with {@link esbuildOptions} (a one-shot build, or an incremental context's
 * `rebuild()`) and applies what every bundle gets: esbuild's errors as located diagnostics, and
 * the checks for module calls the engine cannot satisfy. Throws a {@link UserError} (exit 1).
 */
export async function checkedBundle(
  ctx: Context,
  options: BundleOptions,
  run: () => Promise<import('esbuild').BuildResult>,
): Promise<BundleResult> {
  const {outFile, workingDir} = options
  let result
  try {
    result = await run()
  } catch (error) {
    const failure = error as {errors?: import('esbuild').Message[]; warnings?: import('esbuild').Message[]}
    if (!Array.isArray(failure.errors)) throw error
    throw buildFailed(esbuildDiagnostics(ctx, failure.errors, workingDir))
  }
  const warnings = esbuildDiagnostics(ctx, result.warnings, workingDir)
  const outputs = result.outputFiles ?? []
  const script = outputs.find((f) => f.path.endsWith('.js'))?.text
  const map = outputs.find((f) => f.path.endsWith('.js.map'))?.text
  if (script === undefined || map === undefined) throw new Error('esbuild produced no plugin.js or no source map')

  const problems = await checkBundle(ctx, script, map, outFile)
  if (problems.length > 0) throw buildFailed(problems)
  const inputs = Object.keys(result.metafile?.inputs ?? {})
    .filter((f) => !/^[a-z-]+:/.test(f)) // virtual modules of plugins (the SDK stub)
    .map((f) => path.resolve(workingDir, f))
  return {script, map, warnings, inputs}
}

function buildFailed(diagnostics: Diagnostic[]): UserError {
  const n = diagnostics.length
  return new UserError(`Build failed with ${n} error${n === 1 ? '' : 's'}`, {
    exitCode: 1,
    code: 'BUILD_FAILED',
    diagnostics,
  })
}

/**
 * Checks the bundle for module calls the engine cannot satisfy: any `require` other than the SDK
 * and any `import()` that survived bundling (e.g. with a computed argument). Locations are
 * mapped back to the original source through the source map.
 */
async function checkBundle(ctx: Context, script: string, map: string, outFile: string): Promise<Diagnostic[]> {
  const calls = findModuleCalls(script).filter((c) => !(c.callee === 'require' && c.literal === SDK_MODULE))
  if (calls.length === 0) return []
  const {SourceMapConsumer} = await import('source-map-js')
  const consumer = new SourceMapConsumer(JSON.parse(map))
  const lines = new LineIndex(script)
  return calls.map((call) => {
    const pos = lines.position(call.offset)
    const original = consumer.originalPositionFor({line: pos.line, column: pos.column - 1})
    const where =
      original.source && original.line
        ? {file: path.resolve(path.dirname(outFile), original.source), line: original.line, column: original.column + 1, length: call.callee.length}
        : undefined
    const what = call.literal === undefined ? `${call.callee}(...)` : `${call.callee}("${call.literal}")`
    const text =
      call.callee === 'require'
        ? `${what} cannot be bundled: plugins can only require "${SDK_MODULE}"`
        : `Dynamic ${what} is not supported in Owncast plugins`
    const notes =
      call.callee === 'require'
        ? ['Use a static import with a string literal so the module is bundled into plugin.js.']
        : ['plugin.js runs as a classic script; use a static import at the top of the file instead.']
    return sourceDiagnostic(ctx, text, where, notes)
  })
}

/** Loads the wasm builder (src/lib/engine/plugin-wasm.ts: binaryen, Wizer) only when the wasm target is used. */
async function loadWasmBuilder(): Promise<typeof buildPluginWasmType> {
  return (await import('../engine/plugin-wasm.js')).buildPluginWasm
}

async function writeOutput(ctx: Context, file: string, data: string | Uint8Array, kind: BuiltFile['kind']): Promise<BuiltFile> {
  // whole or not at all: a build killed mid-write (serve's start-up build, a watch rebuild) leaves the previous output
  writeFileAtomic(file, data)
  const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength
  return {path: file, displayPath: displayPath(ctx, file), bytes, kind}
}

/** A type check as the build runs it: `save` keeps its state (once the build succeeded: a failed build writes nothing). */
type BuildTypecheckRun = Omit<TypecheckResult, 'reused'> & {reused: BuildTypecheck['reused']; server?: boolean; save(): Promise<void>}

/**
 * Type-checks the project. Nothing to do when a stamp (`<outDir>/.typecheck.json`) says that
 * nothing it depended on changed since a clean check: the compiler is not even loaded. Otherwise
 * the check starts from TypeScript's incremental state (`<outDir>/.tsbuildinfo`).
 */
async function typecheckPlugin(ctx: Context, dir: string, entry: string, outDir: string, daemon?: DaemonOptions): Promise<BuildTypecheckRun> {
  const started = ctx.clock.monotonic()
  const elapsed = () => Math.round(ctx.clock.monotonic() - started)
  const stampFile = path.join(outDir, '.typecheck.json')
  const unchanged = await currentTypecheckStamp(stampFile, {dir, outDir, entry})
  if (unchanged) {
    return {checked: true, diagnostics: [], errors: 0, files: unchanged.files, reused: 'unchanged', durationMs: elapsed(), save: async () => undefined}
  }
  const buildInfoFile = path.join(outDir, '.tsbuildinfo')
  const stamp = async (result: TypecheckResult, inputs: string[], typescript: string) => {
    if (result.checked && result.diagnostics.length === 0) {
      await writeTypecheckStamp(stampFile, {dir, outDir, entry, files: result.files, inputs, typescript})
    } else {
      await rm(stampFile, {force: true})
    }
  }
  const outcome = daemon ? await checkOnServer(daemon, {dir, entry, buildInfoFile}) : undefined
  if (outcome?.served) {
    const {result, dependencies, typescript, save} = outcome.served
    return {...result, server: true, durationMs: elapsed(), save: async () => void (await Promise.all([save(), stamp(result, dependencies, typescript)]))}
  }
  if (outcome) ctx.logger.debug(`type check in this process: ${outcome.reason}`)
  const ts = await loadTypescript()
  const checker = createTypechecker(ts, {dir, buildInfoFile})
  const result = checker.check({entry, save: false})
  // For the next build: the server loads the compiler and checks this project meanwhile.
  if (daemon && outcome?.restart) startServer(daemon, [{dir, entry, buildInfoFile}])
  const save = async () => {
    checker.save()
    await stamp(result, checker.dependencies(), ts.version)
  }
  // The time the build spent on it: loading the compiler included.
  return {...result, durationMs: elapsed(), save}
}

/**
 * Builds a plugin project: validates `plugin.manifest.json` (errors abort before bundling), finds
 * the entry, bundles it into `<outDir>/plugin.js` + `plugin.js.map`, type-checks TypeScript (at
 * the same time as bundling; a bundling error is reported first, type errors after the manifest
 * checks that need the bundle), and for the `wasm` target also writes a self-contained
 * `plugin.wasm`. Nothing is written when the build fails but TypeScript's incremental state
 * (`<outDir>/.tsbuildinfo`), which makes the next check faster.
 */
export async function buildPlugin(ctx: Context, options: BuildOptions): Promise<BuildResult> {
  const started = ctx.clock.monotonic()
  const target = options.target ?? 'js'
  const imports = options.imports ?? 'all'
  const typecheckMode = options.typecheck ?? 'error'
  const dir = path.resolve(ctx.cwd, options.dir)

  const {manifest, result: manifestResult} = await loadValidManifest(ctx, dir)
  const entry = await findEntry(ctx, dir)
  const outDir = path.resolve(ctx.cwd, options.outDir ?? path.join(dir, 'dist'))
  const scriptFile = path.join(outDir, 'plugin.js')
  ctx.logger.info(`Building ${manifest.slug} from ${displayPath(ctx, entry)} (target ${target})`)

  // The compiler runs on this thread while esbuild bundles in its own process.
  const bundling = (options.bundle ?? bundlePlugin)(ctx, {entry, outFile: scriptFile, workingDir: dir})
  let typing: Promise<BuildTypecheckRun> | undefined
  if (typecheckMode !== 'off' && (isTypeScriptSource(entry) || mentionsCheckJs(dir))) {
    typing = typecheckPlugin(ctx, dir, entry, outDir, options.daemon)
    typing.catch(() => undefined) // awaited below, unless bundling fails first
  }
  const bundle = await bundling
  // A JavaScript entry that imports TypeScript files: those are checked.
  if (typecheckMode !== 'off' && !typing && bundle.inputs.some((f) => isTypeScriptSource(f) && !f.includes(`${path.sep}node_modules${path.sep}`))) {
    typing = typecheckPlugin(ctx, dir, entry, outDir, options.daemon)
  }
  // The lint engine (the same as lint-manifest and package) with the bundle at hand: what the
  // host would refuse at load (a filter without chat.filter...) fails the build; the rest warns.
  const lint = lintManifest(manifestResult.source, {
    ...(manifestResult.file === undefined ? {} : {file: manifestResult.file}),
    files: directoryFiles(path.join(dir, 'assets'), path.join(dir, 'public')),
    code: codeFromScript(displayPath(ctx, scriptFile), bundle.script, await mapLocator(ctx, bundle.map, `${scriptFile}.map`)),
  })
  if (lint.errors.length > 0) {
    const n = lint.errors.length
    throw new UserError(`${displayPath(ctx, manifestResult.file ?? 'plugin.manifest.json')} has ${n} error${n === 1 ? '' : 's'} with this code`, {
      exitCode: 1,
      code: 'MANIFEST_INVALID',
      diagnostics: manifestDiagnostics(ctx, lint, lint.errors),
      nextSteps: ['Fix the errors above: the Owncast server refuses to load the plugin otherwise'],
    })
  }
  const typed = await typing
  if (typed && typed.errors > 0 && typecheckMode === 'error') throw typecheckFailed(ctx, typed)
  if (typed && typed.errors > 0 && typecheckMode === 'warn') {
    ctx.logger.warn(`${manifest.slug} has ${typed.errors} type error${typed.errors === 1 ? '' : 's'} (built anyway; owncast-plugin build shows them with code frames):`)
    for (const d of typecheckDiagnostics(ctx, typed.diagnostics)) ctx.logger.warn(`${formatLocation(d)}: ${d.text}`)
  }
  let wasm: PluginWasmResult | undefined
  if (target === 'wasm') {
    const buildPluginWasm = await loadWasmBuilder()
    ctx.logger.info(`Creating plugin.wasm (imports: ${imports})`)
    wasm = await buildPluginWasm({
      script: bundle.script,
      scriptMap: bundle.map,
      manifestJson: manifestResult.source,
      importsMode: imports,
      permissions: [...manifest.permissions],
    })
  }

  // Everything is built before anything is written: a failed build leaves the old output alone.
  await mkdir(outDir, {recursive: true})
  sweepPartials(outDir) // left by builds killed mid-write
  const files = [
    await writeOutput(ctx, scriptFile, bundle.script, 'script'),
    await writeOutput(ctx, `${scriptFile}.map`, bundle.map, 'sourcemap'),
  ]
  const wasmFile = path.join(outDir, 'plugin.wasm')
  const notes = [...(wasm?.notes ?? [])]
  if (wasm) {
    files.push(await writeOutput(ctx, wasmFile, wasm.wasm, 'wasm'))
  } else if (await stat(wasmFile).then((s) => s.isFile(), () => false)) {
    // A plugin.wasm from an earlier --target wasm build would be loaded instead of the new plugin.js.
    await rm(wasmFile)
    notes.push(`removed ${displayPath(ctx, wasmFile)} left by an earlier --target wasm build`)
  }
  await typed?.save()

  return {
    dir,
    slug: manifest.slug,
    name: manifest.name,
    version: manifest.version,
    target,
    imports,
    entry: displayPath(ctx, entry),
    outDir,
    files,
    durationMs: Math.round(ctx.clock.monotonic() - started),
    warnings: [...manifestDiagnostics(ctx, lint, lint.warnings), ...bundle.warnings, ...typecheckDiagnostics(ctx, typed?.diagnostics ?? [])],
    notes,
    ...(wasm === undefined ? {} : {preEvaluated: wasm.preEvaluated}),
    typecheck: {
      ran: typed?.checked ?? false,
      mode: typecheckMode,
      durationMs: typed?.durationMs ?? 0,
      files: typed?.files ?? 0,
      errors: typed?.errors ?? 0,
      reused: typed?.reused ?? 'none',
      server: typed?.server ?? false,
    },
  }
}

