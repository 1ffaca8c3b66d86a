// What the type-check server (typecheck-server.ts) and `build` (typecheck-daemon.ts) agree on:
// where the server listens, which server a build may use (the key), and the messages, one JSON
// object per line over a unix socket. Only node built-ins here: `build` reads this without
// loading the compiler.
import {createHash} from 'node:crypto'
import {lstatSync, mkdirSync, readFileSync, statSync} from 'node:fs'
import {createRequire} from 'node:module'
import os from 'node:os'
import path from 'node:path'
import {packageRoot} from '../engine/paths.js'
import {libModule} from '../host/offthread/entry.js'
import type {TypecheckResult} from './typecheck.js'

/** The per-user cache directory (as bin/sea.cjs finds it): $OWNCAST_PLUGIN_CACHE_DIR, else $XDG_CACHE_HOME/owncast-plugin, else ~/.cache/owncast-plugin. */
export function userCacheDir(env: Readonly<Record<string, string | undefined>>): string {
  if (env.OWNCAST_PLUGIN_CACHE_DIR) return path.resolve(env.OWNCAST_PLUGIN_CACHE_DIR)
  return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'owncast-plugin')
}

/** The modules whose code decides a verdict: a server started from other code (a rebuilt checkout) is not used. */
const SERVER_MODULES = ['compiler/typecheck-server', 'compiler/typecheck', 'compiler/typecheck-config']

/**
 * Which server a build may talk to: this tool's version and install, its type-check code, the
 * compiler's version and install, and the runtime. Two builds agree on it exactly when a server
 * one starts would check the way the other would in its own process. Throws when a module is
 * missing (a broken or removed install: no server then).
 */
export function serverKey(): string {
  const root = packageRoot()
  const require = createRequire(import.meta.url)
  const tsPackage = require.resolve('typescript/package.json')
  const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as {version: string}
  const modules = SERVER_MODULES.map((m) => {
    const st = statSync(libModule(m).path)
    return `${m}:${st.mtimeMs}:${st.size}`
  })
  return JSON.stringify({
    tool: read(path.join(root, 'package.json')).version,
    root,
    modules,
    typescript: `${read(tsPackage).version}@${path.dirname(tsPackage)}`,
    node: process.version,
    execPath: process.execPath,
  })
}

/**
 * Where the server of `key` listens (one socket per tool install and compiler, in the user's
 * cache), and its own files beside it: its process id (JSON {pid, socket}) and its log.
 */
export function serverPaths(cacheDir: string, key: string): {socket: string; pidFile: string; log: string} {
  const name = `typecheck-${createHash('sha1').update(key).digest('hex').slice(0, 16)}`
  const dir = path.join(cacheDir, 'daemon')
  const files = {pidFile: path.join(dir, `${name}.pid`), log: path.join(dir, `${name}.log`)}
  const short = createHash('sha1').update(cacheDir).digest('hex').slice(0, 8)
  if (process.platform === 'win32') return {socket: `\\\\.\\pipe\\owncast-plugin-${short}-${name}`, ...files}
  const inCache = path.join(dir, `${name}.sock`)
  // A unix socket path is limited to about 100 bytes: a deep cache directory gets one in the temp dir.
  if (Buffer.byteLength(inCache) <= 100) return {socket: inCache, ...files}
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0
  return {socket: path.join(os.tmpdir(), `owncast-plugin-${uid}`, `${short}-${name}.sock`), ...files}
}

/**
 * Whether the socket's directory is this user's alone (or does not exist yet): a server found in
 * a directory someone else can write to (a squatted folder in the temp dir) could be anyone's.
 */
export function isPrivateDir(dir: string): boolean {
  if (process.platform === 'win32' || typeof process.getuid !== 'function') return true
  const st = lstatSync(dir, {throwIfNoEntry: false})
  return st === undefined || (st.isDirectory() && st.uid === process.getuid() && (st.mode & 0o022) === 0)
}

/** Creates the directories of the server's files, this user's only (whoever can connect can have files checked and .tsbuildinfo written); throws when the socket's is not. */
export function ensureServerDirs(paths: {socket: string; pidFile: string}): void {
  mkdirSync(path.dirname(paths.pidFile), {recursive: true, mode: 0o700})
  if (process.platform === 'win32') return
  mkdirSync(path.dirname(paths.socket), {recursive: true, mode: 0o700})
  if (!isPrivateDir(path.dirname(paths.socket))) throw new Error(`${path.dirname(paths.socket)} is not this user's alone`)
}

/** How the server is configured (an environment variable of its process, set by the build that starts it). */
export interface ServerConfig {
  socket: string
  /** Written once listening: JSON {pid, socket}. */
  pidFile: string
  /** The key the starting build computed: a server that computes another exits at once. */
  key: string
  /** Exit after this long without a request. */
  idleMs: number
  /** Projects to check as soon as the compiler is loaded, so the next build after an edit finds them warm. */
  warm: CheckRequest[]
}

export const SERVER_CONFIG_ENV = 'OWNCAST_PLUGIN_TYPECHECK_SERVER'
/** 15 minutes. */
export const DEFAULT_IDLE_MS = 15 * 60_000

/** A project to check: as `createTypechecker` and `check` take it. */
export interface CheckRequest {
  /** Absolute paths. */
  dir: string
  entry: string
  buildInfoFile: string
}

export type ServerRequest =
  | ({op: 'check'; key: string} & CheckRequest)
  /** Writes the incremental state of the last check on this connection (once the build succeeded). */
  | {op: 'save'; key: string}
  | {op: 'status'; key: string}
  | {op: 'stop'; key: string}

export interface CheckAnswer {
  ok: true
  key: string
  result: TypecheckResult
  /** What the check read (the stamp records their hashes). */
  dependencies: string[]
  /** The compiler's version. */
  typescript: string
}

export interface StatusAnswer {
  ok: true
  key: string
  pid: number
  projects: number
}

export type ServerAnswer = CheckAnswer | StatusAnswer | {ok: true; key: string} | {ok: false; key: string; error: string}

/** Longest line either side accepts: past it the peer is not speaking this protocol. */
export const MAX_LINE = 32 * 1024 * 1024

/**
 * Splits a stream into lines and hands each to `onLine`; calls `onOverflow` (once) when a line
 * grows past {@link MAX_LINE}.
 */
export function lineReader(onLine: (line: string) => void, onOverflow: () => void): (chunk: Buffer) => void {
  let buffered = ''
  let broken = false
  return (chunk) => {
    if (broken) return
    buffered += chunk.toString('utf8')
    let nl: number
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl)
      buffered = buffered.slice(nl + 1)
      onLine(line)
    }
    if (buffered.length > MAX_LINE) {
      broken = true
      onOverflow()
    }
  }
}
