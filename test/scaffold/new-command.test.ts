// `owncast-plugin new` as a child process (the compiled CLI): --json, no prompt without a
// terminal, usage errors, --install with an npm that works and one that fails, --help, and the
// prompts in a real pseudo-terminal (util-linux `script`; skipped where it is missing).
import {spawn, spawnSync} from 'node:child_process'
import {chmod, mkdir, readFile, readdir, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {describe, expect} from 'vitest'
import {ROOT, runCli, test} from '../cli/helpers.js'

const ourVersion = (JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as {version: string}).version

/** A directory holding a fake `npm` that records where and how it ran, then exits with `code`. */
async function fakeNpm(dir: string, code: number): Promise<string> {
  const bin = path.join(dir, `fake-npm-${code}`)
  await mkdir(bin)
  await writeFile(path.join(bin, 'npm'), `#!/bin/sh\necho "npm says hi on stdout"\necho "$PWD|$*" >> "${path.join(dir, `npm-ran-${code}.txt`)}"\nexit ${code}\n`)
  await chmod(path.join(bin, 'npm'), 0o755)
  return bin
}

describe('owncast-plugin new (the CLI)', () => {
  test('--json prints the project and writes nothing else to stdout', async ({tempDir}) => {
    const run = await runCli(['new', 'json-bot', '--template', 'overlay', '--json'], {cwd: tempDir})
    expect(run.code).toBe(0)
    const result = JSON.parse(run.stdout)
    expect(result).toMatchObject({
      ok: true,
      dir: path.join(tempDir, 'json-bot'),
      slug: 'json-bot',
      name: 'Json Bot',
      template: 'overlay',
      language: 'ts',
      source: 'src/plugin.ts',
      toolVersion: ourVersion,
      nextSteps: ['cd json-bot', 'npm install', 'owncast-plugin watch --serve', 'owncast-plugin test', 'owncast-plugin package'],
    })
    expect(result.install).toBeUndefined()
    const paths = (result.files as {path: string; bytes: number}[]).map((f) => f.path)
    expect(paths).toEqual(expect.arrayContaining(['plugin.manifest.json', 'src/plugin.ts', 'public/overlay.html', 'icon.png']))
    for (const f of result.files as {path: string; bytes: number}[]) {
      expect((await readFile(path.join(tempDir, 'json-bot', f.path))).length, f.path).toBe(f.bytes)
    }
  })

  test('without a terminal nothing is asked: chat-bot is the template', async ({tempDir}) => {
    // runCli's stdin is not a TTY (as in CI or a pipe)
    const run = await runCli(['new', 'quiet-bot', '--js'], {cwd: tempDir})
    expect(run.code).toBe(0)
    expect(run.stdout).not.toContain('Which template?')
    expect(run.stdout).toContain('Created quiet-bot: a chat-bot plugin in JavaScript')
    expect(run.stdout).toMatch(/Next steps:\n {2}cd quiet-bot\n {2}npm install .*\n {2}owncast-plugin watch --serve .*\n {2}owncast-plugin test .*\n {2}owncast-plugin package /)
    expect(JSON.parse(await readFile(path.join(tempDir, 'quiet-bot', 'plugin.manifest.json'), 'utf8')).permissions).toEqual(['chat.send', 'storage.kv'])

    const nameless = await runCli(['new'], {cwd: tempDir})
    expect(nameless.code).toBe(2)
    expect(nameless.stderr).toContain('Missing the plugin name')
    expect(nameless.stdout).toBe('')
  })

  test('an invalid slug or a directory in use: exit 2 with what to do, nothing written', async ({tempDir}) => {
    const invalid = await runCli(['new', 'My Bot'], {cwd: tempDir})
    expect(invalid.code).toBe(2)
    expect(invalid.stderr).toContain('"My Bot" is not a valid plugin slug')
    expect(invalid.stderr).toContain('owncast-plugin new my-bot')

    const asJson = await runCli(['new', 'Bad_Name', '--json'], {cwd: tempDir})
    expect(asJson.code).toBe(2)
    expect(JSON.parse(asJson.stdout)).toMatchObject({error: {type: 'user', code: 'INVALID_SLUG', exitCode: 2, nextSteps: ['owncast-plugin new bad-name']}})

    await mkdir(path.join(tempDir, 'used'))
    await writeFile(path.join(tempDir, 'used', 'keep.txt'), 'keep')
    const used = await runCli(['new', 'used'], {cwd: tempDir})
    expect(used.code).toBe(2)
    expect(used.stderr).toContain('used already exists and is not empty (keep.txt)')
    expect((await readdir(tempDir)).sort()).toEqual(['used'])
    expect(await readdir(path.join(tempDir, 'used'))).toEqual(['keep.txt'])

    const badTemplate = await runCli(['new', 'x-bot', '--template', 'chatbot'], {cwd: tempDir})
    expect(badTemplate.code).toBe(2)
    expect(badTemplate.stderr).toMatch(/chat-bot, filter, overlay, commands, notifier/)
  })

  test('--install runs npm install in the new directory, its output on stderr', async ({tempDir}) => {
    const bin = await fakeNpm(tempDir, 0)
    const run = await runCli(['new', 'installed', '--install', '--json'], {cwd: tempDir, env: {PATH: `${bin}${path.delimiter}${process.env.PATH}`}})
    expect(run.code).toBe(0)
    expect(await readFile(path.join(tempDir, 'npm-ran-0.txt'), 'utf8')).toBe(`${path.join(tempDir, 'installed')}|install\n`)
    expect(run.stderr).toContain('npm says hi on stdout')
    const result = JSON.parse(run.stdout)
    expect(result).toMatchObject({ok: true, install: {ok: true, command: 'npm install', exitCode: 0}})
    expect(result.nextSteps).not.toContain('npm install')
  })

  test('a failed --install keeps the project and says so: exit 2', async ({tempDir}) => {
    const bin = await fakeNpm(tempDir, 7)
    const env = {PATH: `${bin}${path.delimiter}${process.env.PATH}`}
    const run = await runCli(['new', 'offline-bot', '--install'], {cwd: tempDir, env})
    expect(run.code).toBe(2)
    expect(run.stdout).toContain('Created offline-bot')
    expect(run.stderr).toContain('npm install failed in offline-bot: npm install exited with code 7')
    expect(run.stderr).toContain('cd offline-bot && npm install')
    expect(await readdir(path.join(tempDir, 'offline-bot'))).toContain('plugin.manifest.json')

    const asJson = await runCli(['new', 'offline-json', '--install', '--json'], {cwd: tempDir, env})
    expect(asJson.code).toBe(2)
    expect(JSON.parse(asJson.stdout)).toMatchObject({ok: false, slug: 'offline-json', install: {ok: false, exitCode: 7}})
  })

  test('--help lists the templates and examples', async () => {
    const run = await runCli(['new', '--help'])
    expect(run.code).toBe(0)
    for (const t of ['chat-bot', 'filter', 'overlay', 'commands', 'notifier']) expect(run.stdout).toContain(t)
    expect(run.stdout).toContain('$ owncast-plugin new my-bot')
    expect(run.stdout).toContain('--template overlay --js')
    expect(run.stdout).toContain('--install')
  })
})

const hasScript = spawnSync('script', ['--version']).status === 0
if (!hasScript) console.warn('test/scaffold/new-command.test.ts: the terminal test is skipped: `script` (util-linux) is not installed')

describe.skipIf(!hasScript)('owncast-plugin new in a terminal', () => {
  test('asks for the name (again, when invalid) and the template, then creates the project', async ({tempDir}) => {
    // `script` runs the CLI on a pseudo-terminal: stdin and stdout are TTYs there
    const child = spawn('script', ['-qefc', `${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(ROOT, 'bin', 'run.js'))} new`, '/dev/null'], {
      cwd: tempDir,
      env: {...process.env, NO_COLOR: '1', FORCE_COLOR: '0', NODE_ENV: 'production'},
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let screen = ''
    const answers: [RegExp, string][] = [
      [/Plugin name[^\n]*: $/, 'Tty Bot\r'],
      [/for example tty-bot\.\r?\n[^\n]*Plugin name[^\n]*: $/, 'tty-bot\r'],
      [/Template \[1-5, Enter for chat-bot\]: $/, '5\r'],
    ]
    child.stdout.on('data', (chunk: Buffer) => {
      screen += chunk.toString()
      const plain = screen.replace(/\u001B\[[0-9;]*[A-Za-z]/g, '')
      if (answers.length > 0 && answers[0]![0].test(plain)) child.stdin.write(answers.shift()![1])
    })
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    const plain = screen.replace(/\u001B\[[0-9;]*[A-Za-z]/g, '')
    expect(answers.map((a) => a[0].source), plain).toEqual([])
    expect(code, plain).toBe(0)
    expect(plain).toContain('Which template?')
    expect(plain).toContain('Created tty-bot: a notifier plugin in TypeScript')
    expect(JSON.parse(await readFile(path.join(tempDir, 'tty-bot', 'plugin.manifest.json'), 'utf8')).permissions).toContain('notifications.send')
  })
})
