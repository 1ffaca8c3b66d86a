// The static scan of built code behind the permission checks, and lint on real files: a
// project built with the real compiler, a loose .js, a package, the lint-manifest command.
import {mkdir, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {buildPlugin} from '../../src/lib/compiler/index.js'
import {UserError} from '../../src/lib/errors.js'
import {scanPluginCode} from '../../src/lib/manifest/code-usage.js'
import {lintPath} from '../../src/lib/manifest/lint-target.js'
import {packageZip} from '../package/zip-writer.js'
import {runCli, test, testContext} from '../cli/helpers.js'

const apis = (code: string) => scanPluginCode(code).uses.map((u) => `${u.api}→${u.permissions.join('|') || 'ambient'}${u.exact ? '' : '?'}`)
const handlers = (code: string) => scanPluginCode(code).handlers.map((h) => h.name)

describe('scanPluginCode', () => {
  it('finds owncast.* calls in esbuild output and hand-written plugins, with the permission of each', () => {
    expect(apis('import_plugin_sdk.owncast.chat.send(x); import_plugin_sdk2.owncast.kv.getJSON("k")')).toEqual(['owncast.chat.send→chat.send', 'owncast.kv.getJSON→storage.kv'])
    expect(apis('const {owncast} = require("@owncast/plugin-sdk"); owncast.users.banIP(ip); owncast?.videoConfig.write({})')).toEqual([
      'owncast.users.banIP→users.moderate',
      'owncast.videoConfig.write→videoconfig.write',
    ])
    expect(apis('owncast.storage.sql.query("x"); owncast.sql.exec("y"); owncast.storage.upload("a", b); Http.request({url})')).toEqual([
      'owncast.storage.sql→storage.sql',
      'owncast.sql.exec→storage.sql',
      'owncast.storage.upload→storage.upload',
      'Http.request→network.fetch',
    ])
    expect(apis('owncast.timer.setTimeout(f, 1); owncast.log.info("x"); owncast.config.get("k")')).toEqual([
      'owncast.timer.setTimeout→ambient',
      'owncast.log.info→ambient',
      'owncast.config.get→ambient',
    ])
  })

  it('an aliased namespace may need any of its permissions; an unknown namespace is ignored', () => {
    expect(apis('const chat = owncast.chat; chat.send("x")')).toEqual(['owncast.chat→chat.send|chat.history|chat.moderate?'])
    expect(apis('owncast.teleport.now()')).toEqual([])
  })

  it('ignores strings, comments, template text and regular expressions', () => {
    const code = [
      '"owncast.chat.send(x)";',
      "'owncast.kv.set(a)';",
      '// owncast.fs.read("a")',
      '/* owncast.users.list() */',
      '`owncast.sse.send ${owncast.events.emit("a.b")} owncast.http.fetch`;',
      'const re = /owncast.auth.endSession/g;',
      'const half = total / owncast.server.info().viewers / 2;',
    ].join('\n')
    expect(apis(code)).toEqual(['owncast.events.emit→events.emit', 'owncast.server.info→server.read'])
  })

  it("a command's ctx.reply needs chat.send: sure with a commands table, a maybe without", () => {
    expect(apis('definePlugin({ commands: { hi: { run(ctx) { ctx.reply("hi"); ctx.replyPrivately("psst"); } } } })')).toEqual([
      'ctx.reply→chat.send',
      'ctx.replyPrivately→chat.send',
    ])
    expect(apis('thread.reply("hi")')).toEqual(['ctx.reply→chat.send?'])
  })

  it('reads the literal first argument of a call (for emit targets)', () => {
    const [use] = scanPluginCode('owncast.events.emit("score.updated", {n: 1})').uses
    expect(use?.argument).toBe('score.updated')
    expect(scanPluginCode('owncast.events.emit(name, {})').uses[0]?.argument).toBeUndefined()
  })

  it('finds handlers declared as methods, properties, async methods, string keys and assignments', () => {
    const code = `definePlugin({
      onChatMessage(msg) {},
      filterChatMessage: (msg) => filter.pass(),
      async onHttpRequest(req) {},
      "onTabContent": function () {},
      other: { nested: 1 },
    });
    plugin.onSseConnect = (e) => {};
    if (x.onTick) call(x.onTick);
    const s = "onAuthCheck(";`
    expect(handlers(code)).toEqual(['onChatMessage', 'filterChatMessage', 'onHttpRequest', 'onTabContent', 'onSseConnect'])
  })

  it('is opaque when owncast itself is passed around or destructured, not when it is imported', () => {
    expect(scanPluginCode('var {owncast, definePlugin} = require("@owncast/plugin-sdk"); owncast.chat.send("x")').opaque).toBe(false)
    expect(scanPluginCode('var import_plugin_sdk = require("@owncast/plugin-sdk"); import_plugin_sdk.owncast.kv.get("a")').opaque).toBe(false)
    expect(scanPluginCode('const {kv} = owncast; kv.get("a")').opaque).toBe(true)
    expect(scanPluginCode('const api = import_plugin_sdk.owncast;').opaque).toBe(true)
    expect(scanPluginCode('owncast[name].send("x")').opaque).toBe(true)
  })
})

const MANIFEST = {api: '1', name: 'Lint Me', slug: 'lint-me', version: '1.0.0', description: 'd', permissions: ['chat.send', 'storage.kv']}

describe('lintPath: on disk', () => {
  test('a project built with the real compiler: findings point back into src/ through the source map', async ({tempDir}) => {
    await mkdir(path.join(tempDir, 'src'))
    await writeFile(path.join(tempDir, 'plugin.manifest.json'), `${JSON.stringify(MANIFEST, null, 2)}\n`)
    await writeFile(
      path.join(tempDir, 'src', 'plugin.ts'),
      'import {definePlugin, owncast} from "@owncast/plugin-sdk"\n\ndefinePlugin({\n  onChatMessage(msg) {\n    owncast.chat.send("hi")\n    owncast.users.list()\n  },\n})\n',
    )
    const ctx = testContext(tempDir)
    const before = await lintPath(ctx, {path: '.'})
    expect(before.result.checked.code).toBe(false)
    expect(before.result.findings).toEqual([])

    await buildPlugin(ctx, {dir: '.'})
    const report = await lintPath(ctx, {path: 'plugin.manifest.json'})
    expect(report).toMatchObject({file: 'plugin.manifest.json', code: path.join('dist', 'plugin.js'), layout: 'project'})
    expect(report.result.findings.map((f) => [f.rule, f.pointer, `${f.line}:${f.column}`, f.notes?.[0]])).toEqual([
      ['permission-missing', '/permissions', '7:18', `owncast.users.list at ${path.join('src', 'plugin.ts')}:6:5`],
      ['permission-unused', '/permissions/1', '9:5', 'dist/plugin.js makes no call that needs it; admins see every permission at install time, so drop the ones you do not use'],
    ])
  })

  test('build runs the same engine on its bundle: what the host refuses at load fails the build, the rest warns', async ({tempDir}) => {
    await mkdir(path.join(tempDir, 'src'))
    await writeFile(path.join(tempDir, 'plugin.manifest.json'), `${JSON.stringify({...MANIFEST, version: '1.0'}, null, 2)}\n`)
    await writeFile(path.join(tempDir, 'src', 'plugin.ts'), 'import {definePlugin, filter} from "@owncast/plugin-sdk"\n\ndefinePlugin({\n  filterChatMessage: () => filter.pass(),\n})\n')
    const ctx = testContext(tempDir)
    const err = (await buildPlugin(ctx, {dir: '.'}).catch((e: unknown) => e)) as UserError
    expect(err).toBeInstanceOf(UserError)
    expect(err).toMatchObject({exitCode: 1, code: 'MANIFEST_INVALID', message: 'plugin.manifest.json has 1 error with this code'})
    expect(err.diagnostics[0]).toMatchObject({
      text: 'plugin subscribes to filterChatMessage but does not declare the "chat.filter" permission: the host refuses to load it',
      pointer: '/permissions',
      notes: [`filterChatMessage at ${path.join('src', 'plugin.ts')}:4:3`, 'Add "chat.filter" to "permissions"'],
    })

    await writeFile(path.join(tempDir, 'plugin.manifest.json'), `${JSON.stringify({...MANIFEST, version: '1.0', permissions: ['chat.filter', 'storage.kv']}, null, 2)}\n`)
    const built = await buildPlugin(ctx, {dir: '.'})
    expect(built.warnings.map((w) => [w.pointer, w.text])).toEqual([
      ['/version', 'version "1.0" is not a semantic version; did you mean "1.0.0"?'],
      ['/permissions/1', 'permission "storage.kv" is declared but the built code never needs it'],
    ])
  })

  test('with register: a wasm built from an older manifest reports its version; a script that throws at load is an error', async ({tempDir}) => {
    await mkdir(path.join(tempDir, 'src'))
    const write = (doc: object) => writeFile(path.join(tempDir, 'plugin.manifest.json'), `${JSON.stringify(doc, null, 2)}\n`)
    await write({...MANIFEST, permissions: ['chat.send']})
    await writeFile(path.join(tempDir, 'src', 'plugin.js'), 'const {definePlugin, owncast} = require("@owncast/plugin-sdk")\ndefinePlugin({onChatMessage() { owncast.chat.send("x") }})\n')
    const ctx = testContext(tempDir)
    await buildPlugin(ctx, {dir: '.', target: 'wasm'})
    await write({...MANIFEST, version: '1.1.0', permissions: ['chat.send']})
    expect((await lintPath(ctx, {})).result.findings).toEqual([]) // without the sandbox the stale wasm goes unseen
    const report = await lintPath(ctx, {register: true})
    expect(report.result.checked.registration).toBe(true)
    expect(report.result.findings.map((f) => [f.rule, f.pointer, f.message])).toEqual([
      ['version-mismatch', '/version', 'register() reports version "1.0.0" but the manifest says "1.1.0": the build is stale'],
    ])

    await writeFile(path.join(tempDir, 'loose.manifest.json'), JSON.stringify(MANIFEST))
    await writeFile(path.join(tempDir, 'loose.js'), 'require("@owncast/plugin-sdk"); throw new Error("no config at load")')
    const thrown = await lintPath(ctx, {path: 'loose.js', register: true})
    expect(thrown.result.errors.map((f) => [f.rule, f.pointer])).toEqual([['register-agreement', '']])
    expect(thrown.result.errors[0]?.message).toMatch(/^register\(\) failed in the sandbox, so the host refuses to load it: .*no config at load/)
  })

  test('a loose .js beside its manifest is flagged; with a .wasm beside it, it is not', async ({tempDir}) => {
    await writeFile(path.join(tempDir, 'bot.manifest.json'), JSON.stringify({...MANIFEST, permissions: ['chat.send']}))
    await writeFile(path.join(tempDir, 'bot.js'), 'var {owncast, definePlugin} = require("@owncast/plugin-sdk"); definePlugin({onChatMessage() { owncast.chat.send("x") }})')
    const ctx = testContext(tempDir)
    const loose = await lintPath(ctx, {path: 'bot.js'})
    expect(loose.layout).toBe('loose')
    expect(loose.result.findings.map((f) => f.rule)).toEqual(['loose-js'])
    expect((await lintPath(ctx, {path: 'bot.manifest.json'})).result.findings.map((f) => f.rule)).toEqual(['loose-js'])
    await writeFile(path.join(tempDir, 'bot.wasm'), '')
    expect((await lintPath(ctx, {path: 'bot.manifest.json'})).result.findings).toEqual([])
  })

  test('an .ocpkg: its manifest, its entries and its plugin.js', async ({tempDir}) => {
    const manifest = {...MANIFEST, permissions: ['chat.send', 'ui.modify'], styles: ['a.css', 'b.css']}
    await writeFile(
      path.join(tempDir, 'p.ocpkg'),
      packageZip(manifest, 'var {owncast, definePlugin} = require("@owncast/plugin-sdk"); definePlugin({onChatMessage() { owncast.chat.send("x") }})', [{name: 'assets/a.css', data: 'a{}'}]),
    )
    const report = await lintPath(testContext(tempDir), {path: 'p.ocpkg'})
    expect(report).toMatchObject({file: 'p.ocpkg:plugin.manifest.json', layout: 'package', code: 'p.ocpkg:plugin.js'})
    expect(report.result.findings.map((f) => [f.rule, f.pointer])).toEqual([['asset-missing', '/styles/1']])
  })

  test('a missing path is a usage error (exit 2)', async ({tempDir}) => {
    const err = await lintPath(testContext(tempDir), {path: 'nope'}).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UserError)
    expect(err).toMatchObject({exitCode: 2, code: 'LINT_TARGET_NOT_FOUND'})
    const noManifest = await lintPath(testContext(tempDir), {}).catch((e: unknown) => e)
    expect(noManifest).toMatchObject({exitCode: 2, code: 'MANIFEST_NOT_FOUND'})
  })
})

describe('owncast-plugin lint-manifest (compiled CLI)', () => {
  test('exit codes: 0 clean or warnings only, 1 errors or --strict warnings, 2 usage; findings on stdout', async ({tempDir}) => {
    const write = (doc: object) => writeFile(path.join(tempDir, 'plugin.manifest.json'), `${JSON.stringify(doc, null, 2)}\n`)
    await write(MANIFEST)
    const clean = await runCli(['lint-manifest', tempDir])
    expect(clean.code).toBe(0)
    expect(clean.stdout).toMatch(/✔ .*plugin\.manifest\.json: no problems\n$/)
    expect(clean.stderr).toContain('no build found')

    await write({...MANIFEST, version: '1.0', permissions: ['chat.sned']})
    const warned = await runCli(['lint-manifest', tempDir])
    expect(warned.code).toBe(0)
    expect(warned.stdout).toContain('plugin.manifest.json:5:14: warning: version "1.0" is not a semantic version; did you mean "1.0.0"? [version-semver] (at /version)')
    expect(warned.stdout).toMatch(/! .*: 0 errors, 2 warnings; the Owncast server accepts it\n$/)
    const strict = await runCli(['lint-manifest', tempDir, '--strict', '--json'])
    expect(strict.code).toBe(1)
    const json = JSON.parse(strict.stdout)
    expect(json).toMatchObject({ok: false, strict: true, errors: 0, warnings: 2, layout: 'project'})
    expect(json.findings.map((f: {rule: string}) => f.rule)).toEqual(['version-semver', 'unknown-permission'])
    expect(json.findings[1]).toEqual({
      severity: 'warning',
      rule: 'unknown-permission',
      message: 'unknown permission "chat.sned" is ignored by the host; did you mean "chat.send"?',
      pointer: '/permissions/0',
      line: 8,
      column: 5,
    })

    await write({...MANIFEST, api: '2'})
    const failed = await runCli(['lint-manifest', path.join(tempDir, 'plugin.manifest.json')])
    expect(failed.code).toBe(1)
    expect(failed.stdout).toContain('error: unsupported api version "2" (host supports "1") [api-version] (at /api)')
    expect(failed.stdout).toContain('> 2 |   "api": "2",')

    const missing = await runCli(['lint-manifest', path.join(tempDir, 'nope')])
    expect(missing.code).toBe(2)
    expect(missing.stdout).toBe('')
    expect(missing.stderr).toContain('does not exist')
  })
})
