import {existsSync} from 'node:fs'
import path from 'node:path'
import type ts from 'typescript'
import {sdkDeclarationsPath} from '../sdk/paths.js'
import {engineGlobalsPath} from './engine-globals.js'
import {SDK_MODULE} from './sandbox-plugin.js'

type TypeScript = typeof ts

/** What one type check of a project runs on: resolved options, root files, config problems. */
export interface TypecheckPlan {
  options: ts.CompilerOptions
  rootNames: string[]
  /** Absolute path of the project's tsconfig.json, when it has one. */
  configFile?: string
  /** tsconfig.json and the files it extends. */
  configFiles: string[]
  /** Problems reading tsconfig.json (reported like type errors). */
  configErrors: ts.Diagnostic[]
  /** The project asks for its JavaScript to be checked too (tsconfig `checkJs`). */
  checkJs: boolean
  /** Diagnostic codes not reported (see {@link planTypecheck}). */
  ignoredCodes: ReadonlySet<number>
}

/** "No inputs were found in config file": the entry is added as a root anyway. */
const NO_INPUTS = 18003
/** "Could not find a declaration file for module": see the defaults below. */
const UNTYPED_MODULE = 7016

/**
 * Options for a project without tsconfig.json: what the examples' tsconfig.json says (ES2020,
 * no DOM and no Node types since the engine has neither, bundler resolution, strict), plus what
 * esbuild accepts anyway (JavaScript helpers, JSON imports, `.ts` extensions in imports).
 */
function defaultOptions(ts: TypeScript): ts.CompilerOptions {
  return {
    target: ts.ScriptTarget.ES2020,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2020.d.ts'],
    types: [],
    strict: true,
    skipLibCheck: true,
    allowJs: true,
    checkJs: false,
    resolveJsonModule: true,
    esModuleInterop: true,
    allowImportingTsExtensions: true,
    forceConsistentCasingInFileNames: true,
    jsx: ts.JsxEmit.Preserve,
  }
}

/**
 * Resolves what to check in `dir`. With a tsconfig.json: its compilerOptions and its files
 * (`include`/`files`), plus the entry. Without: strict defaults, the engine's globals
 * (`console`...) and the entry (its imports pull in the rest); an import of an untyped npm
 * package is then `any` rather than an error, as in an editor without a tsconfig.json (esbuild
 * bundles it either way).
 *
 * Either way nothing is emitted but the incremental state (`buildInfoFile`), and
 * `@owncast/plugin-sdk` resolves to the declarations shipped with this tool, so a project
 * type-checks without node_modules. A `paths` entry is added for it: other entries keep their
 * meaning (relative to `baseUrl`, or to the tsconfig.json that declares them), and ours is absolute.
 */
export function planTypecheck(
  ts: TypeScript,
  options: {dir: string; entry: string; buildInfoFile: string; extendedConfigCache?: Map<string, ts.ExtendedConfigCacheEntry>},
): TypecheckPlan {
  const {dir, entry, buildInfoFile} = options
  const configFile = path.join(dir, 'tsconfig.json')
  let base: ts.CompilerOptions
  let rootNames: string[]
  const configErrors: ts.Diagnostic[] = []
  const ignoredCodes = new Set<number>()
  let hasConfig = false
  const configFiles: string[] = []
  if (existsSync(configFile)) {
    hasConfig = true
    const host: ts.ParseConfigFileHost = {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => void configErrors.push(d),
    }
    const parsed = ts.getParsedCommandLineOfConfigFile(configFile, undefined, host, options.extendedConfigCache)
    base = parsed?.options ?? defaultOptions(ts)
    rootNames = parsed?.fileNames ?? []
    configErrors.push(...(parsed?.errors ?? []).filter((d) => d.code !== NO_INPUTS))
    const source = parsed?.options.configFile as ts.TsConfigSourceFile | undefined
    configFiles.push(configFile, ...(source?.extendedSourceFiles ?? []).map((f) => path.resolve(f)))
  } else {
    base = defaultOptions(ts)
    rootNames = [engineGlobalsPath()]
    ignoredCodes.add(UNTYPED_MODULE)
  }
  if (!rootNames.some((f) => path.resolve(f) === entry)) rootNames.push(entry)

  const resolved: ts.CompilerOptions = {
    ...base,
    noEmit: true,
    incremental: true,
    tsBuildInfoFile: buildInfoFile,
    paths: {...base.paths, [SDK_MODULE]: [sdkDeclarationsPath()]},
  }
  // Options that only make sense when emitting (some conflict with noEmit).
  for (const key of ['composite', 'declaration', 'declarationMap', 'emitDeclarationOnly', 'sourceMap', 'inlineSourceMap', 'outFile'] as const) {
    delete (resolved as Record<string, unknown>)[key]
  }
  return {
    options: resolved,
    rootNames,
    ...(hasConfig ? {configFile} : {}),
    configFiles,
    configErrors,
    checkJs: hasConfig && resolved.checkJs === true,
    ignoredCodes,
  }
}
