// The templates' code: each TypeScript plugin type-checks under `strict` against the SDK
// declarations the project carries (tsconfig.json), each JavaScript plugin under checkJs
// (jsconfig.json), and the two variants are the same program: stripping the types from the .ts
// gives what esbuild makes of the .js. (test/cli/newcomer.test.ts runs both through the template's
// scenarios with the real CLI.)
import {readFile} from 'node:fs/promises'
import path from 'node:path'
import {transform} from 'esbuild'
import {describe, expect} from 'vitest'
import {createProject} from '../../src/lib/scaffold/create.js'
import {TEMPLATE_NAMES, type Language} from '../../src/lib/scaffold/templates.js'
import {ROOT, test, testContext} from '../cli/helpers.js'
import {typeCheckProject} from '../helpers/tsc.js'

describe('template code', () => {
  for (const template of TEMPLATE_NAMES) {
    describe(template, () => {
      for (const language of ['ts', 'js'] as Language[]) {
        test(`type-checks strictly in ${language === 'ts' ? 'TypeScript (tsconfig.json)' : 'JavaScript (jsconfig.json, checkJs)'}`, async ({tempDir}) => {
          const project = await createProject(testContext(tempDir), {name: 'checked', template, language})
          const checked = typeCheckProject(path.join(project.dir, language === 'ts' ? 'tsconfig.json' : 'jsconfig.json'))
          expect(checked.errors).toBe('')
          expect(checked.options.strict).toBe(true)
          if (language === 'js') expect(checked.options.checkJs).toBe(true)
          // the SDK resolved to the declarations written into the project, not to anything else
          expect(checked.files).toContain(path.join(project.dir, 'types', 'owncast-plugin-sdk.d.ts').split(path.sep).join('/'))
          expect(checked.files).toContain(path.join(project.dir, project.source).split(path.sep).join('/'))
        })
      }

      test('its .ts and .js are the same code once the types are stripped', async () => {
        const dir = path.join(ROOT, 'templates', template, 'src')
        const [tsSource, jsSource] = await Promise.all([readFile(path.join(dir, 'plugin.ts'), 'utf8'), readFile(path.join(dir, 'plugin.js'), 'utf8')])
        const [fromTs, fromJs] = await Promise.all([transform(tsSource, {loader: 'ts', format: 'esm'}), transform(jsSource, {loader: 'js', format: 'esm'})])
        expect(fromJs.code).toBe(fromTs.code)
        expect(fromTs.code).toContain('definePlugin(')
      })
    })
  }

  test('a type error in a template would be caught', async ({tempDir}) => {
    const project = await createProject(testContext(tempDir), {name: 'broken', template: 'chat-bot', language: 'js'})
    const file = path.join(project.dir, project.source)
    const {writeFile} = await import('node:fs/promises')
    await writeFile(file, `${await readFile(file, 'utf8')}\nowncast.chat.send(42)\n`)
    expect(typeCheckProject(path.join(project.dir, 'jsconfig.json')).errors).toMatch(/TS2345.*number.*string/)
  })
})
