// `owncast-plugin build` (the compiled CLI) with its type-check server: started by the first
// build that checks, used by the next one after an edit, never with --no-daemon or in CI. Each
// test has its own cache directory, and its servers are stopped at the end.
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {mkdir, writeFile} from 'node:fs/promises'
import net from 'node:net'
import path from 'node:path'
import {afterEach, describe, expect} from 'vitest'
import {stopServers} from '../../src/lib/compiler/typecheck-daemon.js'
import {runCli, test} from './helpers.js'

const plugin = (value: string) =>
  `import {definePlugin, owncast} from '@owncast/plugin-sdk'\ndefinePlugin({\n  onChatMessage(msg) {\n    const n: number = ${value}\n    owncast.chat.send(msg.body + n)\n  },\n})\n`

async function project(dir: string, value: string) {
  await writeFile(path.join(dir, 'plugin.manifest.json'), JSON.stringify({api: '1', name: 'Served', version: '1.0.0', permissions: ['chat.send']}))
  await mkdir(path.join(dir, 'src'), {recursive: true})
  await writeFile(path.join(dir, 'src', 'plugin.ts'), plugin(value))
}

const caches: string[] = []
afterEach(async () => {
  for (const cache of caches.splice(0)) await stopServers(cache)
})

/** The environment of a user's shell with the server on (the test runner turns it off), in a cache of the test's own. */
function env(tempDir: string, more: Record<string, string> = {}): Record<string, string> {
  const cache = path.join(tempDir, 'cache')
  caches.push(cache)
  return {OWNCAST_PLUGIN_CACHE_DIR: cache, OWNCAST_PLUGIN_NO_DAEMON: '', CI: '', OWNCAST_PLUGIN_DAEMON_IDLE_MS: '120000', ...more}
}

/** The server's pid once it answers a status request on the socket its pid file names. */
async function serverPid(cache: string, ms = 60_000): Promise<number> {
  const until = Date.now() + ms
  for (;;) {
    const dir = path.join(cache, 'daemon')
    const pidFile = existsSync(dir) ? readdirSync(dir).find((n) => n.endsWith('.pid')) : undefined
    if (pidFile) {
      const {socket} = JSON.parse(readFileSync(path.join(dir, pidFile), 'utf8')) as {socket: string}
      const pid = await new Promise<number | undefined>((resolve) => {
        const c = net.connect(socket)
        let text = ''
        c.on('connect', () => c.write(`${JSON.stringify({op: 'status', key: ''})}\n`))
        c.on('data', (d) => {
          text += d
          if (text.includes('\n')) {
            c.destroy()
            resolve((JSON.parse(text) as {pid?: number}).pid)
          }
        })
        c.on('error', () => resolve(undefined))
      })
      if (pid) return pid
    }
    if (Date.now() > until) throw new Error('no type-check server answered')
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('owncast-plugin build and the type-check server (compiled CLI)', () => {
  test('build --help says what the daemon is and how to turn it off', async () => {
    const run = await runCli(['build', '--help'])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('--[no-]daemon')
    expect(run.stdout).toMatch(/type-check server/)
    expect(run.stdout).toContain('OWNCAST_PLUGIN_NO_DAEMON')
  })

  test('the first build starts it; the build after an edit is checked by it: file:line:column, a code frame, exit 1; the fix passes', async ({tempDir}) => {
    await project(tempDir, '1')
    const vars = env(tempDir)
    const first = await runCli(['build', tempDir, '--json'], {env: vars})
    expect(first.code).toBe(0)
    expect(JSON.parse(first.stdout).typecheck).toMatchObject({ran: true, errors: 0, server: false})
    const pid = await serverPid(vars.OWNCAST_PLUGIN_CACHE_DIR!)

    await writeFile(path.join(tempDir, 'src', 'plugin.ts'), plugin('"1"'))
    const broken = await runCli(['build', tempDir], {env: vars, cwd: tempDir})
    expect(broken.code).toBe(1)
    expect(broken.stderr).toContain(`${path.join('src', 'plugin.ts')}:4:11`)
    expect(broken.stderr).toContain("Type 'string' is not assignable to type 'number'. ts(2322)")
    expect(broken.stderr).toContain('> 4 |     const n: number = "1"')

    await writeFile(path.join(tempDir, 'src', 'plugin.ts'), plugin('2'))
    const fixed = await runCli(['build', tempDir, '--json'], {env: vars})
    expect(fixed.code).toBe(0)
    expect(JSON.parse(fixed.stdout).typecheck).toMatchObject({ran: true, errors: 0, server: true, reused: 'program'})
    await writeFile(path.join(tempDir, 'src', 'plugin.ts'), plugin('3'))
    const human = await runCli(['build', tempDir], {env: vars})
    expect(human.stdout).toMatch(/types checked: 1 file in .* \(type-check server\)/)
    expect(await serverPid(vars.OWNCAST_PLUGIN_CACHE_DIR!)).toBe(pid)
  })

  test('--no-daemon, OWNCAST_PLUGIN_NO_DAEMON=1 and CI never start or use one', async ({tempDir}) => {
    await project(tempDir, '"1"')
    const cases: [string[], Record<string, string>][] = [
      [['--no-daemon'], {}],
      [[], {OWNCAST_PLUGIN_NO_DAEMON: '1'}],
      [[], {CI: 'true'}],
    ]
    for (const [flags, more] of cases) {
      const vars = env(tempDir, more)
      const run = await runCli(['build', tempDir, ...flags], {env: vars, cwd: tempDir})
      expect(run.code).toBe(1)
      expect(run.stderr).toContain(`${path.join('src', 'plugin.ts')}:4:11`)
      expect(existsSync(vars.OWNCAST_PLUGIN_CACHE_DIR!)).toBe(false)
    }
    // The same environment without them does start one (so the cases above could have).
    const vars = env(tempDir)
    expect((await runCli(['build', tempDir], {env: vars})).code).toBe(1)
    expect(await serverPid(vars.OWNCAST_PLUGIN_CACHE_DIR!)).toBeGreaterThan(0)
  })
})
