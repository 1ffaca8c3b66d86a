import {execFile} from 'node:child_process'
import path from 'node:path'
import {promisify} from 'node:util'
import {describe, expect, it} from 'vitest'
import {ROOT} from '../cli/helpers.js'

const run = promisify(execFile)

describe('the examples type-check against the SDK declarations (src/lib/sdk/index.d.ts)', () => {
  const examples = [
    'echo-bot',
    'profanity-filter',
    'chat-overlay',
    'message-counter',
    'slow-mode',
    'relay',
    'ip-bot',
    'stream-tracker',
    'stream-ops',
    'engagement-bot',
    'admin-demo',
    'file-manager',
    'commands-bot',
    'timer-bot',
    'sql-leaderboard',
    'ui-demo',
    'safeguard-stress',
  ]
  for (const example of examples) {
    it(example, async () => {
      const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')
      const result = await run(process.execPath, [tsc, '-p', path.join(ROOT, 'examples', example, 'tsconfig.json')]).catch(
        (error: {stdout?: string; code?: number}) => ({stdout: error.stdout ?? String(error), code: error.code}),
      )
      expect(result.stdout).toBe('')
    })
  }
})
