import {spawn} from 'node:child_process'
import type {Context} from '../context.js'

export interface InstallResult {
  ok: boolean
  /** The command as run, e.g. `npm install`. */
  command: string
  /** npm's exit code; null when it could not be started or was killed. */
  exitCode: number | null
  /** Why it failed, when it did. */
  error?: string
  durationMs: number
}

/**
 * Runs `npm install` in `dir`. npm's output (both streams) goes to the context's stderr, so
 * stdout stays the command's result (`--json` included). Never throws: a missing npm or a failed
 * install is a result with `ok: false`.
 */
export function runNpmInstall(ctx: Context, dir: string): Promise<InstallResult> {
  const started = ctx.clock.monotonic()
  const command = 'npm install'
  const done = (ok: boolean, exitCode: number | null, error?: string): InstallResult => ({
    ok,
    command,
    exitCode,
    ...(error === undefined ? {} : {error}),
    durationMs: ctx.clock.monotonic() - started,
  })
  return new Promise((resolve) => {
    let child
    try {
      // npm is a .cmd script on Windows: only a shell runs it there
      child = spawn('npm', ['install'], {cwd: dir, env: {...ctx.env}, stdio: ['ignore', 'pipe', 'pipe'], shell: process.platform === 'win32'})
    } catch (error) {
      resolve(done(false, null, `could not start npm: ${(error as Error).message}`))
      return
    }
    child.stdout.on('data', (chunk: Buffer) => ctx.stderr.write(chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => ctx.stderr.write(chunk.toString()))
    child.on('error', (error: NodeJS.ErrnoException) => {
      resolve(done(false, null, error.code === 'ENOENT' ? 'npm was not found on PATH' : `could not start npm: ${error.message}`))
    })
    child.on('close', (code, signal) => {
      if (code === 0) resolve(done(true, 0))
      else resolve(done(false, code, signal ? `npm install was stopped by ${signal}` : `npm install exited with code ${code}`))
    })
  })
}
