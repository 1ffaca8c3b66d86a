import {existsSync, readdirSync} from 'node:fs'
import {mkdir, readFile, rm, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {describe, expect} from 'vitest'
import {buildPlugin, createTypechecker, loadTypescript} from '../../src/lib/compiler/index.js'
import {buildIfStale} from '../../src/lib/devserver/project-build.js'
import {packagePlugin} from '../../src/lib/package/write.js'
import {UserError} from '../../src/lib/errors.js'
import {ROOT, test, testContext} from '../cli/helpers.js'

const MANIFEST = {api: '1', name: 'Typed Plugin', version: '1.0.0', description: 'Type checking tests', permissions: ['chat.send']}

/** Writes a small plugin project: a manifest plus the given files. */
async function project(dir: string, files: Record<string, string>) {
  await writeFile(path.join(dir, 'plugin.manifest.json'), JSON.stringify(MANIFEST, null, 2))
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), {recursive: true})
    await writeFile(path.join(dir, name), text)
  }
}

async function buildError(dir: string, options: {typecheck?: 'error' | 'warn' | 'off'} = {}): Promise<UserError> {
  const error = await buildPlugin(testContext(dir), {dir: '.', ...options}).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(UserError)
  return error as UserError
}

const GOOD = `import {definePlugin, owncast, type ChatMessage} from '@owncast/plugin-sdk'

function reply(msg: ChatMessage): string {
  return \`hello \${msg.user?.displayName ?? 'you'}\`
}

definePlugin({
  onChatMessage(msg) {
    owncast.chat.send(reply(msg))
  },
})
`
// Line 6, column 9: a string where the SDK wants a number; line 7: a method the SDK lacks.
const BAD = `import {definePlugin, owncast} from '@owncast/plugin-sdk'

definePlugin({
  onChatMessage(msg) {
    const length: number = msg.body.length
    let n: number = msg.body
    owncast.chat.shout(String(length + n))
  },
})
`

describe('build type-checks TypeScript plugins against the SDK declarations', () => {
  test('a type error fails the build (exit 1) with file:line:column and a code frame; nothing is written', async ({tempDir}) => {
    await project(tempDir, {'src/plugin.ts': BAD})
    const error = await buildError(tempDir)
    expect(error).toMatchObject({exitCode: 1, code: 'TYPECHECK_FAILED', message: 'Type check failed with 2 errors'})
    expect(error.nextSteps.join('\n')).toContain('--no-typecheck')
    const [first, second] = error.diagnostics
    expect(first).toMatchObject({
      file: path.join('src', 'plugin.ts'),
      line: 6,
      column: 9,
      text: "Type 'string' is not assignable to type 'number'. ts(2322)",
    })
    expect(first?.frame).toContain('> 6 |     let n: number = msg.body')
    expect(first?.frame).toMatch(/\n {4}\| {9}\^\n/)
    expect(second).toMatchObject({file: path.join('src', 'plugin.ts'), line: 7, column: 18})
    expect(second?.text).toMatch(/^Property 'shout' does not exist on type '.*'\. ts\(2339\)$/)
    expect(existsSync(path.join(tempDir, 'dist'))).toBe(false)
  })

  test("typecheck 'off' builds the same plugin; 'warn' builds it and reports the errors as warnings", async ({tempDir}) => {
    await project(tempDir, {'src/plugin.ts': BAD})
    const off = await buildPlugin(testContext(tempDir), {dir: '.', typecheck: 'off'})
    expect(off.typecheck).toMatchObject({ran: false, mode: 'off'})
    expect(existsSync(path.join(tempDir, 'dist', 'plugin.js'))).toBe(true)
    expect(existsSync(path.join(tempDir, 'dist', '.tsbuildinfo'))).toBe(false)

    const ctx = testContext(tempDir)
    const warned = await buildPlugin(ctx, {dir: '.', typecheck: 'warn'})
    expect(warned.typecheck).toMatchObject({ran: true, mode: 'warn', errors: 2})
    expect(warned.warnings.map((w) => [w.file, w.line, w.column])).toEqual([
      [path.join('src', 'plugin.ts'), 6, 9],
      [path.join('src', 'plugin.ts'), 7, 18],
    ])
    expect(ctx.err()).toContain('typed-plugin has 2 type errors (built anyway')
    expect(ctx.err()).toContain(`warning: ${path.join('src', 'plugin.ts')}:6:9: Type 'string' is not assignable to type 'number'.`)
  })

  test('a correct plugin passes; an unchanged project is not checked again, a changed one starts from dist/.tsbuildinfo', async ({tempDir}) => {
    const util = 'export const twice = (s: string): string => s + s\n'
    await project(tempDir, {'src/plugin.ts': GOOD, 'src/util.ts': util})
    const build = () => buildPlugin(testContext(tempDir), {dir: '.'})
    const first = await build()
    expect(first.typecheck).toMatchObject({ran: true, mode: 'error', errors: 0, files: 1, reused: 'none'})
    expect(first.warnings).toEqual([])
    const buildInfo = path.join(tempDir, 'dist', '.tsbuildinfo')
    expect(await readFile(buildInfo, 'utf8')).toContain('src/plugin.ts')
    expect(existsSync(path.join(tempDir, 'dist', '.typecheck.json'))).toBe(true)

    // Nothing changed: the stamp says so, and the compiler does not run.
    expect((await build()).typecheck).toMatchObject({ran: true, errors: 0, files: 1, reused: 'unchanged'})
    // A file the program reads changed, or a directory got a new file: TypeScript runs again, from its state.
    await writeFile(path.join(tempDir, 'src', 'plugin.ts'), `${GOOD}// edited\n`)
    expect((await build()).typecheck).toMatchObject({ran: true, errors: 0, reused: 'buildinfo'})
    await writeFile(path.join(tempDir, 'src', 'new.ts'), 'export {}\n')
    expect((await build()).typecheck).toMatchObject({ran: true, errors: 0, reused: 'buildinfo'})
    expect((await build()).typecheck).toMatchObject({reused: 'unchanged'})

    // A type error in an imported file is found (the failed build leaves the stamp of the clean one).
    await writeFile(path.join(tempDir, 'src', 'plugin.ts'), `import {twice} from './util'\n${GOOD}const n: number = twice('x')\n`)
    const error = await buildError(tempDir)
    expect(error.diagnostics.map((d) => [d.file, d.line])).toEqual([[path.join('src', 'plugin.ts'), 13]])
    await writeFile(path.join(tempDir, 'src', 'plugin.ts'), `${GOOD}// edited\n`)
    expect((await build()).typecheck).toMatchObject({errors: 0, reused: 'unchanged'})
  })

  test("without node_modules or tsconfig.json: the SDK resolves, strict ES2020 without DOM or Node types, the engine's globals", async ({tempDir}) => {
    await project(tempDir, {
      'src/plugin.ts': [
        "import {definePlugin, owncast} from '@owncast/plugin-sdk'",
        'definePlugin({onChatMessage(msg) { owncast.chat.send(msg.body.at(0) ?? "") }})',
        'function untyped(x) { return x }',
        'document.title = String(untyped(1))',
        'process.exit(1)',
        "console.warn(new TextDecoder().decode(new TextEncoder().encode('engine globals')))",
        '',
      ].join('\n'),
    })
    expect(existsSync(path.join(tempDir, 'node_modules'))).toBe(false)
    const error = await buildError(tempDir)
    // String.prototype.at is ES2022: not in lib ES2020.
    expect(error.diagnostics.map((d) => [d.line, d.text.replace(/ ts\(\d+\)$/, '').replace(/\. Do you need .*$/, '.')])).toEqual([
      [2, "Property 'at' does not exist on type 'string'."],
      [3, "Parameter 'x' implicitly has an 'any' type."],
      [4, "Cannot find name 'document'."],
      [5, "Cannot find name 'process'."],
    ])
  })

  test("the project's tsconfig.json is respected (strict off allows implicit any; its own paths still resolve)", async ({tempDir}) => {
    await project(tempDir, {
      'tsconfig.json': JSON.stringify({
        compilerOptions: {target: 'ES2022', lib: ['ES2022'], module: 'ESNext', moduleResolution: 'Bundler', strict: false, types: [], paths: {'~/*': ['./src/lib/*']}},
        include: ['src'],
      }),
      'src/lib/words.ts': 'export function shout(x) { return String(x).toUpperCase() }\n',
      'src/plugin.ts': "import {definePlugin, owncast} from '@owncast/plugin-sdk'\nimport {shout} from '~/words'\ndefinePlugin({onChatMessage(msg) { owncast.chat.send(shout(msg.body.at(0))) }})\n",
    })
    const result = await buildPlugin(testContext(tempDir), {dir: '.'})
    expect(result.typecheck).toMatchObject({ran: true, errors: 0, files: 2})

    // The same project with strict on: the implicit any is an error, in the file tsconfig includes.
    const config = JSON.parse(await readFile(path.join(tempDir, 'tsconfig.json'), 'utf8'))
    config.compilerOptions.strict = true
    await writeFile(path.join(tempDir, 'tsconfig.json'), JSON.stringify(config))
    const error = await buildError(tempDir)
    expect(error.diagnostics.map((d) => [d.file, d.line, d.column, d.text])).toEqual([
      [path.join('src', 'lib', 'words.ts'), 1, 23, "Parameter 'x' implicitly has an 'any' type. ts(7006)"],
    ])
  })

  test('a JavaScript plugin is not type-checked, unless it imports TypeScript or tsconfig.json sets checkJs', async ({tempDir}) => {
    await project(tempDir, {'src/plugin.js': "const {definePlugin} = require('@owncast/plugin-sdk')\nconst n = 1\nn.shout()\ndefinePlugin({})\n"})
    const js = await buildPlugin(testContext(tempDir), {dir: '.'})
    expect(js.typecheck).toMatchObject({ran: false, mode: 'error'})

    await writeFile(path.join(tempDir, 'src', 'helper.ts'), 'export const count: number = "three"\n')
    await writeFile(path.join(tempDir, 'src', 'plugin.js'), "import {count} from './helper'\nimport {definePlugin} from '@owncast/plugin-sdk'\ndefinePlugin({onChatMessage() { count }})\n")
    const imported = await buildError(tempDir)
    expect(imported.diagnostics.map((d) => [d.file, d.line, d.column])).toEqual([[path.join('src', 'helper.ts'), 1, 14]])

    await writeFile(path.join(tempDir, 'src', 'helper.ts'), 'export const count: number = 3\n')
    await writeFile(path.join(tempDir, 'src', 'plugin.js'), "import {count} from './helper'\nimport {definePlugin} from '@owncast/plugin-sdk'\ncount.shout()\ndefinePlugin({})\n")
    await writeFile(path.join(tempDir, 'tsconfig.json'), JSON.stringify({compilerOptions: {checkJs: true, noEmit: true, moduleResolution: 'Bundler', module: 'ESNext', lib: ['ES2020'], types: []}, include: ['src']}))
    const checked = await buildError(tempDir)
    expect(checked.diagnostics.map((d) => [d.file, d.line, d.text])).toEqual([
      [path.join('src', 'plugin.js'), 3, "Property 'shout' does not exist on type 'number'. ts(2339)"],
    ])
  })

  test('the TypeScript examples build with type checking on', async ({tempDir}) => {
    const result = await buildPlugin(testContext(ROOT), {dir: 'examples/stream-ops', outDir: tempDir})
    expect(result.typecheck).toMatchObject({ran: true, errors: 0})
    expect(result.typecheck.files).toBeGreaterThan(1)
  })
})

describe('the commands that build through buildPlugin', () => {
  test('package refuses a plugin with a type error; serve and test build it and warn', async ({tempDir}) => {
    await project(tempDir, {'src/plugin.ts': BAD})
    const refused = await packagePlugin(testContext(tempDir), {dir: '.', preflight: false}).catch((e: unknown) => e)
    expect(refused).toMatchObject({code: 'TYPECHECK_FAILED', exitCode: 1})
    expect(existsSync(path.join(tempDir, 'typed-plugin.ocpkg'))).toBe(false)

    const ctx = testContext(tempDir)
    const built = await buildIfStale(ctx, tempDir)
    expect(built?.typecheck).toMatchObject({ran: true, mode: 'warn', errors: 2})
    expect(existsSync(path.join(tempDir, 'dist', 'plugin.js'))).toBe(true)
    expect(ctx.err()).toContain('typed-plugin has 2 type errors (built anyway')
  })
})

describe('createTypechecker', () => {
  test("every example passes the build's checker as it is (TypeScript checked, JavaScript not)", async ({tempDir}) => {
    const ts = await loadTypescript()
    const examples = readdirSync(path.join(ROOT, 'examples')).sort()
    const results = examples.map((example) => {
      const dir = path.join(ROOT, 'examples', example)
      const r = createTypechecker(ts, {dir, buildInfoFile: path.join(tempDir, `${example}.tsbuildinfo`)}).check({save: false})
      return [example, existsSync(path.join(dir, 'src', 'plugin.ts')), r.checked, r.diagnostics.map((d) => `${d.file}:${d.line}: ${d.text}`)]
    })
    expect(results.filter(([, ts]) => ts).length).toBeGreaterThan(10)
    expect(results).toEqual(results.map(([example, isTs]) => [example, isTs, isTs, []]))
  })

  test('a new checker on the same project starts from the .tsbuildinfo and finds the same errors', async ({tempDir}) => {
    await project(tempDir, {'src/plugin.ts': BAD})
    const ts = await loadTypescript()
    const first = createTypechecker(ts, {dir: tempDir}).check()
    expect(first).toMatchObject({checked: true, errors: 2, reused: 'none'})
    expect(existsSync(path.join(tempDir, 'dist', '.tsbuildinfo'))).toBe(true)
    const second = createTypechecker(ts, {dir: tempDir}).check()
    expect(second.reused).toBe('buildinfo')
    expect(second.diagnostics).toEqual(first.diagnostics)
  })

  test('keeps its program between checks: edits, a missing module created, a file deleted', async ({tempDir}) => {
    await project(tempDir, {'src/plugin.ts': "import {definePlugin} from '@owncast/plugin-sdk'\nimport {n} from './later'\ndefinePlugin({onChatMessage() { Math.abs(n) }})\n"})
    const ts = await loadTypescript()
    const checker = createTypechecker(ts, {dir: tempDir, buildInfoFile: path.join(tempDir, 'cache', 'state.tsbuildinfo')})
    const missing = checker.check()
    expect(missing.diagnostics.map((d) => d.text)).toEqual(["Cannot find module './later' or its corresponding type declarations. ts(2307)"])

    await writeFile(path.join(tempDir, 'src', 'later.ts'), 'export const n = 1\n')
    const created = checker.check()
    expect(created).toMatchObject({errors: 0, reused: 'program', files: 2})
    expect(existsSync(path.join(tempDir, 'cache', 'state.tsbuildinfo'))).toBe(true)

    await writeFile(path.join(tempDir, 'src', 'later.ts'), 'export let n = "one"\n')
    expect(checker.check().diagnostics.map((d) => [d.line, d.text])).toEqual([[3, "Argument of type 'string' is not assignable to parameter of type 'number'. ts(2345)"]])

    await rm(path.join(tempDir, 'src', 'later.ts'))
    expect(checker.check().diagnostics).toEqual(missing.diagnostics)
  })
})
