// `owncast-plugin serve` as a user runs it: the compiled CLI in a child process.
import {cp} from 'node:fs/promises'
import {createServer} from 'node:net'
import path from 'node:path'
import {describe, expect} from 'vitest'
import {ROOT, runCli, startCli, test} from './helpers.js'

describe('owncast-plugin serve (compiled CLI)', () => {
  test('serves a project until Ctrl-C: the banner on stdout with the URL, then a clean exit 0', async ({tempDir}) => {
    await cp(path.join(ROOT, 'examples', 'echo-bot'), path.join(tempDir, 'echo-bot'), {
      recursive: true,
      filter: (src) => !/[/\\](dist|node_modules|\.owncast-dev)$/.test(src),
    })
    const cli = startCli(['serve', 'echo-bot', '--port', '0'], {cwd: tempDir})
    const {child, exited} = cli
    try {
      await cli.waitFor(() => /Ctrl-C to stop/.test(cli.stdout()), 'the banner', 60_000)
      const url = /owncast-plugin serve (http:\/\/127\.0\.0\.1:\d+)\//.exec(cli.stdout())?.[1]
      expect(url, cli.stderr()).toBeDefined()
      expect(cli.stdout()).toMatch(/echo-bot\s+http:\/\/127\.0\.0\.1:\d+\/plugins\/echo-bot\//)
      const res = await fetch(`${url}/_dev/chat`, {method: 'POST', body: JSON.stringify({user: 'ada', body: '!echo hi'})})
      expect(((await res.json()) as {allowed: boolean}).allowed).toBe(true)
      // plugin output is on stderr, with the plugin's name
      await cli.waitFor(() => cli.stderr().includes('[echo-bot]'), 'the plugin output', 10_000)
      expect(cli.stderr()).toMatch(/\[echo-bot\] chat\s+Echo Bot: ada said: hi/)
      child.kill('SIGINT')
      expect(await exited).toBe(0)
    } finally {
      child.kill('SIGKILL')
    }
  }, 90_000)

  test('a busy port is a usage error (exit 2) that names a free one', async ({tempDir}) => {
    const blocker = createServer()
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()))
    const port = (blocker.address() as {port: number}).port
    try {
      await cp(path.join(ROOT, 'examples', 'echo-bot'), path.join(tempDir, 'echo-bot'), {
        recursive: true,
        filter: (src) => !/[/\\](dist|node_modules|\.owncast-dev)$/.test(src),
      })
      const run = await runCli(['serve', 'echo-bot', '--port', String(port)], {cwd: tempDir})
      expect(run.code).toBe(2)
      expect(run.stderr).toContain(`port ${port} is already in use on 127.0.0.1`)
      expect(run.stderr).toMatch(/--port \d+/)
    } finally {
      blocker.close()
    }
  }, 90_000)

  test('a path that is not there is a usage error', async ({tempDir}) => {
    const run = await runCli(['serve', 'nope'], {cwd: tempDir})
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('nope does not exist')
  })
})
