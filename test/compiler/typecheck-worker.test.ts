import {existsSync} from 'node:fs'
import {mkdir, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {describe, expect} from 'vitest'
import {createBackgroundTypechecker} from '../../src/lib/compiler/index.js'
import {test} from '../cli/helpers.js'

async function project(dir: string, plugin: string) {
  await writeFile(path.join(dir, 'plugin.manifest.json'), JSON.stringify({api: '1', name: 'Watched', version: '1.0.0'}))
  await mkdir(path.join(dir, 'src'), {recursive: true})
  await writeFile(path.join(dir, 'src', 'plugin.ts'), plugin)
}

const plugin = (body: string) => `import {definePlugin, owncast} from '@owncast/plugin-sdk'\ndefinePlugin({onChatMessage(msg) {\n  ${body}\n}})\n`

describe('createBackgroundTypechecker (worker thread)', () => {
  test('finds an error, then the edit that fixes it, reusing its program', async ({tempDir}) => {
    await project(tempDir, plugin('const n: number = msg.body'))
    const checker = createBackgroundTypechecker({dir: tempDir})
    try {
      const broken = await checker.check()
      expect(broken).toMatchObject({checked: true, errors: 1, files: 1})
      expect(broken.diagnostics).toEqual([
        expect.objectContaining({
          category: 'error',
          code: 2322,
          file: path.join(tempDir, 'src', 'plugin.ts'),
          line: 3,
          column: 9,
          text: "Type 'string' is not assignable to type 'number'. ts(2322)",
          frame: expect.stringContaining('> 3 |   const n: number = msg.body'),
        }),
      ])
      expect(existsSync(path.join(tempDir, 'dist', '.tsbuildinfo'))).toBe(true)

      await writeFile(path.join(tempDir, 'src', 'plugin.ts'), plugin('owncast.chat.send(msg.body)'))
      const fixed = await checker.check()
      expect(fixed).toMatchObject({checked: true, errors: 0, diagnostics: [], reused: 'program'})
    } finally {
      await checker.close()
    }
  })

  test('checks asked for while one runs share one more check, which sees the latest files', async ({tempDir}) => {
    await project(tempDir, plugin('owncast.chat.send(msg.body)'))
    const checker = createBackgroundTypechecker({dir: tempDir})
    try {
      const first = checker.check()
      await writeFile(path.join(tempDir, 'src', 'plugin.ts'), plugin('owncast.chat.send(msg.body.length)'))
      const second = checker.check()
      const third = checker.check()
      expect(third).toBe(second)
      expect(second).not.toBe(first)
      await first
      const latest = await second
      expect(latest.diagnostics.map((d) => [d.line, d.code])).toEqual([[3, 2345]])
      // Once nothing runs, a check is a new one.
      const fourth = checker.check()
      expect(fourth).not.toBe(second)
      expect((await fourth).diagnostics).toEqual(latest.diagnostics)
    } finally {
      await checker.close()
    }
  })

  test('close() ends the worker: a check in flight rejects, later checks are refused', async ({tempDir}) => {
    await project(tempDir, plugin('owncast.chat.send(msg.body)'))
    const checker = createBackgroundTypechecker({dir: tempDir})
    const outcomes = Promise.allSettled([checker.check(), checker.check()])
    await checker.close()
    const [pending, queued] = await outcomes
    expect(pending).toMatchObject({status: 'rejected', reason: new Error('the type checker is closed')})
    expect(queued).toMatchObject({status: 'rejected', reason: new Error('the type checker is closed')})
    await expect(checker.check()).rejects.toThrow('the type checker is closed')
    await checker.close() // twice is fine
  })
})
