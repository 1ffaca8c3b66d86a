// `build`'s side of the type-check server (typecheck-server.ts): ask it to check a project, start
// one for next time, stop them. Anything short of a well-formed answer from a server of this very
// install (no server, a dead one, a stale socket, another version, a timeout, garbage) is an
// answer of `undefined`: the build then checks in its own process, as without a server, and
// starts a fresh server for next time. Only node built-ins here: the compiler is not loaded.
import {spawn} from 'node:child_process'
import {closeSync, openSync, readdirSync, readFileSync, rmSync, statSync} from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import {childArgs, libModule} from '../host/offthread/entry.js'
import type {TypecheckResult} from './typecheck.js'
import {
  type CheckAnswer,
  type CheckRequest,
  DEFAULT_IDLE_MS,
  ensureServerDirs,
  isPrivateDir,
  lineReader,
  SERVER_CONFIG_ENV,
  type ServerConfig,
  serverKey,
  serverPaths,
  type ServerRequest,
  type StatusAnswer,
  userCacheDir,
} from './typecheck-protocol.js'

export interface DaemonOptions {
  /** The per-user cache directory the server's socket lives in. */
  cacheDir: string
  /** A server started by this build exits after this long without a request. Default 15 minutes. */
  idleMs?: number
  /** How long to wait for an answer before checking in-process. Default 30 s (a server still loading the compiler on a loaded machine). */
  timeoutMs?: number
}

const DEFAULT_TIMEOUT_MS = 30_000
/** Connecting to a unix socket is immediate when anything listens. */
const CONNECT_TIMEOUT_MS = 2_000

function setting(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false'
}

function positiveNumber(value: string | undefined): number | undefined {
  const n = Number(value)
  return value && Number.isFinite(n) && n > 0 ? n : undefined
}

/**
 * Whether `build` uses the type-check server, and how: not with `--no-daemon`, with
 * OWNCAST_PLUGIN_NO_DAEMON set, or in CI (CI set: a one-off machine gains nothing and must not
 * keep a process). OWNCAST_PLUGIN_DAEMON_IDLE_MS and OWNCAST_PLUGIN_DAEMON_TIMEOUT_MS tune it.
 */
export function daemonOptions(env: Readonly<Record<string, string | undefined>>, flag: boolean): DaemonOptions | undefined {
  if (!flag || setting(env.OWNCAST_PLUGIN_NO_DAEMON) || setting(env.CI)) return undefined
  const idleMs = positiveNumber(env.OWNCAST_PLUGIN_DAEMON_IDLE_MS)
  const timeoutMs = positiveNumber(env.OWNCAST_PLUGIN_DAEMON_TIMEOUT_MS)
  return {cacheDir: userCacheDir(env), ...(idleMs ? {idleMs} : {}), ...(timeoutMs ? {timeoutMs} : {})}
}

/** One connection to a server: a request, then its one-line answer. */
class Connection {
  private readonly answers: ((line: string | Error) => void)[] = []
  private failure: Error | undefined

  private constructor(private readonly socket: net.Socket) {
    const fail = (error: Error) => {
      this.failure ??= error
      for (const a of this.answers.splice(0)) a(this.failure)
    }
    socket.on(
      'data',
      lineReader(
        (line) => this.answers.shift()?.(line),
        () => {
          fail(new Error('answer too long'))
          socket.destroy()
        },
      ),
    )
    socket.on('error', fail)
    socket.on('close', () => fail(new Error('the server closed the connection')))
  }

  static open(socket: string): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const s = net.connect(socket)
      const timer = setTimeout(() => {
        s.destroy()
        reject(Object.assign(new Error('connect timed out'), {code: 'ETIMEDOUT'}))
      }, CONNECT_TIMEOUT_MS)
      s.once('connect', () => {
        clearTimeout(timer)
        s.removeAllListeners('error')
        resolve(new Connection(s))
      })
      s.once('error', (error) => {
        clearTimeout(timer)
        reject(error)
      })
    })
  }

  /** Sends `request` and resolves with the parsed answer; rejects on a timeout, a closed connection or an answer that is not JSON. */
  request(request: ServerRequest, timeoutMs: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure)
      this.socket.ref() // a request in flight keeps the build's process alive
      const timer = setTimeout(() => settle(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)
      const settle = (line: string | Error) => {
        clearTimeout(timer)
        this.socket.unref() // between requests the connection does not (a failed build just exits)
        if (line instanceof Error) return reject(line)
        try {
          resolve(JSON.parse(line))
        } catch {
          reject(new Error('the answer is not JSON'))
        }
      }
      this.answers.push(settle)
      this.socket.write(`${JSON.stringify(request)}\n`)
    })
  }

  close(): void {
    this.socket.destroy()
  }
}

const REUSED = new Set(['program', 'buildinfo', 'none'])
const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x)
const isStrings = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === 'string')
const optional = (x: unknown, type: 'string' | 'number') => x === undefined || typeof x === type

function isDiagnostic(d: unknown): boolean {
  return (
    isObject(d) &&
    (d.category === 'error' || d.category === 'warning') &&
    typeof d.code === 'number' &&
    typeof d.text === 'string' &&
    isStrings(d.notes) &&
    Array.isArray(d.related) &&
    d.related.every((r) => isObject(r) && typeof r.text === 'string' && optional(r.file, 'string') && optional(r.line, 'number') && optional(r.column, 'number')) &&
    optional(d.file, 'string') &&
    optional(d.line, 'number') &&
    optional(d.column, 'number') &&
    optional(d.length, 'number') &&
    optional(d.frame, 'string')
  )
}

/** A check answer from the server of `key`, whole and consistent (the error count agrees with the diagnostics). */
function isCheckAnswer(a: unknown, key: string): a is CheckAnswer {
  if (!isObject(a) || a.ok !== true || a.key !== key || !isStrings(a.dependencies) || typeof a.typescript !== 'string') return false
  const r = a.result
  if (!isObject(r) || typeof r.checked !== 'boolean' || !Array.isArray(r.diagnostics) || !r.diagnostics.every(isDiagnostic)) return false
  const errors = (r.diagnostics as TypecheckResult['diagnostics']).filter((d) => d.category === 'error').length
  return r.errors === errors && Number.isInteger(r.files) && typeof r.durationMs === 'number' && REUSED.has(r.reused as string)
}

/** A check the server did; `save` writes its incremental state (once the build succeeded) and ends the connection. */
export interface ServedCheck {
  result: TypecheckResult
  /** What the check read, for the stamp. */
  dependencies: string[]
  typescript: string
  save(): Promise<void>
}

export type ServerOutcome =
  | {served: ServedCheck}
  /** Check in-process; `restart`: start a server for next time (there is none that works). */
  | {served?: undefined; restart: boolean; reason: string}

/** Asks the server for this install to check `request`; see the module's comment for when it does not. */
export async function checkOnServer(options: DaemonOptions, request: CheckRequest): Promise<ServerOutcome> {
  let key: string
  try {
    key = serverKey()
  } catch (error) {
    return {restart: false, reason: `no server for this install: ${(error as Error).message}`}
  }
  const {socket} = serverPaths(options.cacheDir, key)
  if (!isPrivateDir(path.dirname(socket))) return {restart: false, reason: `${path.dirname(socket)} is not this user's alone: no server there`}
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  let connection: Connection
  try {
    connection = await Connection.open(socket)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return {restart: true, reason: 'no server running'}
    // Refused: a socket file left by a server that died. Anything else: remove it too, so a fresh server can listen.
    rmSocket(socket)
    return {restart: true, reason: `the server's socket is stale (${code ?? (error as Error).message})`}
  }
  try {
    const answer = await connection.request({op: 'check', key, ...request}, timeoutMs)
    if (isCheckAnswer(answer, key)) {
      const {result, dependencies, typescript} = answer
      const save = async () => {
        try {
          await connection.request({op: 'save', key}, timeoutMs)
        } catch {
          // The state is only a head start for an in-process check.
        } finally {
          connection.close()
        }
      }
      return {served: {result, dependencies, typescript, save}}
    }
    // The server itself failing a check (a bug): it dropped the project, and stays.
    if (isObject(answer) && answer.ok === false && answer.key === key && typeof answer.error === 'string' && answer.error !== 'version mismatch') {
      connection.close()
      return {restart: false, reason: `the server could not check: ${answer.error}`}
    }
    throw new Error(`an answer that is not a check result: ${JSON.stringify(answer).slice(0, 200)}`)
  } catch (error) {
    // A server that hangs, died mid-check or speaks something else: take its socket away (it
    // notices and exits) so that the fresh one started for next time can listen there.
    connection.close()
    rmSocket(socket)
    return {restart: true, reason: (error as Error).message}
  }
}

function rmSocket(socket: string): void {
  if (process.platform === 'win32') return
  try {
    rmSync(socket, {force: true})
  } catch {
    // someone else's to deal with
  }
}

/** Logs past this are started afresh. */
const MAX_LOG_BYTES = 1024 * 1024

/**
 * Starts a server for this install in the background (detached: it outlives the build, which
 * does not wait for it), to check `warm` as soon as the compiler is loaded. Two builds starting
 * one at once is fine: the second server finds the first listening and exits.
 */
export function startServer(options: DaemonOptions, warm: CheckRequest[]): void {
  let key: string
  try {
    key = serverKey()
  } catch {
    return
  }
  const paths = serverPaths(options.cacheDir, key)
  const {socket} = paths
  const config: ServerConfig = {socket, pidFile: paths.pidFile, key, idleMs: options.idleMs ?? DEFAULT_IDLE_MS, warm}
  try {
    ensureServerDirs(paths)
  } catch {
    return // a cache it cannot write to: it could not listen either
  }
  let log: number | 'ignore' = 'ignore'
  try {
    const file = paths.log
    const big = (statSync(file, {throwIfNoEntry: false})?.size ?? 0) > MAX_LOG_BYTES
    log = openSync(file, big ? 'w' : 'a')
  } catch {
    // no log then
  }
  try {
    // Not the build's stdout/stderr: a caller reading them to the end (`$(owncast-plugin build)`) would wait for the server.
    const child = spawn(process.execPath, childArgs(libModule('compiler/typecheck-server')), {
      detached: true,
      stdio: ['ignore', 'ignore', log],
      cwd: path.dirname(paths.pidFile),
      env: {...process.env, [SERVER_CONFIG_ENV]: JSON.stringify(config)},
      windowsHide: true,
    })
    child.on('error', () => undefined)
    child.unref()
  } catch {
    // the next build tries again
  } finally {
    if (typeof log === 'number') closeSync(log)
  }
}

/** The running server for this install, if one answers. */
export async function serverStatus(options: DaemonOptions): Promise<StatusAnswer | undefined> {
  const key = serverKey()
  try {
    const connection = await Connection.open(serverPaths(options.cacheDir, key).socket)
    try {
      const answer = await connection.request({op: 'status', key}, options.timeoutMs ?? DEFAULT_TIMEOUT_MS)
      return isObject(answer) && answer.ok === true && typeof answer.pid === 'number' ? (answer as unknown as StatusAnswer) : undefined
    } finally {
      connection.close()
    }
  } catch {
    return undefined
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Whether `pid` runs typecheck-server (Linux tells; elsewhere it is not assumed). */
function isServerProcess(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('typecheck-server')
  } catch {
    return false
  }
}

/**
 * Stops the servers whose sockets are in `cacheDir` (tests end with it): asks each to stop,
 * waits for its process to end, and kills one that does not within `graceMs`. Resolves with the
 * number of processes that were running.
 */
export async function stopServers(cacheDir: string, graceMs = 10_000): Promise<number> {
  const dir = path.join(cacheDir, 'daemon')
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return 0
  }
  let stopped = 0
  for (const name of names.filter((n) => n.endsWith('.pid'))) {
    const pidFile = path.join(dir, name)
    let server: {pid: number; socket: string}
    try {
      server = JSON.parse(readFileSync(pidFile, 'utf8')) as {pid: number; socket: string}
    } catch {
      continue
    }
    if (!Number.isInteger(server.pid) || server.pid <= 0 || !alive(server.pid)) {
      rmSync(pidFile, {force: true})
      continue
    }
    let answered = false
    try {
      const connection = await Connection.open(server.socket)
      answered = await connection.request({op: 'stop', key: ''}, 2_000).then(
        (a) => isObject(a) && a.ok === true,
        () => false,
      )
      connection.close()
    } catch {
      // not answering: killed below
    }
    // A process id from a pid file may have been reused since: only ours are waited for or killed.
    if (!answered && !isServerProcess(server.pid)) {
      rmSync(pidFile, {force: true})
      continue
    }
    stopped++
    const until = Date.now() + graceMs
    while (alive(server.pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 50))
    if (alive(server.pid) && isServerProcess(server.pid)) process.kill(server.pid, 'SIGKILL')
    rmSync(pidFile, {force: true})
  }
  return stopped
}
