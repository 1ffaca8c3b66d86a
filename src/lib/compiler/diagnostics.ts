import {readFileSync} from 'node:fs'
import path from 'node:path'
import type {Message} from 'esbuild'
import {codeFrame} from '../cli/code-frame.js'
import type {Context} from '../context.js'
import type {Diagnostic} from '../errors.js'
import {displayPath} from '../manifest/load.js'

/** Rewrites esbuild's wording where the plugin sandbox gives a clearer explanation. */
function explain(message: Message): {text: string; notes: string[]} {
  const notes = message.notes.map((n) => n.text).filter(Boolean)
  if (/^Top-level await is (not available|currently not supported)/.test(message.text)) {
    return {
      text: 'Top-level await is not supported in Owncast plugins',
      notes: [
        'plugin.js runs as a classic script body, not as a module, so it cannot await at the top level.',
        'Move the await into a handler (handlers may be async) or into an async function you call from one.',
      ],
    }
  }
  const unresolved = /^Could not resolve "([^"]+)"$/.exec(message.text)
  if (unresolved) {
    const spec = unresolved[1]!
    const bare = !spec.startsWith('.') && !spec.startsWith('/')
    return {
      text: message.text,
      notes: bare
        ? [`Install the package ("npm install ${spec}"): bare imports other than @owncast/plugin-sdk are bundled into plugin.js.`]
        : notes.filter((n) => !/mark the path .* as external/.test(n)),
    }
  }
  return {text: message.text, notes}
}

/** Reads a source file for a code frame; `undefined` when it cannot be read. */
function readSource(file: string, cache: Map<string, string | undefined>): string | undefined {
  if (!cache.has(file)) {
    try {
      cache.set(file, readFileSync(file, 'utf8'))
    } catch {
      cache.set(file, undefined)
    }
  }
  return cache.get(file)
}

/**
 * Converts esbuild messages to diagnostics: `file:line:column` relative to the working
 * directory (esbuild's columns are 0-based; ours are 1-based) and a code frame.
 */
export function esbuildDiagnostics(ctx: Context, messages: Message[], workingDir: string): Diagnostic[] {
  const cache = new Map<string, string | undefined>()
  return messages.map((message) => {
    const {text, notes} = explain(message)
    const loc = message.location
    if (!loc) return {text, ...(notes.length > 0 ? {notes} : {})}
    const abs = path.resolve(workingDir, loc.file)
    const source = readSource(abs, cache)
    const line = loc.line
    const column = loc.column + 1
    const frame = source === undefined ? codeFrame(loc.lineText, 1, column, {length: loc.length, context: 0}) : codeFrame(source, line, column, {length: loc.length})
    return {
      text,
      file: displayPath(ctx, abs),
      line,
      column,
      frame,
      ...(notes.length > 0 ? {notes} : {}),
    }
  })
}

/** A diagnostic for a position in a source file we can read (used for checks on the bundle). */
export function sourceDiagnostic(
  ctx: Context,
  text: string,
  where: {file: string; line: number; column: number; length?: number} | undefined,
  notes: string[] = [],
): Diagnostic {
  if (!where) return {text, ...(notes.length > 0 ? {notes} : {})}
  const source = readSource(where.file, new Map())
  return {
    text,
    file: displayPath(ctx, where.file),
    line: where.line,
    column: where.column,
    ...(source === undefined ? {} : {frame: codeFrame(source, where.line, where.column, {length: where.length ?? 1})}),
    ...(notes.length > 0 ? {notes} : {}),
  }
}
