// `tsc -p` as an author's editor runs it, in this process: one compiler host per test file
// shares the parsed standard library and installed declaration files across programs, so a
// catalogue of projects costs about one tsc start instead of one per project.
import path from 'node:path'
import ts from 'typescript'

import {ROOT} from '../cli/helpers.js'

const cache = new Map<string, ts.SourceFile | undefined>()

/** Declaration files outside a project's own types/ are parsed once; a project's own files each time. */
function sharedHost(options: ts.CompilerOptions): ts.CompilerHost {
  const host = ts.createCompilerHost(options)
  const getSourceFile = host.getSourceFile.bind(host)
  host.getSourceFile = (file, languageVersion, onError, shouldCreate) => {
    if (!file.endsWith('.d.ts') || file.includes(`${path.sep}types${path.sep}`)) return getSourceFile(file, languageVersion, onError, shouldCreate)
    const key = `${file}|${typeof languageVersion === 'object' ? languageVersion.languageVersion : languageVersion}`
    if (!cache.has(key)) cache.set(key, getSourceFile(file, languageVersion, onError, shouldCreate))
    return cache.get(key)
  }
  return host
}

export interface TscResult {
  /** The formatted diagnostics; "" when clean. */
  errors: string
  files: string[]
  options: ts.CompilerOptions
}

/** Type-checks the project of `configFile` (tsconfig.json or jsconfig.json). */
export function typeCheckProject(configFile: string): TscResult {
  const parsed = ts.getParsedCommandLineOfConfigFile(configFile, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'))
    },
  })
  if (!parsed) throw new Error(`cannot read ${configFile}`)
  const program = ts.createProgram({rootNames: parsed.fileNames, options: parsed.options, host: sharedHost(parsed.options)})
  const diagnostics = [...parsed.errors, ...ts.getPreEmitDiagnostics(program)]
  const errors = ts.formatDiagnostics(diagnostics, {getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => '\n'})
  return {errors, files: program.getSourceFiles().map((f) => f.fileName), options: parsed.options}
}
