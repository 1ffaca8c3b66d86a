// The type-check server as `build` uses it: a real server process (started from the sources
// through tsx) in a temporary cache directory per test, stopped at the end of each.
import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs'
import {chmod, mkdir, readFile, utimes, writeFile} from 'node:fs/promises'
import net from 'node:net'
import path from 'node:path'
import {afterEach, describe, expect} from 'vitest'
import {buildPlugin, type BuildResult} from '../../src/lib/compiler/index.js'
import {daemonOptions, type DaemonOptions, serverStatus, stopServers} from '../../src/lib/compiler/typecheck-daemon.js'
import {serverKey, serverPaths} from '../../src/lib/compiler/typecheck-protocol.js'
import {createCaptureStream, createContext} from '../../src/lib/context.js'
import {UserError} from '../../src/lib/errors.js'
import {ROOT, test} from '../cli/helpers.js'

const MANIFEST = {api: '1', name: 'Served Plugin', version: '1.0.0', description: 'Type-check server tests', permissions: ['chat.send']}

/** A plugin whose line 4 assigns `value` to a number. */
const plugin = (value: string) =>
  `import {definePlugin, owncast} from '@owncast/plugin-sdk'\ndefinePlugin({\n  onChatMessage(msg) {\n    const n: number = ${value}\n    owncast.chat.send(msg.body + n)\n  },\n})\n`

async function project(dir: string, files: Record<string, string> = {}) {
  await writeFile(path.join(dir, 'plugin.manifest.json'), JSON.stringify(MANIFEST, null, 2))
  for (const [name, text] of Object.entries({'src/plugin.ts': plugin('111'), ...files})) {
    await mkdir(path.dirname(path.join(dir, name)), {recursive: true})
    await writeFile(path.join(dir, name), text)
  }
}

const caches: string[] = []
afterEach(async () => {
  for (const cache of caches.splice(0)) await stopServers(cache)
})

/** The server options of a test: its own cache directory, a generous timeout for a loaded machine. */
function daemon(tempDir: string, more: Partial<DaemonOptions> = {}): DaemonOptions {
  const cacheDir = path.join(tempDir, 'cache')
  caches.push(cacheDir)
  return {cacheDir, idleMs: 120_000, timeoutMs: 60_000, ...more}
}

interface Built {
  result?: BuildResult
  error?: UserError
  /** Why the build checked in its own process (its debug line), if it did. */
  why: string
}

async function build(dir: string, options: DaemonOptions | undefined): Promise<Built> {
  const stderr = createCaptureStream()
  const ctx = createContext({cwd: dir, stdout: createCaptureStream(), stderr, color: false, logLevel: 'debug', toolRoot: ROOT, env: {}})
  const why = () => /type check in this process: (.*)/.exec(stderr.text())?.[1] ?? ''
  try {
    const result = await buildPlugin(ctx, {dir: '.', ...(options ? {daemon: options} : {})})
    return {result, why: why()}
  } catch (error) {
    if (!(error instanceof UserError)) throw error
    return {error, why: why()}
  }
}

/** The server's status once it answers (it answers after loading the compiler and warming the first project). */
async function running(options: DaemonOptions, ms = 60_000): Promise<{pid: number}> {
  const until = Date.now() + ms
  for (;;) {
    const status = await serverStatus({...options, timeoutMs: ms})
    if (status) return status
    if (Date.now() > until) throw new Error('no type-check server answered')
    await new Promise((r) => setTimeout(r, 100))
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function gone(pid: number, ms = 30_000): Promise<void> {
  const until = Date.now() + ms
  while (alive(pid)) {
    if (Date.now() > until) throw new Error(`process ${pid} is still running`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

const located = (b: Built) => b.error?.diagnostics.map((d) => [d.file, d.line, d.column, d.text])
const TYPE_ERROR = [path.join('src', 'plugin.ts'), 4, 11, "Type 'string' is not assignable to type 'number'. ts(2322)"]

describe('build with the type-check server', () => {
  test('the first build starts it; later builds after an edit are checked by it, with the same diagnostics and exit as in-process', async ({tempDir}) => {
    await project(tempDir)
    const options = daemon(tempDir)
    const first = await build(tempDir, options)
    expect(first.result?.typecheck).toMatchObject({ran: true, errors: 0, server: false})
    expect(first.why).toBe('no server running')
    const {pid} = await running(options)

    await writeFile(path.join(tempDir, 'src', 'plugin.ts'), plugin('"1"'))
    const broken = await build(tempDir, options)
    expect(broken.why).toBe('')
    expect(broken.error).toMatchObject({exitCode: 1, code: 'TYPECHECK_FAILED', message: 'Type check failed with 1 error'})
    expect(located(broken)).toEqual([TYPE_ERROR])
    expect(broken.error?.diagnostics[0]?.frame).toContain('> 4 |     const n: number = "1"')
    // The same failure in-process, for comparison.
    const inProcess = await build(tempDir, undefined)
    expect(inProcess.error?.diagnostics).toEqual(broken.error?.diagnostics)

    await writeFile(path.join(tempDir, 'src', 'plugin.ts'), plugin('222'))
    const fixed = await build(tempDir, options)
    expect(fixed.result?.typecheck).toMatchObject({ran: true, errors: 0, server: true, reused: 'program', files: 1})
    expect(existsSync(path.join(tempDir, 'dist', '.tsbuildinfo'))).toBe(true)
    // The stamp is written from the server's answer: an unchanged project does not even connect.
    expect((await build(tempDir, options)).result?.typecheck).toMatchObject({reused: 'unchanged', server: false})
    expect((await serverStatus(options))?.pid).toBe(pid)
  })

  test('sees every edit at once: same size and mtime within the same second, tsconfig.json, a declaration file', async ({tempDir}) => {
    await project(tempDir, {'types/extra.d.ts': 'declare const LIMIT: number\n'})
    const options = daemon(tempDir)
    await build(tempDir, options)
    await running(options)
    const file = path.join(tempDir, 'src', 'plugin.ts')

    // An edit that keeps the size and the mtime, right after a check: the content decides.
    const before = statSync(file)
    await writeFile(file, plugin('"1"'))
    await utimes(file, before.atime, before.mtime)
    const edited = await build(tempDir, options)
    expect(edited.why).toBe('')
    expect(located(edited)).toEqual([TYPE_ERROR])
    await writeFile(file, plugin('111'))
    await utimes(file, before.atime, before.mtime)
    expect((await build(tempDir, options)).result?.typecheck).toMatchObject({errors: 0, server: true})

    // A tsconfig.json appears (strict off, its own include): read at the next request.
    await writeFile(file, plugin('LIMIT'))
    await writeFile(path.join(tempDir, 'tsconfig.json'), JSON.stringify({compilerOptions: {strict: true, noImplicitAny: true, lib: ['ES2020'], types: [], moduleResolution: 'Bundler', module: 'ESNext'}, include: ['src', 'types']}))
    expect((await build(tempDir, options)).result?.typecheck).toMatchObject({errors: 0, server: true})
    // The declaration file it includes changes type.
    await writeFile(path.join(tempDir, 'types', 'extra.d.ts'), 'declare const LIMIT: string\n')
    const declared = await build(tempDir, options)
    expect(declared.why).toBe('')
    expect(located(declared)).toEqual([TYPE_ERROR])
    // tsconfig.json leaves the declarations out: LIMIT is gone.
    await writeFile(path.join(tempDir, 'tsconfig.json'), JSON.stringify({compilerOptions: {lib: ['ES2020'], types: []}, include: ['src']}))
    const excluded = await build(tempDir, options)
    expect(excluded.error?.diagnostics.map((d) => d.text)).toEqual(["Cannot find name 'LIMIT'. ts(2304)"])
  })

  test('builds at the same time are answered one after the other, each right', async ({tempDir}) => {
    const a = path.join(tempDir, 'a')
    const b = path.join(tempDir, 'b')
    await mkdir(a)
    await mkdir(b)
    await project(a)
    await project(b, {'src/plugin.ts': plugin('"1"')})
    const options = daemon(tempDir)
    await build(a, options)
    await running(options)
    await writeFile(path.join(a, 'src', 'plugin.ts'), plugin('"1"'))
    const [first, second, third] = await Promise.all([build(a, options), build(b, options), build(a, options)])
    for (const built of [first!, second!, third!]) expect(located(built)).toEqual([TYPE_ERROR])
    expect([first!.why, second!.why, third!.why]).toEqual(['', '', ''])
  })

  test('a killed server, a stale socket: the build checks in-process with the right verdict and starts a fresh server', async ({tempDir}) => {
    await project(tempDir)
    const options = daemon(tempDir)
    await build(tempDir, options)
    const {pid} = await running(options)
    process.kill(pid, 'SIGKILL')
    await gone(pid)
    const {socket} = serverPaths(options.cacheDir, serverKey())
    expect(existsSync(socket)).toBe(true) // left behind

    await writeFile(path.join(tempDir, 'src', 'plugin.ts'), plugin('"1"'))
    const broken = await build(tempDir, options)
    expect(broken.why).toMatch(/stale/)
    expect(located(broken)).toEqual([TYPE_ERROR])
    const fresh = await running(options)
    expect(fresh.pid).not.toBe(pid)
    await writeFile(path.join(tempDir, 'src', 'plugin.ts'), plugin('333'))
    expect((await build(tempDir, options)).result?.typecheck).toMatchObject({errors: 0, server: true})
  })

  // A server of something else, or a broken one, at our socket: each answer below is refused.
  const impostors: [string, (key: string) => string | undefined][] = [
    ['garbage', () => 'garbage\n'],
    ['another version', (key) => `${JSON.stringify({ok: false, key: `${key}x`, error: 'version mismatch'})}\n`],
    ['a well-formed answer for another key', (key) => `${JSON.stringify({ok: true, key: `${key}x`, result: {checked: true, diagnostics: [], errors: 0, files: 1, durationMs: 1, reused: 'program'}, dependencies: [], typescript: '5'})}\n`],
    ['a verdict that contradicts itself', (key) => `${JSON.stringify({ok: true, key, result: {checked: true, diagnostics: [], errors: 1, files: 1, durationMs: 1, reused: 'program'}, dependencies: [], typescript: '5'})}\n`],
    ['no answer (a timeout)', () => undefined],
    ['a closed connection', () => ''],
  ]
  for (const [what, answer] of impostors) {
    test(`${what}: in-process with the right verdict, and a fresh server for next time`, async ({tempDir}) => {
      await project(tempDir, {'src/plugin.ts': plugin('"1"')})
      const options = daemon(tempDir, {timeoutMs: 1_500})
      const key = serverKey()
      const {socket} = serverPaths(options.cacheDir, key)
      await mkdir(path.dirname(socket), {recursive: true, mode: 0o700})
      const fake = net.createServer((c) => {
        c.on('error', () => undefined)
        c.once('data', () => {
          const reply = answer(key)
          if (reply === '') c.destroy()
          else if (reply !== undefined) c.write(reply)
        })
      })
      await new Promise<void>((resolve) => fake.listen(socket, resolve))
      try {
        const built = await build(tempDir, options)
        expect(built.why).not.toBe('')
        expect(located(built)).toEqual([TYPE_ERROR])
      } finally {
        fake.close()
      }
      // Ours took the socket over.
      const fresh = await running(options)
      expect(fresh.pid).not.toBe(process.pid)
      const next = await build(tempDir, {...options, timeoutMs: 60_000})
      expect(next.why).toBe('')
      expect(located(next)).toEqual([TYPE_ERROR])
    })
  }

  test('exits by itself after its idle time, removing its socket and pid file', async ({tempDir}) => {
    await project(tempDir)
    const options = daemon(tempDir, {idleMs: 1_500})
    await build(tempDir, options)
    const {pid} = await running(options)
    const paths = serverPaths(options.cacheDir, serverKey())
    expect(JSON.parse(readFileSync(paths.pidFile, 'utf8'))).toEqual({pid, socket: paths.socket})
    await gone(pid, 60_000)
    expect(existsSync(paths.socket)).toBe(false)
    expect(existsSync(paths.pidFile)).toBe(false)
    expect(await readFile(paths.log, 'utf8')).toMatch(/stopping: idle for 1500 ms/)
  })

  test('SIGTERM ends it without leaving its files; stopServers ends one, and none is left running', async ({tempDir}) => {
    await project(tempDir)
    const options = daemon(tempDir)
    await build(tempDir, options)
    const first = await running(options)
    const paths = serverPaths(options.cacheDir, serverKey())
    process.kill(first.pid, 'SIGTERM')
    await gone(first.pid)
    expect([existsSync(paths.socket), existsSync(paths.pidFile)]).toEqual([false, false])

    await writeFile(path.join(tempDir, 'src', 'plugin.ts'), plugin('222'))
    expect((await build(tempDir, options)).why).toBe('no server running')
    const {pid} = await running(options)
    expect(await stopServers(options.cacheDir)).toBe(1)
    expect(alive(pid)).toBe(false)
    expect(await stopServers(options.cacheDir)).toBe(0)
  })

  test('a socket directory others can write to is not used', async ({tempDir}) => {
    await project(tempDir, {'src/plugin.ts': plugin('"1"')})
    const options = daemon(tempDir)
    const {socket} = serverPaths(options.cacheDir, serverKey())
    await mkdir(path.dirname(socket), {recursive: true})
    await chmod(path.dirname(socket), 0o777)
    const built = await build(tempDir, options)
    expect(built.why).toMatch(/is not this user's alone/)
    expect(located(built)).toEqual([TYPE_ERROR])
    await new Promise((r) => setTimeout(r, 1_000))
    expect(readdirSync(path.dirname(socket))).toEqual([])
  })
})

describe('when the server is not used', () => {
  test('--no-daemon, OWNCAST_PLUGIN_NO_DAEMON and CI turn it off; the default cache directory is per user', () => {
    expect(daemonOptions({}, false)).toBeUndefined()
    expect(daemonOptions({OWNCAST_PLUGIN_NO_DAEMON: '1'}, true)).toBeUndefined()
    expect(daemonOptions({CI: 'true'}, true)).toBeUndefined()
    expect(daemonOptions({CI: 'false', OWNCAST_PLUGIN_NO_DAEMON: '0', OWNCAST_PLUGIN_CACHE_DIR: '/tmp/c'}, true)).toEqual({cacheDir: '/tmp/c'})
    expect(daemonOptions({XDG_CACHE_HOME: '/x', OWNCAST_PLUGIN_DAEMON_IDLE_MS: '500', OWNCAST_PLUGIN_DAEMON_TIMEOUT_MS: '900'}, true)).toEqual({cacheDir: '/x/owncast-plugin', idleMs: 500, timeoutMs: 900})
  })

})
