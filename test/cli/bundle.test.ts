import {readFileSync, statSync} from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {ROOT, runCli} from './helpers.js'

// bin/run.js starts the CLI from lib/cli/bundle (scripts/bundle-cli.mjs) when it is current.
const BUNDLE = path.join(ROOT, 'lib', 'cli', 'bundle', 'main.mjs')

describe('the CLI bundle', () => {
  it('is current, so the CLI tests of this run exercised it', () => {
    const bundled = statSync(BUNDLE).mtimeMs
    const compiled = statSync(path.join(ROOT, 'lib', 'commands', 'index.js')).mtimeMs
    expect(bundled, 'lib/cli/bundle is older than tsc output: run `npm run build`').toBeGreaterThanOrEqual(compiled)
  })

  it('keeps heavy packages out of the main chunk (they load inside the commands that use them)', () => {
    const map = JSON.parse(readFileSync(`${BUNDLE}.map`, 'utf8')) as {sources: string[]}
    const packages = new Set(map.sources.map((s) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(s)?.[1]).filter(Boolean))
    expect(packages.has('@oclif/core')).toBe(true)
    for (const heavy of ['@extism/extism', 'esbuild', 'typescript', 'ink', 'react', 'better-sqlite3', 'binaryen', 'yauzl', 'archiver', 'chokidar', 'undici']) {
      expect(packages.has(heavy), heavy).toBe(false)
    }
  })

  it('gives the same answers as the unbundled modules', async () => {
    const args = ['lint-manifest', 'examples/chat-overlay/plugin.manifest.json', '--json']
    const [bundled, loose] = await Promise.all([runCli(args), runCli(args, {env: {OWNCAST_PLUGIN_NO_BUNDLE: '1'}})])
    expect(bundled.code).toBe(0)
    expect(loose.code).toBe(0)
    expect(JSON.parse(bundled.stdout)).toEqual(JSON.parse(loose.stdout))
  })

  it('starts worker threads and helper processes from the bundle (storage.sql: a worker and a child process)', async () => {
    const run = await runCli(['test', 'examples/sql-leaderboard', '--reporter', 'json'])
    expect(run.code, run.stderr).toBe(0)
    const report = JSON.parse(run.stdout) as {ok: boolean; passed: number; failed: number}
    expect(report).toMatchObject({ok: true, failed: 0})
    expect(report.passed).toBeGreaterThan(0)
  })
})
