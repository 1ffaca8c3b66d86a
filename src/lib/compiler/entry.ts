import {stat} from 'node:fs/promises'
import path from 'node:path'
import type {Context} from '../context.js'
import {UserError} from '../errors.js'
import {displayPath} from '../manifest/load.js'

/** Where the plugin's code is looked for, first hit wins (the reference CLI's order). */
export const ENTRY_CANDIDATES = ['src/plugin.ts', 'src/plugin.js', 'plugin.ts', 'plugin.js'] as const

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile()
  } catch {
    return false
  }
}

/**
 * Returns the absolute path of the plugin's entry file in `dir`, or throws a {@link UserError}
 * (exit 2) naming the files it looked for.
 */
export async function findEntry(ctx: Context, dir: string): Promise<string> {
  const root = path.resolve(ctx.cwd, dir)
  for (const candidate of ENTRY_CANDIDATES) {
    const file = path.join(root, candidate)
    if (await isFile(file)) return file
  }
  throw new UserError(`No plugin source found in ${displayPath(ctx, root) || '.'}`, {
    code: 'ENTRY_NOT_FOUND',
    nextSteps: [
      `Create one of ${ENTRY_CANDIDATES.join(', ')} (the first one found is the entry)`,
      'Or point the command at your plugin project directory',
    ],
  })
}
