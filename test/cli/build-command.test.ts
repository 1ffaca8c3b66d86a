import {existsSync} from 'node:fs'
import {mkdir, readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {describe, expect} from 'vitest'
import {ROOT, runCli, test} from './helpers.js'

describe('owncast-plugin (compiled CLI)', () => {
  test('--help lists the build command and exits 0', async () => {
    const run = await runCli(['--help'])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/COMMANDS\n[\s\S]*build\s+Bundle a plugin/)
  })

  test('build --help documents the flags', async () => {
    const run = await runCli(['build', '--help'])
    expect(run.code).toBe(0)
    for (const flag of ['--target', '--imports', '--out-dir', '--json', '--[no-]typecheck']) expect(run.stdout).toContain(flag)
  })

  test('build writes plugin.js and its map; results on stdout, progress on stderr', async ({tempDir}) => {
    const run = await runCli(['build', 'examples/echo-bot', '--out-dir', tempDir])
    expect(run.stderr).toBe(`Building echo-bot from ${path.join('examples', 'echo-bot', 'src', 'plugin.ts')} (target js)\n`)
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^✔ Built echo-bot 0\.1\.0 \(target js\) in (\d+ ms|\d+(\.\d+)? s)\n/)
    expect(run.stdout).toMatch(/plugin\.js\s+\d[\d.]* (B|kB)\n/)
    expect(run.stdout).toMatch(/plugin\.js\.map\s+\d[\d.]* (B|kB)\n/)
    expect(existsSync(path.join(tempDir, 'plugin.js'))).toBe(true)
    expect(existsSync(path.join(tempDir, 'plugin.js.map'))).toBe(true)
  })

  test('build --json prints only a JSON result on stdout', async ({tempDir}) => {
    const run = await runCli(['build', 'examples/profanity-filter', '--out-dir', tempDir, '--json'])
    expect(run.code).toBe(0)
    const result = JSON.parse(run.stdout)
    expect(result).toMatchObject({ok: true, slug: 'profanity-filter', target: 'js', imports: 'all', outDir: tempDir})
    expect(result.files.map((f: {kind: string}) => f.kind)).toEqual(['script', 'sourcemap'])
    const script = result.files[0]
    expect(script.path).toBe(path.join(tempDir, 'plugin.js'))
    expect(script.bytes).toBe((await readFile(script.path)).byteLength)
    expect(typeof result.durationMs).toBe('number')
    expect(result.typecheck).toMatchObject({ran: true, mode: 'error', errors: 0, files: 1})
    expect(typeof result.typecheck.durationMs).toBe('number')
  })

  test('a directory that does not exist is a usage error: exit 2', async ({tempDir}) => {
    const run = await runCli(['build', path.join(tempDir, 'nope')])
    expect(run.code).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toContain('is not a directory')
  })

  test('an unknown flag value is a usage error: exit 2', async () => {
    const run = await runCli(['build', '--target', 'exe'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('Expected --target=exe to be one of: js, wasm')
  })

  test('an invalid manifest fails the build with exit 1, located errors and nothing written', async ({tempDir}) => {
    await writeFile(path.join(tempDir, 'plugin.manifest.json'), '{\n  "api": "2",\n  "name": "Bad",\n  "version": "1"\n}\n')
    await writeFile(path.join(tempDir, 'plugin.js'), 'require("@owncast/plugin-sdk").definePlugin({})\n')
    const run = await runCli(['build', tempDir])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(`${path.join(tempDir, 'plugin.manifest.json')}:2:10: unsupported api version "2" (host supports "1") (at /api)`)
    expect(run.stderr).toContain('> 2 |   "api": "2",')
    expect(existsSync(path.join(tempDir, 'dist'))).toBe(false)
  })

  test('with --json an error is a JSON object on stdout', async ({tempDir}) => {
    await mkdir(path.join(tempDir, 'src'))
    await writeFile(path.join(tempDir, 'plugin.manifest.json'), '{"api":"1","name":"Broken","version":"1"}')
    await writeFile(path.join(tempDir, 'src', 'plugin.ts'), 'const x = ;\n')
    const run = await runCli(['build', tempDir, '--json'])
    expect(run.code).toBe(1)
    const {error} = JSON.parse(run.stdout)
    expect(error).toMatchObject({type: 'user', code: 'BUILD_FAILED', exitCode: 1})
    expect(error.diagnostics[0]).toMatchObject({text: 'Unexpected ";"', line: 1, column: 11})
  })

  test('bin/dev.js runs the same commands from the TypeScript sources', async ({tempDir}) => {
    const run = await runCli(['build', 'examples/echo-bot', '--out-dir', tempDir, '--json'], {bin: 'dev.js'})
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout)).toMatchObject({ok: true, slug: 'echo-bot'})
    expect(existsSync(path.join(ROOT, 'src', 'commands', 'index.ts'))).toBe(true)
  })

  test('a type error fails the build (exit 1) with file:line:column and a code frame; --no-typecheck builds it', async ({tempDir}) => {
    await mkdir(path.join(tempDir, 'src'))
    await writeFile(path.join(tempDir, 'plugin.manifest.json'), '{"api":"1","name":"Typed","version":"1.0.0","permissions":["chat.send"]}')
    await writeFile(
      path.join(tempDir, 'src', 'plugin.ts'),
      "import {definePlugin, owncast} from '@owncast/plugin-sdk'\ndefinePlugin({onChatMessage(msg) {\n  owncast.chat.send(msg.body.length)\n}})\n",
    )
    const failed = await runCli(['build'], {cwd: tempDir})
    expect(failed.code).toBe(1)
    expect(failed.stdout).toBe('')
    expect(failed.stderr).toContain('✖ Type check failed with 1 error')
    expect(failed.stderr).toContain(
      `${path.join('src', 'plugin.ts')}:3:21: Argument of type 'number' is not assignable to parameter of type 'string'. ts(2345)`,
    )
    expect(failed.stderr).toContain('> 3 |   owncast.chat.send(msg.body.length)')
    expect(failed.stderr).toContain('owncast-plugin build --no-typecheck')
    expect(existsSync(path.join(tempDir, 'dist'))).toBe(false)

    const built = await runCli(['build', '--no-typecheck'], {cwd: tempDir})
    expect(built.code).toBe(0)
    expect(built.stdout).toContain('types not checked (--no-typecheck)')
    expect(existsSync(path.join(tempDir, 'dist', 'plugin.js'))).toBe(true)
  })

  test('the compiler loads only to type-check TypeScript: not for --help, lint-manifest or a JavaScript plugin', async ({tempDir}) => {
    // Reports every load of the typescript package (ESM imports of CommonJS go through Module._load).
    const hook = path.join(tempDir, 'hook.cjs')
    await writeFile(
      hook,
      "const M = require('node:module'); const load = M._load; M._load = function (r) { if (/[\\\\/]typescript[\\\\/]lib[\\\\/]typescript\\.js$/.test(r) || r === 'typescript') process.stderr.write('TYPESCRIPT LOADED\\n'); return load.apply(this, arguments) }\n",
    )
    const env = {NODE_OPTIONS: `--require ${hook}`}
    await writeFile(path.join(tempDir, 'plugin.manifest.json'), '{"api":"1","name":"Plain","version":"1.0.0"}')
    await writeFile(path.join(tempDir, 'plugin.js'), 'require("@owncast/plugin-sdk").definePlugin({})\n')
    const runs = await Promise.all([
      runCli(['--help'], {env}),
      runCli(['lint-manifest', 'examples/echo-bot'], {env}),
      runCli(['build', tempDir, '--out-dir', path.join(tempDir, 'out-js')], {env}),
      runCli(['build', 'examples/echo-bot', '--out-dir', path.join(tempDir, 'out-ts')], {env}),
    ])
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 0])
    expect(runs.map((r) => r.stderr.includes('TYPESCRIPT LOADED'))).toEqual([false, false, false, true])
  })
})
