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
    for (const flag of ['--target', '--imports', '--out-dir', '--json']) expect(run.stdout).toContain(flag)
  })

  test('build writes plugin.js and its map; results on stdout, progress on stderr', async ({tempDir}) => {
    const run = await runCli(['build', 'examples/echo-bot', '--out-dir', tempDir])
    expect(run.stderr).toBe(`Building echo-bot from ${path.join('examples', 'echo-bot', 'src', 'plugin.ts')} (target js)\n`)
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^✔ Built echo-bot 0\.1\.0 \(target js\) in \d+ ms\n/)
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
})
