import {createHash} from 'node:crypto'
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {QUICKJS_VERSION, readScriptStamp, stampComment, toolVersion} from '../../src/lib/version.js'
import {ROOT, runCli} from './helpers.js'

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'))

describe('owncast-plugin --version', () => {
  it('names the QuickJS release engine/build.sh compiles', () => {
    const build = readFileSync(path.join(ROOT, 'engine', 'build.sh'), 'utf8')
    expect(build).toMatch(new RegExp(`^QJS_VERSION=${QUICKJS_VERSION.replaceAll('.', '\\.')}$`, 'm'))
  })

  it('hashes the committed engine and counts the production host functions', () => {
    const v = toolVersion()
    expect(v.cli).toBe(pkg.version)
    expect(v.engine.sha256).toBe(createHash('sha256').update(readFileSync(path.join(ROOT, 'engine', 'engine.wasm'))).digest('hex'))
    const production = JSON.parse(readFileSync(path.join(ROOT, 'engine', 'host-functions.json'), 'utf8'))
    expect(v.contract.hostFunctions).toBe(production.functions.length)
    expect(v.contract.sha256).toMatch(/^[0-9a-f]{64}$/)
  })

  it('prints the CLI, engine and contract lines from the compiled binary', async () => {
    const run = await runCli(['--version'])
    expect(run.code).toBe(0)
    const v = toolVersion()
    expect(run.stdout.split('\n')).toEqual([
      `owncast-plugin/${pkg.version} ${process.platform}-${process.arch} node-${process.version}`,
      `engine: QuickJS ${QUICKJS_VERSION}, engine.wasm sha256:${v.engine.sha256.slice(0, 16)}`,
      `contract: Owncast plugin API "1", ${v.contract.hostFunctions} host functions (extism:host/user) sha256:${v.contract.sha256.slice(0, 16)}`,
      '',
    ])
    expect(run.stderr).toBe('')
  })

  it('prints the same as JSON with --json', async () => {
    const run = await runCli(['--version', '--json'])
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout)).toEqual(toolVersion())
  })
})

describe('build stamps', () => {
  it('round-trip through a script first line and ignore other scripts', () => {
    const comment = stampComment()
    expect(readScriptStamp(`${comment}\n"use strict";`)).toEqual({
      tool: `owncast-plugin@${pkg.version}`,
      quickjs: QUICKJS_VERSION,
      engine: toolVersion().engine.sha256.slice(0, 16),
      pluginApi: '1',
      contract: toolVersion().contract.sha256.slice(0, 16),
    })
    expect(readScriptStamp('"use strict";\nmodule.exports = {}')).toBeUndefined()
    expect(readScriptStamp('/*! owncast-plugin build {not json */')).toBeUndefined()
  })
})
