import {spawn} from 'node:child_process'
import {mkdtemp, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {test as base} from 'vitest'
import {type Context, createCaptureStream, createContext, createFakeClock} from '../../src/lib/context.js'

/** The repository root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

/** A vitest `test` with a fresh temporary directory per test, removed afterwards. */
export const test = base.extend<{tempDir: string}>({
  // eslint-disable-next-line no-empty-pattern
  tempDir: async ({}, use) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'owncast-plugin-test-'))
    await use(dir)
    await rm(dir, {recursive: true, force: true})
  },
})

/** A context whose streams are captured and whose clock is fake. */
export function testContext(cwd: string): Context & {out: () => string; err: () => string} {
  const stdout = createCaptureStream()
  const stderr = createCaptureStream()
  const ctx = createContext({cwd, stdout, stderr, clock: createFakeClock(), color: false, logLevel: 'info', toolRoot: ROOT, env: {}})
  return Object.assign(ctx, {out: () => stdout.text(), err: () => stderr.text()})
}

export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs the compiled CLI (bin/run.js; `npm test` builds first), or bin/dev.js, as a child process. */
export function runCli(args: string[], options: {cwd?: string; bin?: 'run.js' | 'dev.js'; env?: Record<string, string>} = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', options.bin ?? 'run.js'), ...args], {
      cwd: options.cwd ?? ROOT,
      env: {...process.env, NO_COLOR: '1', FORCE_COLOR: '0', NODE_ENV: 'production', ...options.env},
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({code, stdout, stderr}))
  })
}

/** A long-running CLI process (serve, watch, test --watch): its output so far, a wait for it, its exit. */
export interface RunningCli {
  child: import('node:child_process').ChildProcessByStdio<null, import('node:stream').Readable, import('node:stream').Readable>
  stdout(): string
  stderr(): string
  /** Resolves with the exit code once the process has closed. */
  exited: Promise<number | null>
  /** Polls `check` until true; throws after `ms` naming `what`, with the output so far. */
  waitFor(check: () => boolean | Promise<boolean>, what: string, ms?: number): Promise<void>
}

/** Starts the compiled CLI (bin/run.js) without waiting for it to end. */
export function startCli(args: string[], options: {cwd?: string; env?: Record<string, string>} = {}): RunningCli {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'run.js'), ...args], {
    cwd: options.cwd ?? ROOT,
    env: {...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...options.env},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => (stdout += d))
  child.stderr.on('data', (d) => (stderr += d))
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve))
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    async waitFor(check, what, ms = 30_000) {
      const until = Date.now() + ms
      while (!(await check())) {
        if (Date.now() > until) throw new Error(`timed out waiting for ${what}\nstdout:\n${stdout}\nstderr:\n${stderr}`)
        await new Promise((r) => setTimeout(r, 50))
      }
    },
  }
}
