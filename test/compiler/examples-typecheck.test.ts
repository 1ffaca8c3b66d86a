import {existsSync, readdirSync} from 'node:fs'
import path from 'node:path'
import ts from 'typescript'
import {describe, expect, it} from 'vitest'
import {ROOT} from '../cli/helpers.js'

// Every example with a tsconfig.json, checked as its author would (`tsc -p`), in this process:
// one compiler host shares the parsed lib and SDK declarations across the examples, so the
// whole catalogue costs about one tsc start instead of one per example.
const EXAMPLES = path.join(ROOT, 'examples')
const examples = readdirSync(EXAMPLES)
  .filter((name) => existsSync(path.join(EXAMPLES, name, 'tsconfig.json')))
  .sort()

const cache = new Map<string, ts.SourceFile | undefined>()
function sharedHost(options: ts.CompilerOptions): ts.CompilerHost {
  const host = ts.createCompilerHost(options)
  const getSourceFile = host.getSourceFile.bind(host)
  host.getSourceFile = (file, languageVersion, onError, shouldCreate) => {
    const key = `${file}|${typeof languageVersion === 'object' ? languageVersion.languageVersion : languageVersion}`
    if (!cache.has(key)) cache.set(key, getSourceFile(file, languageVersion, onError, shouldCreate))
    return cache.get(key)
  }
  return host
}

function typeErrors(configFile: string): string {
  const parsed = ts.getParsedCommandLineOfConfigFile(configFile, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'))
    },
  })
  if (!parsed) throw new Error(`cannot read ${configFile}`)
  const program = ts.createProgram({rootNames: parsed.fileNames, options: parsed.options, host: sharedHost(parsed.options)})
  const diagnostics = [...parsed.errors, ...ts.getPreEmitDiagnostics(program)]
  return ts.formatDiagnostics(diagnostics, {getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => '\n'})
}

describe('the examples type-check against the SDK declarations (src/lib/sdk/index.d.ts)', () => {
  it('finds the TypeScript examples', () => {
    expect(examples).toEqual(expect.arrayContaining(['echo-bot', 'profanity-filter', 'chat-overlay']))
  })
  for (const example of examples) {
    it(example, () => {
      expect(typeErrors(path.join(EXAMPLES, example, 'tsconfig.json'))).toBe('')
    })
  }
})
