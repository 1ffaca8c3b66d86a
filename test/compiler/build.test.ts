import {existsSync} from 'node:fs'
import {mkdir, readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {describe, expect} from 'vitest'
import {buildPlugin, findModuleCalls} from '../../src/lib/compiler/index.js'
import {UserError} from '../../src/lib/errors.js'
import {ROOT, test, testContext} from '../cli/helpers.js'

/** Writes a small plugin project: a manifest plus the given files. */
async function project(dir: string, files: Record<string, string>, manifest: object = {api: '1', name: 'Test Plugin', version: '1.0.0'}) {
  await writeFile(path.join(dir, 'plugin.manifest.json'), JSON.stringify(manifest, null, 2))
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), {recursive: true})
    await writeFile(path.join(dir, name), text)
  }
}

/** Runs `buildPlugin` expecting a UserError; returns it. */
async function buildError(dir: string): Promise<UserError> {
  const error = await buildPlugin(testContext(dir), {dir: '.'}).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(UserError)
  return error as UserError
}

/** The checks every plugin.js must pass: a CommonJS script whose only require is the SDK. */
function expectEngineReadyScript(script: string) {
  const calls = findModuleCalls(script)
  expect(calls).toContainEqual({callee: 'require', literal: '@owncast/plugin-sdk', offset: expect.any(Number)})
  expect(calls.filter((c) => c.literal !== '@owncast/plugin-sdk')).toEqual([])
  expect(script).not.toMatch(/^\s*(import|export)\s/m)
  // Legal as the body of `function (module, exports, require) { ... }`.
  expect(() => new Function('module', 'exports', 'require', script)).not.toThrow()
}

describe('buildPlugin on the examples (real esbuild)', () => {
  for (const example of ['echo-bot', 'profanity-filter']) {
    test(`${example}: dist/plugin.js is CJS with @owncast/plugin-sdk external, plus a source map`, async ({tempDir}) => {
      const ctx = testContext(ROOT)
      const result = await buildPlugin(ctx, {dir: path.join('examples', example), outDir: tempDir})
      expect(result).toMatchObject({slug: example, target: 'js', imports: 'all', entry: path.join('examples', example, 'src', 'plugin.ts'), outDir: tempDir})
      expect(result.files.map((f) => [f.kind, path.basename(f.path)])).toEqual([
        ['script', 'plugin.js'],
        ['sourcemap', 'plugin.js.map'],
      ])
      const script = await readFile(path.join(tempDir, 'plugin.js'), 'utf8')
      expect(result.files[0]?.bytes).toBe(Buffer.byteLength(script))
      expectEngineReadyScript(script)
      const map = JSON.parse(await readFile(path.join(tempDir, 'plugin.js.map'), 'utf8'))
      expect(map.sources.some((s: string) => s.endsWith('src/plugin.ts'))).toBe(true)
      expect(map.sourcesContent.every((s: unknown) => typeof s === 'string')).toBe(true)
      expect(result.warnings).toEqual([])
      expect(ctx.err()).toContain(`Building ${example} from`)
      expect(ctx.out()).toBe('')
    })
  }

  test('the profanity filter keeps its async helper (awaits inside, no top-level await)', async ({tempDir}) => {
    await buildPlugin(testContext(ROOT), {dir: 'examples/profanity-filter', outDir: tempDir})
    const script = await readFile(path.join(tempDir, 'plugin.js'), 'utf8')
    expect(script).toMatch(/async function loadBannedWords\(\)/)
    expect(script).toMatch(/await loadBannedWords\(\)/)
  })
})

describe('buildPlugin: entry discovery and bundling', () => {
  test('without an entry it is a UserError (exit 2) naming the files it looked for', async ({tempDir}) => {
    await project(tempDir, {'README.md': 'nothing here'})
    const error = await buildError(tempDir)
    expect(error.exitCode).toBe(2)
    expect(error.code).toBe('ENTRY_NOT_FOUND')
    expect(error.nextSteps[0]).toContain('src/plugin.ts, src/plugin.js, plugin.ts, plugin.js')
  })

  test('entries are found in order: src/plugin.ts before plugin.js', async ({tempDir}) => {
    await project(tempDir, {'plugin.js': 'throw new Error("wrong entry")', 'src/plugin.ts': 'const n: number = 1; export default n'})
    const result = await buildPlugin(testContext(tempDir), {dir: '.'})
    expect(result.entry).toBe(path.join('src', 'plugin.ts'))
    expect(result.outDir).toBe(path.join(tempDir, 'dist'))
    expect(existsSync(path.join(tempDir, 'dist', 'plugin.js'))).toBe(true)
  })

  test('an invalid manifest aborts before bundling: nothing is written', async ({tempDir}) => {
    await project(tempDir, {'plugin.js': 'syntax error here ('}, {api: '1', name: 'x'})
    const error = await buildError(tempDir)
    expect(error).toMatchObject({exitCode: 1, code: 'MANIFEST_INVALID'})
    expect(error.diagnostics[0]?.text).toBe('manifest.version is required')
    expect(existsSync(path.join(tempDir, 'dist'))).toBe(false)
  })

  test('a js build removes a plugin.wasm left by an earlier wasm build; a failed build writes nothing', async ({tempDir}) => {
    await project(tempDir, {'plugin.js': 'module.exports = 1\n', 'dist/plugin.wasm': 'stale', 'dist/plugin.js': 'old'})
    const result = await buildPlugin(testContext(tempDir), {dir: '.'})
    expect(existsSync(path.join(tempDir, 'dist', 'plugin.wasm'))).toBe(false)
    expect(result.notes).toEqual([`removed ${path.join('dist', 'plugin.wasm')} left by an earlier --target wasm build`])
    await writeFile(path.join(tempDir, 'plugin.js'), 'module.exports = (\n')
    await buildError(tempDir)
    expect(await readFile(path.join(tempDir, 'dist', 'plugin.js'), 'utf8')).toBe(await readFile(result.files[0]!.path, 'utf8'))
    expect(await readFile(path.join(tempDir, 'dist', 'plugin.js'), 'utf8')).toContain('module.exports = 1')
  })

  test('other bare imports are bundled in (module/main fields resolve)', async ({tempDir}) => {
    await project(tempDir, {
      'node_modules/tiny-words/package.json': JSON.stringify({name: 'tiny-words', main: 'index.js'}),
      'node_modules/tiny-words/index.js': 'exports.shout = (s) => s.toUpperCase() + "!"\n',
      'node_modules/events/package.json': JSON.stringify({name: 'events', main: 'events.js'}),
      'node_modules/events/events.js': 'exports.EventEmitter = class EventEmitter {}\n',
      'src/plugin.ts': 'import {definePlugin} from "@owncast/plugin-sdk"\nimport {shout} from "tiny-words"\nimport {EventEmitter} from "events"\nnew EventEmitter()\ndefinePlugin({onChatMessage() { shout("hi") }})\n',
    })
    const result = await buildPlugin(testContext(tempDir), {dir: '.'})
    const script = await readFile(result.files[0]!.path, 'utf8')
    expectEngineReadyScript(script)
    expect(script).toContain('toUpperCase')
    expect(script).toContain('class EventEmitter')
  })
})

describe('buildPlugin: what the engine cannot run is a located error', () => {
  test('a Node built-in import names the module and file:line:column', async ({tempDir}) => {
    await project(tempDir, {
      'src/plugin.ts': 'import {definePlugin} from "@owncast/plugin-sdk"\nimport {readFileSync} from "fs"\nimport * as path from "node:path"\ndefinePlugin({onChatMessage() { readFileSync(path.join("x")) }})\n',
    })
    const error = await buildError(tempDir)
    expect(error).toMatchObject({exitCode: 1, code: 'BUILD_FAILED', message: 'Build failed with 2 errors'})
    expect(error.diagnostics.map((d) => [d.text, d.file, d.line, d.column])).toEqual([
      ['Node.js built-in module "fs" is not available in Owncast plugins', path.join('src', 'plugin.ts'), 2, 28],
      ['Node.js built-in module "node:path" is not available in Owncast plugins', path.join('src', 'plugin.ts'), 3, 23],
    ])
    expect(error.diagnostics[0]?.frame).toContain('> 2 | import {readFileSync} from "fs"')
    expect(existsSync(path.join(tempDir, 'dist'))).toBe(false)
  })

  test('a syntax error comes with file:line:column and a code frame', async ({tempDir}) => {
    await project(tempDir, {'plugin.js': 'const ok = 1\nconst broken = ;\nconst after = 2\n'})
    const error = await buildError(tempDir)
    expect(error.diagnostics).toHaveLength(1)
    expect(error.diagnostics[0]).toMatchObject({text: 'Unexpected ";"', file: 'plugin.js', line: 2, column: 16})
    expect(error.diagnostics[0]?.frame).toBe(['  1 | const ok = 1', '> 2 | const broken = ;', '    |                ^', '  3 | const after = 2'].join('\n'))
  })

  test('top-level await is refused with an explanation', async ({tempDir}) => {
    await project(tempDir, {'src/plugin.ts': 'export {}\nconst v = await Promise.resolve(1)\nconsole.log(v)\n'})
    const [d] = (await buildError(tempDir)).diagnostics
    expect(d).toMatchObject({text: 'Top-level await is not supported in Owncast plugins', line: 2, column: 11})
    expect(d?.notes?.join(' ')).toContain('handler')
  })

  test('import() in the plugin source is refused', async ({tempDir}) => {
    await project(tempDir, {'src/plugin.ts': 'export async function f() {\n  return import("./other")\n}\n', 'src/other.ts': 'export const x = 1\n'})
    const [d] = (await buildError(tempDir)).diagnostics
    expect(d).toMatchObject({text: 'Dynamic import() is not supported in Owncast plugins: import("./other")', line: 2, column: 17})
  })

  test('a require or import() that survives bundling is mapped back to its source line', async ({tempDir}) => {
    await project(tempDir, {
      'src/plugin.ts': 'const name = "x" + Date.now()\nexport const a = require(name)\nexport const b = () => import(name)\n',
    })
    const error = await buildError(tempDir)
    expect(error.diagnostics.map((d) => [d.text, d.line, d.column])).toEqual([
      ['require(...) cannot be bundled: plugins can only require "@owncast/plugin-sdk"', 2, 18],
      ['Dynamic import(...) is not supported in Owncast plugins', 3, 24],
    ])
  })

  test('an unresolvable package explains that bare imports are bundled', async ({tempDir}) => {
    await project(tempDir, {'plugin.js': 'const x = require("left-pad-that-is-not-installed")\n'})
    const [d] = (await buildError(tempDir)).diagnostics
    expect(d?.text).toBe('Could not resolve "left-pad-that-is-not-installed"')
    expect(d?.notes?.[0]).toContain('npm install left-pad-that-is-not-installed')
  })
})

describe('buildPlugin --target wasm', () => {
  // The wasm builder and the engine are built by src/lib/engine and engine/build.sh.
  const ready = existsSync(path.join(ROOT, 'engine', 'engine.wasm')) && existsSync(path.join(ROOT, 'src', 'lib', 'engine', 'plugin-wasm.ts'))
  for (const imports of ['all', 'granted'] as const) {
    test.skipIf(!ready)(`--imports ${imports}: writes plugin.wasm next to plugin.js`, async ({tempDir}) => {
      const result = await buildPlugin(testContext(ROOT), {dir: 'examples/echo-bot', target: 'wasm', imports, outDir: tempDir})
      expect(result.files.map((f) => f.kind)).toEqual(['script', 'sourcemap', 'wasm'])
      const wasm = result.files[2]!
      expect(wasm.path).toBe(path.join(tempDir, 'plugin.wasm'))
      const bytes = await readFile(wasm.path)
      expect(bytes.subarray(0, 4)).toEqual(Buffer.from([0, 0x61, 0x73, 0x6d]))
      expect(wasm.bytes).toBe(bytes.byteLength)
      expect(typeof result.preEvaluated).toBe('boolean')
    })
  }
})
