// createProject in process: what `new` writes for every template and language, placeholders,
// binary files, package.json, the SDK declarations, $schema references, and the refusals.
import {existsSync} from 'node:fs'
import {mkdir, readFile, readdir, symlink, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {describe, expect} from 'vitest'
import {buildPlugin} from '../../src/lib/compiler/index.js'
import {UserError} from '../../src/lib/errors.js'
import {createProject, ENGINE_GLOBALS_PATH, SDK_TYPES_PATH} from '../../src/lib/scaffold/create.js'
import {TEMPLATE_NAMES, type Language} from '../../src/lib/scaffold/templates.js'
import {ROOT, test, testContext} from '../cli/helpers.js'

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
const ourVersion = (JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as {version: string}).version

async function listFiles(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = []
  for (const e of await readdir(path.join(dir, rel), {withFileTypes: true})) {
    const p = rel === '' ? e.name : `${rel}/${e.name}`
    if (e.isDirectory()) out.push(...(await listFiles(dir, p)))
    else out.push(p)
  }
  return out.sort()
}

/** Chunks of a PNG, checked the way a decoder does: signature, lengths, CRCs, IHDR first, IEND last. */
function pngChunks(bytes: Buffer): string[] {
  expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true)
  const crcTable = Array.from({length: 256}, (_, n) => {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    return c >>> 0
  })
  const crc = (buf: Buffer) => {
    let c = 0xffffffff
    for (const b of buf) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8)
    return (c ^ 0xffffffff) >>> 0
  }
  const types: string[] = []
  let at = 8
  while (at < bytes.length) {
    const length = bytes.readUInt32BE(at)
    const typeAndData = bytes.subarray(at + 4, at + 8 + length)
    expect(bytes.readUInt32BE(at + 8 + length)).toBe(crc(typeAndData))
    types.push(typeAndData.subarray(0, 4).toString('latin1'))
    at += 12 + length
  }
  expect(at).toBe(bytes.length)
  return types
}

describe('createProject', () => {
  for (const template of TEMPLATE_NAMES) {
    for (const language of ['ts', 'js'] as Language[]) {
      test(`${template} in ${language === 'ts' ? 'TypeScript' : 'JavaScript'}`, async ({tempDir}) => {
        const ctx = testContext(tempDir)
        const result = await createProject(ctx, {name: `my-${template}`, template, language})
        const dir = path.join(tempDir, `my-${template}`)
        expect(result).toMatchObject({dir, displayDir: `my-${template}`, slug: `my-${template}`, template, language, toolVersion: ourVersion})
        expect(ctx.out()).toBe('')

        // what is on disk is what the result lists
        const files = await listFiles(dir)
        expect(result.files.map((f) => f.path)).toEqual(files)
        const source = language === 'ts' ? 'src/plugin.ts' : 'src/plugin.js'
        expect(files).toEqual(
          expect.arrayContaining([
            '.github/workflows/test.yml',
            '.gitignore',
            'INSTRUCTIONS.md',
            'README.md',
            'icon.png',
            'package.json',
            'plugin.manifest.json',
            source,
            SDK_TYPES_PATH,
            ENGINE_GLOBALS_PATH,
            language === 'ts' ? 'tsconfig.json' : 'jsconfig.json',
          ]),
        )
        expect(files.some((f) => /^__tests__\/[^/]+\.test\.json$/.test(f))).toBe(true)
        // the other language's files stay out
        expect(files).not.toContain(language === 'ts' ? 'src/plugin.js' : 'src/plugin.ts')
        expect(files).not.toContain(language === 'ts' ? 'jsconfig.json' : 'tsconfig.json')
        // fragments and dot- names are translated, never copied as they are
        expect(files.filter((f) => /(^|\/)(_[^_]|dot-)/.test(f))).toEqual([])
        if (template === 'overlay') expect(files).toEqual(expect.arrayContaining(['public/overlay.html', 'public/overlay.js', 'public/overlay.css']))

        // every placeholder is filled in every text file
        for (const f of files.filter((name) => name !== 'icon.png')) {
          const text = await readFile(path.join(dir, f), 'utf8')
          expect(text.match(/__[A-Z][A-Z0-9_]*__/g), f).toBeNull()
        }

        const manifest = JSON.parse(await readFile(path.join(dir, 'plugin.manifest.json'), 'utf8'))
        expect(manifest).toMatchObject({
          $schema: './node_modules/owncast-plugin/schemas/manifest.schema.json',
          api: '1',
          name: `My ${template.split('-').map((p) => p[0]!.toUpperCase() + p.slice(1)).join(' ')}`,
          slug: `my-${template}`,
          version: '0.1.0',
        })
        expect(manifest.bot).toEqual({displayName: manifest.name})
        expect(manifest.description.length).toBeGreaterThan(20)
        expect(manifest.permissions.length).toBeGreaterThan(0)

        const pkg = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8'))
        expect(pkg).toEqual({
          name: `my-${template}`,
          version: '0.1.0',
          private: true,
          description: manifest.description,
          scripts: {
            build: 'owncast-plugin build',
            watch: 'owncast-plugin watch',
            test: 'owncast-plugin test',
            serve: 'owncast-plugin serve',
            package: 'owncast-plugin package',
          },
          devDependencies: {'owncast-plugin': `^${ourVersion}`},
        })

        for (const f of files.filter((name) => name.startsWith('__tests__/'))) {
          const scenarios = JSON.parse(await readFile(path.join(dir, f), 'utf8'))
          expect(scenarios.$schema).toBe('../node_modules/owncast-plugin/schemas/scenario.schema.json')
          expect(scenarios.scenarios.length).toBeGreaterThanOrEqual(3)
        }

        const config = JSON.parse(await readFile(path.join(dir, language === 'ts' ? 'tsconfig.json' : 'jsconfig.json'), 'utf8'))
        expect(config.compilerOptions.strict).toBe(true)
        expect(config.compilerOptions.paths).toEqual({'@owncast/plugin-sdk': [`./${SDK_TYPES_PATH}`]})
        const readme = await readFile(path.join(dir, 'README.md'), 'utf8')
        expect(readme).toContain(`# My `)
        expect(readme).toContain(source)
        expect(readme).toContain('## What it does')
      })
    }
  }

  test('icon.png is a valid PNG, byte for byte the template\'s', async ({tempDir}) => {
    await createProject(testContext(tempDir), {name: 'iconic', template: 'chat-bot', language: 'ts'})
    const icon = await readFile(path.join(tempDir, 'iconic', 'icon.png'))
    expect(icon.equals(await readFile(path.join(ROOT, 'templates', 'common', 'icon.png')))).toBe(true)
    const chunks = pngChunks(icon)
    expect(chunks[0]).toBe('IHDR')
    expect(chunks.at(-1)).toBe('IEND')
    expect(chunks).toContain('IDAT')
    expect([icon.readUInt32BE(16), icon.readUInt32BE(20)]).toEqual([128, 128])
  })

  test('the SDK declarations are the shipped ones, under a header', async ({tempDir}) => {
    await createProject(testContext(tempDir), {name: 'typed', template: 'filter', language: 'js'})
    const written = await readFile(path.join(tempDir, 'typed', SDK_TYPES_PATH), 'utf8')
    const shipped = await readFile(path.join(ROOT, 'src', 'lib', 'sdk', 'index.d.ts'), 'utf8')
    expect(written.endsWith(shipped)).toBe(true)
    expect(written.slice(0, -shipped.length)).toMatch(new RegExp(`^// Written by owncast-plugin ${ourVersion.replaceAll('.', '\\.')} `))
  })

  test('the $schema references resolve once owncast-plugin is in node_modules', async ({tempDir}) => {
    await createProject(testContext(tempDir), {name: 'schemed', template: 'overlay', language: 'ts'})
    const dir = path.join(tempDir, 'schemed')
    // what npm install does for this purpose: node_modules/owncast-plugin is this package
    await mkdir(path.join(dir, 'node_modules'))
    await symlink(ROOT, path.join(dir, 'node_modules', 'owncast-plugin'), 'dir')
    const manifest = JSON.parse(await readFile(path.join(dir, 'plugin.manifest.json'), 'utf8'))
    expect(existsSync(path.resolve(dir, manifest.$schema))).toBe(true)
    const scenarios = JSON.parse(await readFile(path.join(dir, '__tests__', 'overlay.test.json'), 'utf8'))
    expect(existsSync(path.resolve(dir, '__tests__', scenarios.$schema))).toBe(true)
  })

  test('an existing empty directory is fine; "." creates the project in place', async ({tempDir}) => {
    await mkdir(path.join(tempDir, 'empty-one'))
    const a = await createProject(testContext(tempDir), {name: 'empty-one', template: 'commands', language: 'ts'})
    expect(a.nextSteps[0]).toBe('cd empty-one')
    const here = path.join(tempDir, 'in-place')
    await mkdir(here)
    const b = await createProject(testContext(here), {name: '.', template: 'commands', language: 'ts'}).catch((e: unknown) => e)
    // "." has no slug in it: the name is the slug
    expect(b).toBeInstanceOf(UserError)
    const c = await createProject(testContext(here), {name: '../in-place', template: 'commands', language: 'ts'})
    expect(c).toMatchObject({slug: 'in-place', displayDir: '.'})
    expect(c.nextSteps).toEqual(['npm install', 'owncast-plugin watch --serve', 'owncast-plugin test', 'owncast-plugin package'])
  })

  test('refuses a directory that is not empty, and a file, writing nothing', async ({tempDir}) => {
    await mkdir(path.join(tempDir, 'taken'))
    await writeFile(path.join(tempDir, 'taken', 'notes.txt'), 'mine')
    const refused = await createProject(testContext(tempDir), {name: 'taken', template: 'chat-bot', language: 'ts'}).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(UserError)
    expect(refused).toMatchObject({code: 'TARGET_NOT_EMPTY', exitCode: 2})
    expect((refused as UserError).message).toContain('notes.txt')
    expect(await readdir(path.join(tempDir, 'taken'))).toEqual(['notes.txt'])
    expect(await readFile(path.join(tempDir, 'taken', 'notes.txt'), 'utf8')).toBe('mine')

    await writeFile(path.join(tempDir, 'a-file'), 'x')
    const file = await createProject(testContext(tempDir), {name: 'a-file', template: 'chat-bot', language: 'ts'}).catch((e: unknown) => e)
    expect(file).toMatchObject({code: 'TARGET_EXISTS', exitCode: 2})
    const under = await createProject(testContext(tempDir), {name: 'a-file/inside', template: 'chat-bot', language: 'ts'}).catch((e: unknown) => e)
    expect(under).toBeInstanceOf(UserError)
    expect(under).toMatchObject({code: 'TARGET_UNUSABLE', exitCode: 2})
  })

  test('an invalid slug writes nothing', async ({tempDir}) => {
    const refused = await createProject(testContext(tempDir), {name: 'My Bot', template: 'chat-bot', language: 'ts'}).catch((e: unknown) => e)
    expect(refused).toMatchObject({code: 'INVALID_SLUG', nextSteps: ['owncast-plugin new my-bot']})
    expect(await readdir(tempDir)).toEqual([])
  })
})

describe('the engine globals', () => {
  test('a new TypeScript project may log with console and encode text: types/ declares what the engine defines', async ({tempDir}) => {
    const ctx = testContext(tempDir)
    const created = await createProject(ctx, {name: 'logs-bot', template: 'chat-bot', language: 'ts'})
    const source = path.join(created.dir, 'src', 'plugin.ts')
    await writeFile(source, `${await readFile(source, 'utf8')}\nconsole.log('loaded', new TextEncoder().encode('x').length, new TextDecoder().decode(new Uint8Array([104])))\n`)
    const result = await buildPlugin(testContext(created.dir), {dir: '.'})
    expect(result.typecheck).toMatchObject({ran: true, errors: 0})
  })
})
