import {readFileSync, statSync} from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {COMMAND_LOADERS} from '../../src/cli/command-loaders.js'
import {COMMANDS} from '../../src/commands/index.js'
import {ROOT, runCli} from './helpers.js'

// bin/run.js starts the CLI from lib/cli/bundle (scripts/bundle-cli.mjs) when it is current.
const BUNDLE = path.join(ROOT, 'lib', 'cli', 'bundle', 'main.mjs')

describe('the CLI bundle', () => {
  it('is current, so the CLI tests of this run exercised it', () => {
    const bundled = statSync(BUNDLE).mtimeMs
    const compiled = statSync(path.join(ROOT, 'lib', 'commands', 'index.js')).mtimeMs
    expect(bundled, 'lib/cli/bundle is older than tsc output: run `npm run build`').toBeGreaterThanOrEqual(compiled)
  })

  it('keeps heavy packages out of a start (they load inside the commands that use them)', async () => {
    const loaded = await modulesLoadedBy(['lint-manifest', 'examples/chat-overlay/plugin.manifest.json'])
    const files = loaded.filter((url) => url.startsWith('file:') && url.includes('/lib/cli/bundle/'))
    expect(files.length).toBeGreaterThan(1)
    const packages = new Set<string>()
    for (const url of files) {
      const map = JSON.parse(readFileSync(`${new URL(url).pathname}.map`, 'utf8')) as {sources: string[]}
      for (const s of map.sources) {
        const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(s)?.[1]
        if (name) packages.add(name)
      }
    }
    expect(packages.has('@oclif/core')).toBe(true)
    for (const heavy of ['@extism/extism', 'esbuild', 'typescript', 'ink', 'react', 'better-sqlite3', 'binaryen', 'yauzl', 'archiver', 'chokidar', 'undici']) {
      expect(packages.has(heavy), heavy).toBe(false)
    }
  })

  it('loads each command lazily, the same commands oclif reads from src/commands/index.ts', async () => {
    expect(Object.keys(COMMAND_LOADERS).sort()).toEqual(Object.keys(COMMANDS).sort())
    for (const [id, load] of Object.entries(COMMAND_LOADERS)) {
      expect(await load(), id).toBe(COMMANDS[id as keyof typeof COMMANDS])
    }
  })

  it("keeps other commands' modules out of a start (lint-manifest loads no serve, new or test code)", async () => {
    const loaded = await modulesLoadedBy(['lint-manifest', 'examples/chat-overlay/plugin.manifest.json'])
    expect(loaded.some((url) => /lint-manifest-[\w-]+\.mjs$/.test(url)), loaded.join('\n')).toBe(true)
    for (const absent of [/\/(serve|new|test|watch|simulate|build|package|inspect|demo)-[\w-]+\.mjs$/, /^node:(net|readline|worker_threads|http)$/]) {
      expect(loaded.filter((url) => absent.test(url)), String(absent)).toEqual([])
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

/** The modules (file: URLs and node: builtins) a run of the CLI loads, as Node's ESM loader reports them. */
async function modulesLoadedBy(args: string[]): Promise<string[]> {
  const run = await runCli(args, {env: {NODE_DEBUG: 'esm'}})
  expect(run.code, run.stderr.slice(-2000)).toBe(0)
  return [...run.stderr.matchAll(/Translating \w+ (\S+)/g)].map((m) => m[1]!)
}
