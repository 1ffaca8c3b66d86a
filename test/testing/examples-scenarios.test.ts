// Every example's scenario files pass through the real CLI, as an author would run them.
import {readdirSync} from 'node:fs'
import path from 'node:path'
import {expect} from 'vitest'
import {ROOT, runCli, test} from '../cli/helpers.js'

test('owncast-plugin test examples/* passes every scenario of every example', async () => {
  const examples = readdirSync(path.join(ROOT, 'examples')).map((name) => path.join('examples', name))
  const run = await runCli(['test', ...examples, '--reporter', 'json'])
  expect(run.code, run.stderr.slice(-2000)).toBe(0)
  const report = JSON.parse(run.stdout) as {passed: number; failed: number}
  expect(report.failed).toBe(0)
  expect(report.passed).toBeGreaterThanOrEqual(180)
}, 180_000)
