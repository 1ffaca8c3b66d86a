// `build` stamps what built a plugin (tool, engine, contract) into plugin.js and plugin.wasm;
// `inspect` reads it back and compares it with the running tool (issue 9: versioning).
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { describe, expect } from 'vitest';

import { buildPlugin } from '../../src/lib/compiler/index.js';
import { appendCustomSection, readWasmSummary } from '../../src/lib/engine/wasm-sections.js';
import { inspectPath } from '../../src/lib/inspect/index.js';
import { buildStamp, STAMP_SECTION } from '../../src/lib/version.js';
import { test, testContext } from '../cli/helpers.js';
import { writeProject } from '../package/project.js';

const inspect = (cwd: string, p: string) => inspectPath(testContext(cwd), { path: p, register: false });

describe('build stamps, read back by inspect', () => {
  test('plugin.js carries the stamp on its first line and still fits the engine contract', async ({ tempDir }) => {
    await writeProject(tempDir);
    await buildPlugin(testContext(tempDir), { dir: '.', typecheck: 'off' });
    const script = await readFile(path.join(tempDir, 'dist', 'plugin.js'), 'utf8');
    expect(script.split('\n')[0]).toBe(`/*! owncast-plugin build ${JSON.stringify(buildStamp())} */`);
    const r = await inspect(tempDir, 'dist/plugin.js');
    expect(r.code?.contract).toEqual({ ok: true, problems: [] });
    expect(r.code?.builtBy).toEqual({ ...buildStamp(), sameTool: true, sameEngine: true, sameContract: true });
  });

  test('plugin.wasm carries it as a custom section', async ({ tempDir }) => {
    await writeProject(tempDir);
    await buildPlugin(testContext(tempDir), { dir: '.', target: 'wasm', typecheck: 'off' });
    const wasm = new Uint8Array(await readFile(path.join(tempDir, 'dist', 'plugin.wasm')));
    expect(readWasmSummary(wasm).customSections.map((c) => c.name)).toContain(STAMP_SECTION);
    expect(() => new WebAssembly.Module(wasm)).not.toThrow();
    const r = await inspect(tempDir, 'dist/plugin.wasm');
    expect(r.code?.contract.ok).toBe(true);
    expect(r.code?.builtBy).toMatchObject({ tool: buildStamp().tool, sameEngine: true, sameContract: true });
  });

  test('a stamp from another engine or contract is reported as different; no stamp is null', async ({ tempDir }) => {
    await writeProject(tempDir);
    await buildPlugin(testContext(tempDir), { dir: '.', target: 'wasm', typecheck: 'off' });
    const script = await readFile(path.join(tempDir, 'dist', 'plugin.js'), 'utf8');
    const old = { ...buildStamp(), tool: 'owncast-plugin@0.0.9', engine: '0123456789abcdef', contract: 'fedcba9876543210' };
    await writeFile(path.join(tempDir, 'old.js'), script.replace(/^.*\n/, `/*! owncast-plugin build ${JSON.stringify(old)} */\n`));
    expect((await inspect(tempDir, 'old.js')).code?.builtBy).toEqual({ ...old, sameTool: false, sameEngine: false, sameContract: false });

    await writeFile(path.join(tempDir, 'plain.js'), script.replace(/^.*\n/, ''));
    expect((await inspect(tempDir, 'plain.js')).code?.builtBy).toBeNull();

    const wasm = new Uint8Array(await readFile(path.join(tempDir, 'dist', 'plugin.wasm')));
    const summary = readWasmSummary(wasm);
    const section = summary.customSections.find((c) => c.name === STAMP_SECTION)!;
    // the stamp is the last section: cut it off (its header is the bytes just before the payload)
    const headerStart = wasm.lastIndexOf(0, section.offset - STAMP_SECTION.length - 2);
    const bare = wasm.subarray(0, headerStart);
    expect(readWasmSummary(bare).customSections.map((c) => c.name)).not.toContain(STAMP_SECTION);
    await writeFile(path.join(tempDir, 'other.wasm'), appendCustomSection(bare, 'producers', new TextEncoder().encode('x')));
    expect((await inspect(tempDir, 'other.wasm')).code?.builtBy).toBeNull();
  });
});
