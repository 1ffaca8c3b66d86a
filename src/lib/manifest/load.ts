import {readFile, stat} from 'node:fs/promises'
import path from 'node:path'
import {codeFrame} from '../cli/code-frame.js'
import type {Context} from '../context.js'
import {type Diagnostic, UserError} from '../errors.js'
import type {Manifest, ManifestIssue, ManifestParseResult} from './types.js'
import {parseManifest} from './validate.js'

/** The manifest's file name, next to the plugin's code. */
export const MANIFEST_FILE = 'plugin.manifest.json'

/** A path as shown to the user: relative to the working directory when it is inside it. */
export function displayPath(ctx: Context, file: string): string {
  const rel = path.relative(ctx.cwd, file)
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file
}

/**
 * Reads and validates `<dir>/plugin.manifest.json`. A missing or unreadable file is a
 * {@link UserError} (exit 2); validation problems are returned, not thrown.
 */
export async function readManifest(ctx: Context, dir: string): Promise<ManifestParseResult> {
  const root = path.resolve(ctx.cwd, dir)
  const file = path.join(root, MANIFEST_FILE)
  const rootStat = await stat(root).catch(() => undefined)
  if (!rootStat?.isDirectory()) {
    throw new UserError(`${displayPath(ctx, root) || '.'} is not a directory`, {
      code: 'DIR_NOT_FOUND',
      nextSteps: ['Point the command at your plugin project directory (the one with plugin.manifest.json)'],
    })
  }
  let source: string
  try {
    source = await readFile(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') {
      throw new UserError(`No ${MANIFEST_FILE} in ${displayPath(ctx, path.dirname(file)) || '.'}`, {
        code: 'MANIFEST_NOT_FOUND',
        nextSteps: [
          `Create ${MANIFEST_FILE} next to your plugin's code, e.g. {"api": "1", "name": "My Plugin", "version": "0.1.0", "permissions": []}`,
          'Or run the command from (or point it at) your plugin project directory',
        ],
      })
    }
    throw new UserError(`Cannot read ${displayPath(ctx, file)}: ${(error as Error).message}`, {code: 'MANIFEST_UNREADABLE', cause: error})
  }
  return parseManifest(source, {file})
}

/** Converts manifest issues to diagnostics with a code frame each. */
export function manifestDiagnostics(ctx: Context, result: ManifestParseResult, issues: ManifestIssue[] = result.errors): Diagnostic[] {
  const file = result.file === undefined ? MANIFEST_FILE : displayPath(ctx, result.file)
  return issues.map((issue) => ({
    text: issue.message,
    file,
    line: issue.line,
    column: issue.column,
    pointer: issue.pointer,
    frame: codeFrame(result.source, issue.line, issue.column),
    ...(issue.notes ? {notes: issue.notes} : {}),
  }))
}

/**
 * Reads `<dir>/plugin.manifest.json` and returns it normalized, or throws a {@link UserError}
 * (exit 1) listing every error with its pointer and line:column.
 */
export async function loadValidManifest(ctx: Context, dir: string): Promise<{manifest: Manifest; result: ManifestParseResult}> {
  const result = await readManifest(ctx, dir)
  if (!result.ok || !result.manifest) {
    const n = result.errors.length
    throw new UserError(`${displayPath(ctx, result.file ?? MANIFEST_FILE)} has ${n} error${n === 1 ? '' : 's'}`, {
      exitCode: 1,
      code: 'MANIFEST_INVALID',
      diagnostics: manifestDiagnostics(ctx, result),
      nextSteps: ['Fix the errors above: the Owncast server refuses to load a plugin whose manifest has any of them'],
    })
  }
  return {manifest: result.manifest, result}
}
