// A newcomer's first minutes, with the real CLI binary in a fresh temporary directory, for every
// template in TypeScript and in JavaScript: `new` → `build` → `test` → `package` → `inspect` the
// .ocpkg → `lint-manifest --strict`, each exiting 0, with no edits in between. The ten projects run
// three at a time (two cores, and each step is a process start plus some I/O); each one's steps run
// in order.
import {existsSync} from 'node:fs'
import {mkdtemp, readFile, readdir, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {TEMPLATE_NAMES} from '../../src/lib/scaffold/templates.js'
import {runCli, type CliRun} from './helpers.js'

let root: string
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'owncast-plugin-newcomer-'))
})
afterAll(async () => {
  await rm(root, {recursive: true, force: true})
})

/** Fails with the command's whole output, so a red run says what the newcomer would have seen. */
function expectSuccess(run: CliRun, what: string): void {
  expect(run.code, `${what} exited ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`).toBe(0)
}

async function scenarioCount(dir: string): Promise<number> {
  let count = 0
  for (const name of await readdir(path.join(dir, '__tests__'))) {
    if (!name.endsWith('.test.json')) continue
    const file = JSON.parse(await readFile(path.join(dir, '__tests__', name), 'utf8')) as {scenarios: unknown[]}
    count += file.scenarios.length
  }
  return count
}

/** At most `limit` callers hold a slot at once; the others wait their turn in order. */
function slots(limit: number): <T>(work: () => Promise<T>) => Promise<T> {
  let free = limit
  const queue: (() => void)[] = []
  return async (work) => {
    if (free === 0) await new Promise<void>((resolve) => queue.push(resolve))
    else free--
    try {
      return await work()
    } finally {
      const next = queue.shift()
      if (next) next()
      else free++
    }
  }
}
const inTurn = slots(3)

const combinations = TEMPLATE_NAMES.flatMap((template) => [
  {template, js: false},
  {template, js: true},
])

describe.concurrent('a newcomer: new → build → test → package → inspect → lint-manifest', () => {
  for (const {template, js} of combinations) {
    it(`${template} in ${js ? 'JavaScript' : 'TypeScript'}`, {timeout: 300_000}, () => inTurn(async () => {
      const slug = `first-${template}${js ? '-js' : ''}`
      const dir = path.join(root, slug)

      const created = await runCli(['new', slug, '--template', template, ...(js ? ['--js'] : [])], {cwd: root})
      expectSuccess(created, 'new')
      const article = /^[aeiou]/.test(template) ? 'an' : 'a'
      expect(created.stdout).toContain(`Created ${slug}: ${article} ${template} plugin in ${js ? 'JavaScript' : 'TypeScript'}`)
      expect(existsSync(path.join(dir, js ? 'src/plugin.js' : 'src/plugin.ts'))).toBe(true)

      // the newcomer follows the next steps from inside the project, without npm install
      const built = await runCli(['build'], {cwd: dir})
      expectSuccess(built, 'build')
      expect(built.stdout).toContain(`Built ${slug} 0.1.0`)
      expect(built.stderr).not.toMatch(/warning/i)

      const tested = await runCli(['test'], {cwd: dir})
      expectSuccess(tested, 'test')
      const scenarios = await scenarioCount(dir)
      expect(scenarios).toBeGreaterThanOrEqual(5)
      expect(tested.stdout.trimEnd().split('\n').at(-1)).toBe(`${scenarios} passed, 0 failed`)
      expect(tested.stdout).not.toMatch(/without the permission|permission warning/i)

      const packaged = await runCli(['package'], {cwd: dir})
      expectSuccess(packaged, 'package')
      expect(packaged.stdout).toContain(`Packaged ${slug} 0.1.0 (plugin.js)`)
      const ocpkg = path.join(dir, `${slug}.ocpkg`)
      expect(existsSync(ocpkg)).toBe(true)

      const inspected = await runCli(['inspect', `${slug}.ocpkg`, '--json'], {cwd: dir})
      expectSuccess(inspected, 'inspect')
      const report = JSON.parse(inspected.stdout)
      expect(report).toMatchObject({kind: 'package', valid: true, problems: [], lint: {errors: [], warnings: []}})
      expect(report.manifest).toMatchObject({slug, version: '0.1.0', api: '1'})
      expect(report.code).toMatchObject({entry: 'plugin.js', kind: 'js', contract: {ok: true, problems: []}, script: {ok: true}})
      expect(report.register.ok).toBe(true)
      // every permission the manifest declares is one the code uses, and none is missing
      expect(report.permissions.length).toBeGreaterThan(0)
      for (const p of report.permissions) expect(p, JSON.stringify(p)).toMatchObject({declared: true, status: 'ok'})
      const entries = (report.files as {name: string}[]).map((f) => f.name)
      expect(entries).toEqual(expect.arrayContaining(['plugin.manifest.json', 'plugin.js', 'icon.png', 'INSTRUCTIONS.md']))
      if (template === 'overlay') expect(entries).toEqual(expect.arrayContaining(['public/overlay.html', 'public/overlay.js', 'public/overlay.css']))

      const linted = await runCli(['lint-manifest', '--strict'], {cwd: dir})
      expectSuccess(linted, 'lint-manifest --strict')
      expect(linted.stdout).toContain('plugin.manifest.json: no problems')
    }))
  }
})
