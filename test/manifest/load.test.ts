import {mkdir, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {describe, expect} from 'vitest'
import {UserError} from '../../src/lib/errors.js'
import {loadValidManifest, readManifest} from '../../src/lib/manifest/index.js'
import {test, testContext} from '../cli/helpers.js'

describe('reading plugin.manifest.json from disk', () => {
  test('reads, validates and normalizes a real file', async ({tempDir}) => {
    await writeFile(path.join(tempDir, 'plugin.manifest.json'), '{"api": "1", "name": "Echo Bot", "version": "0.1.0"}\n')
    const ctx = testContext(tempDir)
    const {manifest, result} = await loadValidManifest(ctx, '.')
    expect(manifest.slug).toBe('echo-bot')
    expect(result.file).toBe(path.join(tempDir, 'plugin.manifest.json'))
    expect(result.source).toBe('{"api": "1", "name": "Echo Bot", "version": "0.1.0"}\n')
  })

  test('a missing manifest is a UserError with exit 2', async ({tempDir}) => {
    await mkdir(path.join(tempDir, 'plugin'))
    const error = await readManifest(testContext(tempDir), 'plugin').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UserError)
    expect(error).toMatchObject({exitCode: 2, code: 'MANIFEST_NOT_FOUND', message: 'No plugin.manifest.json in plugin'})
  })

  test('an invalid manifest is a UserError with exit 1 and a located diagnostic per error', async ({tempDir}) => {
    await writeFile(path.join(tempDir, 'plugin.manifest.json'), '{\n  "api": "1",\n  "name": "x",\n  "version": "",\n  "slug": "9lives"\n}\n')
    const error = (await loadValidManifest(testContext(tempDir), '.').catch((e: unknown) => e)) as UserError
    expect(error).toBeInstanceOf(UserError)
    expect(error.exitCode).toBe(1)
    expect(error.message).toBe('plugin.manifest.json has 2 errors')
    expect(error.diagnostics.map((d) => [d.file, d.line, d.column, d.pointer, d.text])).toEqual([
      ['plugin.manifest.json', 4, 14, '/version', 'manifest.version is required'],
      ['plugin.manifest.json', 5, 11, '/slug', 'manifest.slug "9lives" is invalid; must match ^[a-z][a-z0-9-]{0,63}$'],
    ])
    expect(error.diagnostics[0]?.frame).toContain('> 4 |   "version": "",')
  })
})
