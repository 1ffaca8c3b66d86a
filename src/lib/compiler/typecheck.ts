import {readFileSync, statSync} from 'node:fs'
import path from 'node:path'
import type ts from 'typescript'
import {loadTypescriptModule} from '../cjs.js'
import {codeFrame} from '../cli/code-frame.js'
import type {Context} from '../context.js'
import {type Diagnostic, UserError} from '../errors.js'
import {displayPath} from '../manifest/load.js'
import {sdkDeclarationsPath} from '../sdk/paths.js'
import {engineGlobalsPath} from './engine-globals.js'
import {ENTRY_CANDIDATES} from './entry.js'
import {planTypecheck} from './typecheck-config.js'
import {fileHash} from './typecheck-stamp.js'

type TypeScript = typeof ts

/** One problem TypeScript found, as plain data (it crosses threads). */
export interface TypeDiagnostic {
  category: 'error' | 'warning'
  /** TypeScript's number for it: 2322 for TS2322. */
  code: number
  /** The first line of the message. */
  text: string
  /** The rest of TypeScript's message chain. */
  notes: string[]
  /** Other places the message refers to ("'x' is declared here"). */
  related: {text: string; file?: string; line?: number; column?: number}[]
  /** Absolute path. */
  file?: string
  /** 1-based. */
  line?: number
  /** 1-based. */
  column?: number
  length?: number
  /** The code frame, from the text that was checked. */
  frame?: string
}

/** The outcome of one type check, as plain data. */
export interface TypecheckResult {
  /** False when there was nothing to check: a JavaScript plugin (or no entry at all). */
  checked: boolean
  diagnostics: TypeDiagnostic[]
  errors: number
  /** The project's own files in the program (not the standard library or the SDK's declarations). */
  files: number
  durationMs: number
  /**
   * What an earlier check left that this one reused: `program` (the previous check in this
   * checker), `buildinfo` (the .tsbuildinfo of an earlier run) or `none`.
   */
  reused: 'program' | 'buildinfo' | 'none'
}

export interface TypecheckerOptions {
  /** Absolute path of the plugin project. */
  dir: string
  /** The incremental state. Default `<dir>/dist/.tsbuildinfo` (beside the build output). */
  buildInfoFile?: string
  /**
   * Compare the content of every file but the compiler's own libraries at each check, not only
   * its mtime, ctime and size (and read extended tsconfigs afresh): for a checker that lives
   * long (the type-check server), where an edit that keeps the size within the filesystem's
   * timestamp granularity must not keep the old verdict.
   */
  verifyContent?: boolean
}

export interface Typechecker {
  /**
   * Checks the project as it is on disk now, reusing what the previous check computed, and
   * writes TypeScript's incremental state unless `save` is false (then {@link save} does).
   */
  check(request?: {entry?: string; save?: boolean}): TypecheckResult
  /** Writes the incremental state of the last check (`build` does once the build succeeded). */
  save(): void
  /** What the last check read: the program's files but the standard library, and the configs. */
  dependencies(): string[]
}

const TS_SOURCE = /\.[cm]?tsx?$/
const DECLARATION = /\.d\.[cm]?ts$/

/** A TypeScript source file (not a declaration file). */
export function isTypeScriptSource(file: string): boolean {
  return TS_SOURCE.test(file) && !DECLARATION.test(file)
}

/** Loads the compiler (a few hundred ms): only when something is to be type-checked. */
export async function loadTypescript(): Promise<TypeScript> {
  return loadTypescriptModule()
}

function findEntrySync(dir: string): string | undefined {
  return ENTRY_CANDIDATES.map((c) => path.join(dir, c)).find((f) => statSync(f, {throwIfNoEntry: false})?.isFile())
}

interface CachedFile {
  stamp: string
  sourceFile: ts.SourceFile
}

/**
 * Declaration files (the standard library, the SDK's, packages' types) parsed by any checker in
 * this thread, shared: several projects built in one process (serve, the test suites) parse
 * them once. Their binding does not depend on the options that differ between projects (the
 * key holds those that shape the parse).
 */
const DECLARATION_FILES = new Map<string, CachedFile>()

/**
 * A compiler host for one check that hands out the same SourceFile as earlier checks for a file
 * that has not changed (same mtime, ctime and size), so a later program reuses the parse (and
 * binding) of everything unchanged: the standard library, the SDK's declarations, untouched
 * modules. One per check: TypeScript's incremental host remembers which files exist.
 */
function cachingHost(ts: TypeScript, options: ts.CompilerOptions, own: Map<string, CachedFile>, verifyContent: boolean): ts.CompilerHost {
  const host = ts.createIncrementalCompilerHost(options, ts.sys)
  // The compiler's own libraries change only with the compiler (a type-check server is keyed by its version).
  const libDir = path.dirname(ts.getDefaultLibFilePath(options)) + path.sep
  const getSourceFile = host.getSourceFile.bind(host)
  host.getSourceFile = (fileName, languageVersionOrOptions, onError, shouldCreateNewSourceFile) => {
    const st = statSync(fileName, {throwIfNoEntry: false})
    const lv = languageVersionOrOptions
    const key = `${fileName}\0${typeof lv === 'object' ? `${lv.languageVersion}|${lv.impliedNodeFormat}|${lv.jsDocParsingMode}` : lv}|${options.moduleDetection}|${options.jsx}`
    const cache = DECLARATION.test(fileName) ? DECLARATION_FILES : own
    const content = verifyContent && st && !fileName.startsWith(libDir) ? `|${fileHash(fileName)}` : ''
    const stamp = st ? `${st.mtimeMs}|${st.ctimeMs}|${st.size}${content}` : ''
    const hit = cache.get(key)
    if (hit && stamp && hit.stamp === stamp && !shouldCreateNewSourceFile) return hit.sourceFile
    const sourceFile = getSourceFile(fileName, languageVersionOrOptions, onError, shouldCreateNewSourceFile)
    if (sourceFile && stamp) cache.set(key, {stamp, sourceFile})
    else cache.delete(key)
    return sourceFile
  }
  // Resolve every import again (cheap for a plugin): an unchanged file's import that failed
  // (a module not written yet) or that a new file would now win must not keep the old answer.
  host.hasInvalidatedResolutions = () => true
  return host
}

function toTypeDiagnostic(ts: TypeScript, d: ts.Diagnostic): TypeDiagnostic {
  const [text = '', ...rest] = ts.flattenDiagnosticMessageText(d.messageText, '\n').split('\n')
  const notes = rest.map((l) => l.trimEnd())
  const related = (d.relatedInformation ?? []).map((r) => {
    const message = ts.flattenDiagnosticMessageText(r.messageText, ' ')
    if (!r.file || r.start === undefined) return {text: message}
    const pos = r.file.getLineAndCharacterOfPosition(r.start)
    return {text: message, file: path.resolve(r.file.fileName), line: pos.line + 1, column: pos.character + 1}
  })
  const category = d.category === ts.DiagnosticCategory.Warning ? 'warning' : 'error'
  const base = {category, code: d.code, text: `${text} ts(${d.code})`, notes, related} as const
  if (!d.file || d.start === undefined) return base
  const pos = d.file.getLineAndCharacterOfPosition(d.start)
  const line = pos.line + 1
  const column = pos.character + 1
  const length = Math.max(1, d.length ?? 1)
  return {...base, file: path.resolve(d.file.fileName), line, column, length, frame: codeFrame(d.file.text, line, column, {length})}
}

/** TypeScript's incremental state from an earlier run; none when missing or unreadable (a half-written file). */
function readState(ts: TypeScript, options: ts.CompilerOptions, dir: string): ts.EmitAndSemanticDiagnosticsBuilderProgram | undefined {
  try {
    return ts.readBuilderProgram(options, {
      useCaseSensitiveFileNames: () => ts.sys.useCaseSensitiveFileNames,
      getCurrentDirectory: () => dir,
      readFile: (f) => ts.sys.readFile(f),
    })
  } catch {
    return undefined
  }
}

/**
 * A type checker for one plugin project that keeps its state between checks: the previous
 * program (unchanged files are not parsed or checked again) and, on disk, TypeScript's
 * incremental state (`.tsbuildinfo`), which the first check of a new checker starts from.
 *
 * A JavaScript entry is checked only when the project's tsconfig.json sets `checkJs` or when it
 * imports TypeScript files. `build` creates one per build; `watch` keeps one in a worker thread
 * (see {@link createBackgroundTypechecker} in typecheck-worker.ts).
 */
export function createTypechecker(ts: TypeScript, options: TypecheckerOptions): Typechecker {
  const dir = path.resolve(options.dir)
  const buildInfoFile = options.buildInfoFile ?? path.join(dir, 'dist', '.tsbuildinfo')
  const verifyContent = options.verifyContent ?? false
  let extendedConfigCache = new Map<string, ts.ExtendedConfigCacheEntry>()
  let previous: ts.EmitAndSemanticDiagnosticsBuilderProgram | undefined
  let files: {key: string; cache: Map<string, CachedFile>} | undefined
  let dependencies: string[] = []

  return {
    check(request = {}) {
      const started = performance.now()
      const entry = request.entry ?? findEntrySync(dir)
      const done = (result: Omit<TypecheckResult, 'durationMs'>): TypecheckResult => ({...result, durationMs: Math.round(performance.now() - started)})
      if (!entry) return done({checked: false, diagnostics: [], errors: 0, files: 0, reused: 'none'})

      if (verifyContent) extendedConfigCache = new Map()
      const plan = planTypecheck(ts, {dir, entry, buildInfoFile, extendedConfigCache})
      const key = JSON.stringify(plan.options)
      if (files?.key !== key) {
        // Other options can mean other parses; start from the state on disk instead.
        files = {key, cache: new Map()}
        previous = undefined
      }
      const host = cachingHost(ts, plan.options, files.cache, verifyContent)
      const fromDisk = previous ? undefined : readState(ts, plan.options, dir)
      const reused = previous ? 'program' : fromDisk ? 'buildinfo' : 'none'
      const builder = ts.createEmitAndSemanticDiagnosticsBuilderProgram(plan.rootNames, plan.options, host, previous ?? fromDisk, plan.configErrors)
      previous = builder

      const sdk = sdkDeclarationsPath()
      const globals = engineGlobalsPath()
      const program = builder.getProgram()
      dependencies = [
        ...program.getSourceFiles().filter((f) => !program.isSourceFileDefaultLibrary(f)).map((f) => path.resolve(f.fileName)),
        ...plan.configFiles,
      ]
      const own = program
        .getSourceFiles()
        .filter((f) => !program.isSourceFileDefaultLibrary(f) && ![sdk, globals].includes(path.resolve(f.fileName)) && !f.fileName.includes('/node_modules/'))
      const wanted = isTypeScriptSource(entry) || plan.checkJs || own.some((f) => isTypeScriptSource(f.fileName))
      if (!wanted) return done({checked: false, diagnostics: [], errors: 0, files: 0, reused})

      const found: ts.Diagnostic[] = [...builder.getConfigFileParsingDiagnostics(), ...builder.getOptionsDiagnostics()]
      const syntactic = builder.getSyntacticDiagnostics()
      found.push(...syntactic)
      // As tsc: semantic errors only when the code parses.
      if (!syntactic.some((d) => d.category === ts.DiagnosticCategory.Error)) {
        found.push(...builder.getGlobalDiagnostics(), ...builder.getSemanticDiagnostics())
      }
      if (request.save ?? true) builder.emit() // with noEmit: only the .tsbuildinfo

      const diagnostics = found
        .filter((d) => (d.category === ts.DiagnosticCategory.Error || d.category === ts.DiagnosticCategory.Warning) && !plan.ignoredCodes.has(d.code))
        .map((d) => toTypeDiagnostic(ts, d))
      const errors = diagnostics.filter((d) => d.category === 'error').length
      return done({checked: true, diagnostics, errors, files: own.length, reused})
    },
    save() {
      previous?.emit()
    },
    dependencies: () => dependencies,
  }
}

/**
 * Whether a project asks for its JavaScript to be type-checked (tsconfig.json sets `checkJs`),
 * read without loading the compiler: a JavaScript plugin otherwise builds without it.
 */
export function mentionsCheckJs(dir: string): boolean {
  try {
    return /"checkJs"\s*:\s*true/.test(readFileSync(path.join(dir, 'tsconfig.json'), 'utf8'))
  } catch {
    return false
  }
}

/** The type problems as diagnostics to print: paths relative to the working directory. */
export function typecheckDiagnostics(ctx: Context, diagnostics: readonly TypeDiagnostic[]): Diagnostic[] {
  return diagnostics.map((d) => ({
    text: d.text,
    ...(d.file === undefined ? {} : {file: displayPath(ctx, d.file)}),
    ...(d.line === undefined ? {} : {line: d.line}),
    ...(d.column === undefined ? {} : {column: d.column}),
    ...(d.frame ? {frame: d.frame} : {}),
    ...(d.notes.length + d.related.length > 0 ? {notes: [...d.notes, ...d.related.map((r) => relatedNote(ctx, r))]} : {}),
  }))
}

function relatedNote(ctx: Context, r: TypeDiagnostic['related'][number]): string {
  return r.file === undefined ? r.text : `${displayPath(ctx, r.file)}:${r.line}:${r.column}: ${r.text}`
}

/** The error a build fails with when the code has type errors (exit 1, like any compile error). */
export function typecheckFailed(ctx: Context, result: Pick<TypecheckResult, 'diagnostics'>): UserError {
  const errors = result.diagnostics.filter((d) => d.category === 'error')
  const n = errors.length
  return new UserError(`Type check failed with ${n} error${n === 1 ? '' : 's'}`, {
    exitCode: 1,
    code: 'TYPECHECK_FAILED',
    diagnostics: typecheckDiagnostics(ctx, errors),
    nextSteps: ['Fix the errors above (your editor shows them too), or build without type checking: owncast-plugin build --no-typecheck'],
  })
}
