// inspect on every form a plugin comes in: packages written by `package`, plugin.wasm built
// by the real compiler (both import modes) and hand-assembled, plugin.js bundles, projects.
// register() runs in the real engine.
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { describe, expect } from 'vitest';

import { buildPlugin } from '../../src/lib/compiler/index.js';
import { inspectPath } from '../../src/lib/inspect/index.js';
import { packagePlugin } from '../../src/lib/package/write.js';
import { test, testContext } from '../cli/helpers.js';
import { funcType, I32, I64, name, section, vec } from '../helpers/wasm-bytes.js';
import { writeProject } from '../package/project.js';
import { packageZip } from '../package/zip-writer.js';

const inspect = (cwd: string, p: string, register = true) => inspectPath(testContext(cwd), { path: p, register });

describe('inspect: a package written by `package`', () => {
  test('manifest, code contract, permissions against the code, register(), files with ratios, icon, instructions, sha256', async ({ tempDir }) => {
    await writeProject(tempDir);
    const packed = await packagePlugin(testContext(tempDir), { dir: '.', preflight: false });
    const r = await inspect(tempDir, 'pack-test.ocpkg');
    expect(r).toMatchObject({ path: 'pack-test.ocpkg', kind: 'package', valid: true, problems: [] });
    expect(r.file).toEqual({ bytes: packed.bytes, sha256: packed.sha256 });
    expect(r.manifest).toMatchObject({ name: 'Pack Test', slug: 'pack-test', version: '1.2.3', botDisplayName: 'Pack Test', actions: ['Overlay'], styles: ['/plugins/pack-test/theme.css'] });
    const script = await readFile(path.join(tempDir, 'dist', 'plugin.js'));
    expect(r.code).toMatchObject({ entry: 'plugin.js', kind: 'js', bytes: script.length, sha256: createHash('sha256').update(script).digest('hex'), contract: { ok: true, problems: [] } });
    expect(r.code?.script?.requires).toEqual(['@owncast/plugin-sdk']);
    expect(r.permissions.map((p) => [p.permission, p.status, p.usedBy.join(', ')])).toEqual([
      ['chat.send', 'ok', 'owncast.chat.send'],
      ['http.serve', 'ok', 'public/ files, manifest action links'],
      ['storage.kv', 'ok', 'owncast.kv.set'],
      ['ui.modify', 'ok', 'manifest actions, manifest styles/scripts'],
    ]);
    expect(r.register).toMatchObject({
      ok: true,
      subscriptions: { notify: [{ event: 'chat.message.received' }], filter: [] },
      commands: [{ name: 'ping', prefix: '!', description: 'answers pong' }],
      version: '1.2.3',
    });
    expect(r.files.map((f) => f.name)).toEqual(packed.entries.map((e) => e.name));
    const dot = r.files.find((f) => f.name === 'public/img/dot.bin')!;
    expect(dot.size).toBe(2000);
    expect(dot.ratio).toBeCloseTo(dot.size / dot.compressedSize!, 5);
    expect(r.icon).toEqual({ present: true, bytes: 8 });
    expect(r.instructions).toEqual({ present: true, bytes: 22 });
    expect(r.lint).toEqual({ errors: [], warnings: [] });
  });

  test('a package the host would refuse at load: the reason, located in its manifest', async ({ tempDir }) => {
    const manifest = { api: '1', name: 'Filterer', version: '1.0.0', description: 'd', permissions: ['chat.send'] };
    // the handler name is built at run time, so only register() in the sandbox can see it
    await writeFile(
      path.join(tempDir, 'f.ocpkg'),
      packageZip(manifest, 'const d = {}; d["filter" + "ChatMessage"] = () => {}; require("@owncast/plugin-sdk").definePlugin(d);', [{ name: 'notes.txt', data: 'x' }]),
    );
    const r = await inspect(tempDir, 'f.ocpkg');
    expect(r.valid).toBe(false);
    expect(r.register?.refusal).toMatch(/^manifest\/runtime mismatch: plugin subscribes to filterChatMessage but does not declare the "chat.filter" permission/);
    expect(r.register?.subscriptions.filter).toEqual([{ event: 'chat.message.received', priority: 100 }]);
    expect(r.problems).toEqual([expect.stringMatching(/^f\.ocpkg:plugin\.manifest\.json:6:18: manifest\/runtime mismatch: plugin subscribes to filterChatMessage/)]);
    expect(r.permissions.find((p) => p.permission === 'chat.filter')).toEqual({ permission: 'chat.filter', declared: false, usedBy: ['filter on chat.message.received'], status: 'missing' });
    expect(r.notes).toContain('the Owncast server ignores this entry: notes.txt');
  });

  test('a plugin.js that breaks the engine contract, and one that throws at load', async ({ tempDir }) => {
    const manifest = { api: '1', name: 'Bad Code', version: '1.0.0', description: 'd', permissions: [] };
    await writeFile(path.join(tempDir, 'esm.ocpkg'), packageZip(manifest, 'import fs from "fs";\nexport default 1;\n'));
    const esm = await inspect(tempDir, 'esm.ocpkg');
    expect(esm.valid).toBe(false);
    expect(esm.code?.contract.problems).toEqual([expect.stringMatching(/^not a classic script body \(Cannot use import statement outside a module\)/), 'never requires "@owncast/plugin-sdk": a plugin registers through the engine\'s own SDK; one with the SDK bundled in registers on a private copy and receives nothing']);
    expect(esm.register).toBeUndefined(); // not run: the engine could not even evaluate it

    await writeFile(path.join(tempDir, 'req.ocpkg'), packageZip(manifest, 'const fs = require("fs"); require("@owncast/plugin-sdk").definePlugin({}); import("./x.js");'));
    expect((await inspect(tempDir, 'req.ocpkg')).code?.contract.problems).toEqual([
      'requires "fs": the engine resolves only "@owncast/plugin-sdk" (it throws "plugin required unknown module")',
      'dynamic import() is not supported by the engine',
    ]);

    await writeFile(path.join(tempDir, 'throws.ocpkg'), packageZip(manifest, 'require("@owncast/plugin-sdk"); throw new Error("no config");'));
    const throws = await inspect(tempDir, 'throws.ocpkg');
    expect(throws.valid).toBe(false);
    expect(throws.register?.failure).toContain('no config');
    expect(throws.problems).toEqual([expect.stringContaining('register() failed: ')]);
  });
});

describe('inspect: plugin.wasm', () => {
  test('built by the real compiler: contract, entry points, imports all or granted, register() from the wasm', async ({ tempDir }) => {
    await writeProject(tempDir, { files: { 'assets/theme.css': 'a{}', 'public/overlay.html': 'x' } });
    const ctx = testContext(tempDir);
    await buildPlugin(ctx, { dir: '.', target: 'wasm', imports: 'granted' });
    const granted = await inspect(tempDir, 'dist/plugin.wasm');
    expect(granted).toMatchObject({ kind: 'wasm', valid: true, problems: [] });
    const wasm = granted.code!.wasm!;
    expect(wasm).toMatchObject({ builder: 'owncast-plugin', importsMode: 'granted', notImported: [], ok: true });
    expect(wasm.entryPoints.missing).toEqual([]);
    const user = wasm.imports.find((g) => g.module === 'extism:host/user')!;
    expect(user.role).toBe('owncast host functions');
    // what chat.send, storage.kv, http.serve and ui.modify grant, plus the ambient functions
    expect(new Set(user.functions.map((f) => f.permission))).toEqual(new Set(['', 'chat.send', 'storage.kv', 'ui.modify']));
    expect(user.functions.find((f) => f.name === 'owncast_send_chat')).toEqual({ name: 'owncast_send_chat', signature: '(i64) -> ()', permission: 'chat.send' });
    expect(wasm.imports.map((g) => g.role).sort()).toEqual(['Extism kernel', 'WASI preview 1', 'owncast host functions']);
    expect(granted.register?.commands.map((c) => c.name)).toEqual(['ping']);
    // the plugin.js beside it is scanned for the permission table
    expect(granted.permissions.find((p) => p.permission === 'chat.send')?.status).toBe('ok');

    // the engine itself imports every host function (as `build --target wasm` does by default)
    const engine = await inspect(process.cwd(), 'engine/engine.wasm', false);
    expect(engine.code?.wasm).toMatchObject({ importsMode: 'all', builder: 'owncast-plugin', ok: true });
    expect(engine.notes).toEqual(['no engine.manifest.json beside it: the manifest and register() cannot be checked']);
  });

  test('hand-assembled: an older signature, an unknown host function, a foreign module, no register()', async ({ tempDir }) => {
    const types = section(1, vec([funcType([I32], [I64]), funcType([], []), funcType([], [I32])]));
    const imports = section(
      2,
      vec([
        [...name('extism:host/user'), ...name('owncast_chat_history'), 0x00, 0],
        [...name('extism:host/user'), ...name('owncast_teleport'), 0x00, 1],
        [...name('env'), ...name('abort'), 0x00, 1],
      ]),
    );
    const funcs = section(3, vec([[2]]));
    const memory = section(5, vec([[0x00, 1]]));
    const exports = section(7, vec([[...name('memory'), 0x02, 0], [...name('on_event'), 0x00, 3]]));
    const code = section(10, vec([[4, 0x00, 0x41, 0x00, 0x0b]]));
    const bytes = Buffer.from([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...types, ...imports, ...funcs, ...memory, ...exports, ...code]);
    expect(WebAssembly.validate(bytes)).toBe(true);
    await writeFile(path.join(tempDir, 'old.wasm'), bytes);
    await writeFile(path.join(tempDir, 'old.manifest.json'), JSON.stringify({ api: '1', name: 'Old', version: '1.0.0', description: 'd', permissions: ['chat.history'] }));
    const r = await inspect(tempDir, 'old.wasm');
    expect(r.valid).toBe(false);
    expect(r.code?.wasm).toMatchObject({ builder: 'other', importsMode: 'subset' });
    expect(r.code?.contract.problems).toEqual([
      "imports owncast_chat_history: production's signature is (i64) -> i64: the module will not link (built against an older contract?)",
      'imports owncast_teleport: production provides no such host function: the module will not link',
      'imports from module "env", which no Owncast host provides: it will not link',
      'does not export register(): the host refuses to load it ("plugin does not export register()")',
    ]);
    expect(r.code?.wasm?.entryPoints).toEqual({ present: ['on_event'], missing: ['register', 'on_filter', 'on_http_request', 'on_auth_check', 'on_tab_content', 'on_page_content', 'on_page_styles', 'on_page_scripts'] });
    expect(r.register).toBeUndefined();

    await writeFile(path.join(tempDir, 'junk.wasm'), 'not wasm');
    expect((await inspect(tempDir, 'junk.wasm')).code?.contract.problems).toEqual(['not a readable WebAssembly module: not a WebAssembly binary (bad magic number)']);
  });
});

describe('inspect: plugin.js files and projects', () => {
  test('a loose <name>.js with its manifest: valid, with the note that production will not discover it', async ({ tempDir }) => {
    await writeFile(path.join(tempDir, 'bot.manifest.json'), JSON.stringify({ api: '1', name: 'Bot', version: '1.0.0', description: 'd', permissions: ['chat.send', 'storage.kv'] }));
    await writeFile(path.join(tempDir, 'bot.js'), 'const {owncast, definePlugin} = require("@owncast/plugin-sdk"); definePlugin({onChatMessage() { owncast.chat.send("x"); }});');
    const r = await inspect(tempDir, 'bot.js');
    expect(r).toMatchObject({ kind: 'script', valid: true });
    expect(r.notes).toEqual([expect.stringMatching(/^production Owncast discovers only \.ocpkg and \.wasm files/)]);
    expect(r.lint?.warnings.map((w) => w.rule)).toEqual(['loose-js', 'permission-unused']);
    expect(r.permissions.map((p) => [p.permission, p.status])).toEqual([
      ['chat.send', 'ok'],
      ['storage.kv', 'unused'],
    ]);
  });

  test('a project: its build in dist/, or a hint when there is none', async ({ tempDir }) => {
    await writeProject(tempDir);
    const unbuilt = await inspect(tempDir, '.');
    expect(unbuilt).toMatchObject({ kind: 'project', valid: false, problems: ['not built yet (no dist/plugin.js or dist/plugin.wasm)'], code: null });
    expect(unbuilt.manifest?.slug).toBe('pack-test');
    await buildPlugin(testContext(tempDir), { dir: '.' });
    const built = await inspect(tempDir, '.');
    expect(built).toMatchObject({ kind: 'project', valid: true, code: { entry: 'dist/plugin.js' } });
    expect(built.icon.present).toBe(true);
    expect(built.files).toEqual([]);
  });

  test('unsupported and missing paths are usage errors (exit 2)', async ({ tempDir }) => {
    await mkdir(path.join(tempDir, 'empty'));
    await writeFile(path.join(tempDir, 'readme.txt'), 'x');
    for (const [p, code] of [['nope.ocpkg', 'INSPECT_NOT_FOUND'], ['readme.txt', 'INSPECT_UNSUPPORTED'], ['empty', 'MANIFEST_NOT_FOUND']]) {
      const err = await inspect(tempDir, p!).catch((e: unknown) => e);
      expect(err, p).toMatchObject({ exitCode: 2, code });
    }
  });
});
