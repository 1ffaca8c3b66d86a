import {createHash} from 'node:crypto'
import {readdirSync, readFileSync} from 'node:fs'
import {mkdir, readFile} from 'node:fs/promises'
import {createRequire} from 'node:module'
import path from 'node:path'

import {writeFileAtomic} from '../atomic-write.js'

/**
 * What a clean type check depended on, so that the next build of an unchanged project can tell
 * without loading the compiler (most of a type check's time) that it would find nothing:
 * the content of every file of the program but the standard library, the project's configs, and
 * the listings of the directories where a new file could change what an import resolves to.
 */
export interface TypecheckStamp {
  format: 1
  typescript: string
  entry: string
  /** The project's own files in the program (the result's `files`). */
  files: number
  /** Absolute path → hash of the content ('' for a file that did not exist). */
  inputs: Record<string, string>
  /** Absolute path → hash of the sorted entry names ('' for a directory that did not exist). */
  dirs: Record<string, string>
}

const SKIP_DIRS = new Set(['node_modules', 'dist'])

function hash(data: string | Buffer): string {
  return createHash('sha1').update(data).digest('hex')
}

/** Hash of a file's content; '' for one that cannot be read. */
export function fileHash(file: string): string {
  try {
    return hash(readFileSync(file))
  } catch {
    return ''
  }
}

function entries(dir: string): {name: string; dir: boolean}[] | undefined {
  try {
    return readdirSync(dir, {withFileTypes: true}).map((e) => ({name: e.name, dir: e.isDirectory()}))
  } catch {
    return undefined
  }
}

function listingHash(dir: string): string {
  const list = entries(dir)
  return list === undefined ? '' : hash(list.map((e) => `${e.dir ? 'd' : 'f'}:${e.name}`).sort().join('\n'))
}

/** The directories a stamp records: the project's tree (not node_modules, dist, the output or dot-directories), the folders of files outside it, and node_modules and node_modules/@types up to the root. */
function watchedDirs(dir: string, outDir: string, inputs: string[]): string[] {
  const dirs = new Set<string>()
  const walk = (d: string, depth: number) => {
    dirs.add(d)
    if (depth > 8) return
    for (const e of entries(d) ?? []) {
      const sub = path.join(d, e.name)
      if (e.dir && !SKIP_DIRS.has(e.name) && !e.name.startsWith('.') && sub !== outDir) walk(sub, depth + 1)
    }
  }
  walk(dir, 0)
  for (const file of inputs) if (!file.includes(`${path.sep}node_modules${path.sep}`)) dirs.add(path.dirname(file))
  for (let d = dir; ; d = path.dirname(d)) {
    dirs.add(path.join(d, 'node_modules'))
    dirs.add(path.join(d, 'node_modules', '@types'))
    if (path.dirname(d) === d) break
  }
  return [...dirs].sort()
}

let typescriptVersion: string | undefined
/** The installed compiler's version, read without loading it. */
function installedTypescript(): string {
  typescriptVersion ??= (JSON.parse(readFileSync(createRequire(import.meta.url).resolve('typescript/package.json'), 'utf8')) as {version: string}).version
  return typescriptVersion
}

/** Records what a clean check of `dir` depended on (`inputs`: the program's files but the standard library, and the configs). */
export async function writeTypecheckStamp(
  file: string,
  project: {dir: string; outDir: string; entry: string; files: number; inputs: string[]; typescript: string},
): Promise<void> {
  const inputs = [...new Set([...project.inputs, path.join(project.dir, 'package.json')])].sort()
  const stamp: TypecheckStamp = {
    format: 1,
    typescript: project.typescript,
    entry: project.entry,
    files: project.files,
    inputs: Object.fromEntries(inputs.map((f) => [f, fileHash(f)])),
    dirs: Object.fromEntries(watchedDirs(project.dir, project.outDir, inputs).map((d) => [d, listingHash(d)])),
  }
  await mkdir(path.dirname(file), {recursive: true})
  writeFileAtomic(file, JSON.stringify(stamp))
}

/**
 * The stamp in `file` when everything it recorded is as it was (the same compiler, entry, file
 * contents and directory listings): the project would type-check clean again. `undefined` when
 * anything differs or the stamp is missing or unreadable.
 */
export async function currentTypecheckStamp(file: string, project: {dir: string; outDir: string; entry: string}): Promise<TypecheckStamp | undefined> {
  let stamp: TypecheckStamp
  try {
    stamp = JSON.parse(await readFile(file, 'utf8')) as TypecheckStamp
  } catch {
    return undefined
  }
  try {
    if (stamp.format !== 1 || stamp.entry !== project.entry || stamp.typescript !== installedTypescript()) return undefined
    for (const [input, was] of Object.entries(stamp.inputs)) if (fileHash(input) !== was) return undefined
    // A directory that appeared (or went) counts too: the recorded set is recomputed.
    const dirs = watchedDirs(project.dir, project.outDir, Object.keys(stamp.inputs))
    if (dirs.length !== Object.keys(stamp.dirs).length) return undefined
    for (const d of dirs) if (stamp.dirs[d] === undefined || listingHash(d) !== stamp.dirs[d]) return undefined
    return stamp
  } catch {
    return undefined
  }
}
