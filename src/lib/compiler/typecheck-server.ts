// The type-check server: a background process that `build` starts (typecheck-daemon.ts) and that
// keeps the compiler loaded and one incremental checker per project warm, so that a build after
// an edit asks it over a unix socket (tens of ms) instead of loading TypeScript (1-2 s).
//
// Correctness: every check reads the project as it is on disk at the time of the request (the
// checkers compare file contents, tsconfig.json and the SDK's declarations included); requests
// are answered one at a time. It exits after an idle period, when its socket is taken over or
// removed (a build found it broken and started another), and when the install it runs from
// changed or is gone.
import {readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import type ts from 'typescript'
import {createTypechecker, loadTypescript, type Typechecker} from './typecheck.js'
import {
  type CheckRequest,
  ensureServerDirs,
  lineReader,
  SERVER_CONFIG_ENV,
  type ServerAnswer,
  type ServerConfig,
  serverKey,
  type ServerRequest,
} from './typecheck-protocol.js'

/** Projects kept warm; the least recently used beyond this is dropped. */
const MAX_PROJECTS = 4
/** How often the server checks that its socket and its install are still its own. */
const MAINTENANCE_MS = 5_000

interface Project {
  checker: Typechecker
  used: number
}

function log(message: string): void {
  process.stderr.write(`${new Date().toISOString()} [${process.pid}] ${message}\n`)
}

function currentKey(): string | undefined {
  try {
    return serverKey()
  } catch {
    return undefined
  }
}

function socketIdentity(socket: string): string | undefined {
  const st = statSync(socket, {throwIfNoEntry: false})
  return st ? `${st.dev}:${st.ino}` : undefined
}

/** Whether something answers on `socket`. */
function isAlive(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.connect(socket)
    probe.once('connect', () => {
      probe.destroy()
      resolve(true)
    })
    probe.once('error', () => resolve(false))
  })
}

function listen(server: net.Server, socket: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      server.off('listening', onListening)
      reject(error)
    }
    const onListening = () => {
      server.off('error', onError)
      resolve()
    }
    server.once('error', onError)
    server.once('listening', onListening)
    server.listen(socket)
  })
}

async function main(config: ServerConfig): Promise<void> {
  const {socket, key} = config
  if (currentKey() !== key) {
    log('started for another install or version: exiting')
    return
  }
  const projects = new Map<string, Project>()
  let compiler: Promise<typeof ts> | undefined
  const typescript = () => (compiler ??= loadTypescript())
  const connections = new Set<net.Socket>()
  let queue: Promise<unknown> = Promise.resolve()
  let idle: NodeJS.Timeout | undefined
  let maintenance: NodeJS.Timeout | undefined
  let identity: string | undefined
  let stopping = false

  const server = net.createServer((connection) => {
    connections.add(connection)
    connection.on('close', () => connections.delete(connection))
    connection.on('error', () => undefined) // the build went away: nothing to answer
    let last: Typechecker | undefined
    connection.on(
      'data',
      lineReader(
        (line) => {
          // One at a time, across connections: a check runs synchronously anyway, and a save must follow its own check.
          queue = queue.then(async () => {
            const answer = await handle(line, (checker) => (last = checker), () => last)
            if (!connection.destroyed) connection.write(`${JSON.stringify(answer)}\n`)
            touch() // idle from the end of the last piece of work
          })
        },
        () => connection.destroy(),
      ),
    )
  })

  const touch = () => {
    if (stopping) return
    if (idle) clearTimeout(idle)
    idle = setTimeout(() => stop(`idle for ${config.idleMs} ms`), config.idleMs)
  }

  const stop = (why: string) => {
    if (stopping) return
    stopping = true
    log(`stopping: ${why}`)
    if (idle) clearTimeout(idle)
    if (maintenance) clearInterval(maintenance)
    server.close()
    for (const c of connections) c.end()
    // A build that keeps its connection open does not keep this process.
    setTimeout(() => {
      for (const c of connections) c.destroy()
    }, 1_000).unref()
    // Only our own socket: a server started after us may own the path now.
    if (identity !== undefined && socketIdentity(socket) === identity) rmSync(socket, {force: true})
    try {
      if ((JSON.parse(readFileSync(config.pidFile, 'utf8')) as {pid: number}).pid === process.pid) rmSync(config.pidFile, {force: true})
    } catch {
      // no pid file, or another server's
    }
  }

  const projectFor = async (request: CheckRequest): Promise<Typechecker> => {
    const id = `${request.dir}\0${request.buildInfoFile}`
    let project = projects.get(id)
    if (!project) {
      project = {checker: createTypechecker(await typescript(), {dir: request.dir, buildInfoFile: request.buildInfoFile, verifyContent: true}), used: 0}
      projects.set(id, project)
      while (projects.size > MAX_PROJECTS) {
        const oldest = [...projects.entries()].sort((a, b) => a[1].used - b[1].used)[0]!
        projects.delete(oldest[0])
      }
    }
    project.used = performance.now()
    return project.checker
  }

  const handle = async (line: string, remember: (c: Typechecker) => void, last: () => Typechecker | undefined): Promise<ServerAnswer> => {
    touch()
    let request: ServerRequest
    try {
      request = JSON.parse(line) as ServerRequest
    } catch {
      return {ok: false, key, error: 'not JSON'}
    }
    // Stopping and asking after it need no key: whoever stops servers may be of another version.
    if (request.key !== key && request.op !== 'stop' && request.op !== 'status') return {ok: false, key, error: 'version mismatch'}
    try {
      switch (request.op) {
        case 'check': {
          if (![request.dir, request.entry, request.buildInfoFile].every((p) => typeof p === 'string' && path.isAbsolute(p)) || !request.buildInfoFile.endsWith('.tsbuildinfo')) {
            return {ok: false, key, error: 'bad check request'}
          }
          const checker = await projectFor(request)
          remember(checker)
          try {
            const result = checker.check({entry: request.entry, save: false})
            return {ok: true, key, result, dependencies: checker.dependencies(), typescript: (await typescript()).version}
          } catch (error) {
            // Its state may be half-updated: the next request starts this project afresh.
            projects.delete(`${request.dir}\0${request.buildInfoFile}`)
            throw error
          }
        }
        case 'save':
          last()?.save()
          return {ok: true, key}
        case 'status':
          return {ok: true, key, pid: process.pid, projects: projects.size}
        case 'stop':
          setImmediate(() => stop('asked to stop')) // once the answer is written
          return {ok: true, key}
        default:
          return {ok: false, key, error: 'unknown request'}
      }
    } catch (error) {
      log(`request failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
      return {ok: false, key, error: error instanceof Error ? error.message : String(error)}
    }
  }

  ensureServerDirs(config)
  try {
    await listen(server, socket)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error
    if (await isAlive(socket)) {
      log('another server is listening: exiting')
      return
    }
    // A socket file left by a server that died.
    rmSync(socket, {force: true})
    await listen(server, socket)
  }
  identity = process.platform === 'win32' ? 'pipe' : socketIdentity(socket)
  writeFileSync(config.pidFile, `${JSON.stringify({pid: process.pid, socket})}\n`)
  log(`listening on ${socket}`)
  touch()

  // Asked to end (a shutdown, a kill): leave no socket or pid file behind.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => stop(signal))

  maintenance = setInterval(() => {
    if (process.platform !== 'win32' && socketIdentity(socket) !== identity) return stop('the socket was removed or taken over')
    if (currentKey() !== key) return stop('the install it runs from changed or is gone')
  }, MAINTENANCE_MS)
  maintenance.unref()

  // The compiler loads, and the projects the starting build named are checked, before anyone asks.
  queue = queue.then(async () => {
    for (const request of config.warm) {
      try {
        ;(await projectFor(request)).check({entry: request.entry, save: false})
      } catch (error) {
        log(`warming ${request.dir} failed: ${error instanceof Error ? error.message : String(error)}`)
      }
    }
    touch()
  })
}

const raw = process.env[SERVER_CONFIG_ENV]
if (raw === undefined) {
  process.stderr.write('typecheck-server is started by owncast-plugin build\n')
  process.exitCode = 2
} else {
  main(JSON.parse(raw) as ServerConfig).catch((error: unknown) => {
    log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
    process.exitCode = 1
  })
}
