// Loading sources from each layout, with real plugins built by our compiler.
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PluginError, UserError } from '../../../src/lib/errors.js';
import type { PluginSource } from '../../../src/lib/host/host.js';
import {
  directoryFileSource,
  loadSource,
  LOOSE_JS_WARNING,
  readPluginFileInfo,
  type LoadedSource,
} from '../../../src/lib/host/manager/index.js';
import { chatMessage } from '../../helpers/host.js';
import { build, hostLoader, manifestJson, ocpkgBytes, removeTemps, SOURCES, tempDir, writeLoose, writeOcpkg, writeProject } from './helpers.js';

const MANIFEST = { name: 'Source Test', slug: 'source-test', permissions: ['chat.send'] };
const BINARY = Uint8Array.from({ length: 300 }, (_, i) => (i * 91) & 0xff);
let echo: PluginSource;

beforeAll(async () => {
  echo = await build(SOURCES.echo('src'), MANIFEST);
});
afterAll(removeTemps);

async function failure(p: Promise<unknown>): Promise<Error> {
  const err = await p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e as Error,
  );
  return err;
}

describe('loose files', () => {
  it('loads <base>.js next to <base>.manifest.json with its siblings, and warns that production will not discover it', async () => {
    const dir = await tempDir();
    const file = await writeLoose(dir, 'my-bot', echo, MANIFEST);
    await mkdir(join(dir, 'public'));
    await writeFile(join(dir, 'public', 'index.html'), '<p>hi</p>');
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'assets', 'logo.bin'), BINARY);
    await writeFile(join(dir, 'my-bot.INSTRUCTIONS.md'), '# How');
    await writeFile(join(dir, 'my-bot.icon.png'), BINARY);
    await writeFile(join(dir, 'my-bot.js.map'), echo.sourceMap!);
    const src = await loadSource(file);
    expect(src).toMatchObject({
      slug: 'source-test',
      name: 'Source Test',
      botDisplayName: 'Source Test',
      permissions: ['chat.send'],
      code: 'js',
      script: echo.script,
      instructions: '# How',
      origin: { layout: 'loose', path: file, codeFile: file },
      warnings: [LOOSE_JS_WARNING],
    });
    expect(src.manifestJson).toBe(manifestJson(MANIFEST));
    expect(src.sourceMapFile).toBe(join(dir, 'my-bot.js.map'));
    expect(Buffer.from(src.icon!).equals(Buffer.from(BINARY))).toBe(true);
    expect(Buffer.from(src.publicFiles!.read('index.html')!).toString()).toBe('<p>hi</p>');
    expect(Buffer.from(src.assets!.read('logo.bin')!).equals(Buffer.from(BINARY))).toBe(true);
    expect(src.assets!.list()).toEqual(['logo.bin']);
  });

  it('finds the older <base>-public/ and <base>-assets/ when there is no public/ or assets/', async () => {
    const dir = await tempDir();
    const file = await writeLoose(dir, 'old', echo, MANIFEST);
    await mkdir(join(dir, 'old-public'));
    await writeFile(join(dir, 'old-public', 'a.txt'), 'pub');
    await mkdir(join(dir, 'old-assets'));
    await writeFile(join(dir, 'old-assets', 'b.txt'), 'asset');
    const src = await loadSource(file);
    expect(src.publicFiles!.list()).toEqual(['a.txt']);
    expect(src.assets!.list()).toEqual(['b.txt']);
    expect(src.instructions).toBeUndefined();
    expect(src.icon).toBeUndefined();
  });

  it('is satisfied by a plain plugin.js next to plugin.manifest.json', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'plugin.manifest.json'), manifestJson(MANIFEST));
    await writeFile(join(dir, 'plugin.js'), echo.script!);
    const src = await loadSource(join(dir, 'plugin.js'));
    expect(src.slug).toBe('source-test');
    expect(src.assets).toBeNull();
    expect(src.publicFiles).toBeNull();
  });

  it('needs the sidecar manifest and applies the production manifest rules', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'lonely.js'), echo.script!);
    const missing = await failure(loadSource(join(dir, 'lonely.js')));
    expect(missing).toBeInstanceOf(UserError);
    expect(missing.message).toContain('lonely.manifest.json');
    await writeFile(join(dir, 'lonely.manifest.json'), JSON.stringify({ api: '1', name: 'Lonely' }));
    const invalid = await failure(loadSource(join(dir, 'lonely.js')));
    expect(invalid.message).toBe(`${join(dir, 'lonely.manifest.json')}: manifest.version is required`);
    expect((invalid as UserError).exitCode).toBe(1);
  });

  it('refuses Python plugins clearly, in every layout', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'snake.py'), 'plugin.on_chat(lambda m: None)');
    await writeFile(join(dir, 'snake.manifest.json'), manifestJson(MANIFEST));
    const loose = await failure(loadSource(join(dir, 'snake.py')));
    expect(loose).toBeInstanceOf(UserError);
    expect(loose.message).toContain('Python plugins are not supported by this tool');

    const pkg = join(dir, 'snake.ocpkg');
    const { writeZip } = await import('../../package/zip-writer.js');
    await writeFile(pkg, writeZip([{ name: 'plugin.manifest.json', data: manifestJson(MANIFEST) }, { name: 'plugin.py', data: 'x = 1' }]));
    expect((await failure(loadSource(pkg))).message).toBe('snake.ocpkg: Python plugins are not supported by this tool');
    await expect(readPluginFileInfo(pkg)).rejects.toThrow('Python plugins are not supported by this tool');

    const project = await tempDir();
    await writeFile(join(project, 'plugin.manifest.json'), manifestJson(MANIFEST));
    await writeFile(join(project, 'plugin.py'), 'x = 1');
    expect((await failure(loadSource(project))).message).toContain('Python plugins are not supported by this tool');
  });
});

describe('project directories', () => {
  it('loads dist/plugin.js with its source map, public/, assets/, INSTRUCTIONS.md and icon.png', async () => {
    const dir = await writeProject(await tempDir(), echo, MANIFEST);
    await mkdir(join(dir, 'public'));
    await writeFile(join(dir, 'public', 'x.css'), 'a{}');
    await writeFile(join(dir, 'INSTRUCTIONS.md'), 'read me');
    await writeFile(join(dir, 'icon.png'), BINARY);
    const src = await loadSource(dir);
    expect(src.origin).toEqual({ layout: 'project', path: dir, codeFile: join(dir, 'dist', 'plugin.js') });
    expect(src.sourceMap).toBe(echo.sourceMap);
    expect(src.sourceMapFile).toBe(join(dir, 'dist', 'plugin.js.map'));
    expect(src.publicFiles!.list()).toEqual(['x.css']);
    expect(src.assets).toBeNull();
    expect(src.instructions).toBe('read me');
    expect(src.warnings).toEqual([]);
  });

  it('says how to build when there is nothing built', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'plugin.manifest.json'), manifestJson(MANIFEST));
    const err = await failure(loadSource(dir));
    expect(err.message).toBe(`No built plugin in ${dir} (expected dist/plugin.js or dist/plugin.wasm)`);
    expect((err as UserError).nextSteps[0]).toContain('owncast-plugin build');
  });

  it('maps a failing handler back to src/plugin.ts through dist/plugin.js.map', async () => {
    const throwing = await build(
      `import { definePlugin } from '@owncast/plugin-sdk';
definePlugin({
  onChatMessage() {
    throw new Error('handler broke');
  },
});
`,
      MANIFEST,
    );
    const dir = await writeProject(await tempDir(), throwing, MANIFEST);
    const src = await loadSource(dir);
    const { host, load } = hostLoader();
    try {
      const handle = await load(src);
      const err = await failure(handle.plugin.notify('chat.message.received', chatMessage('hi')));
      expect(err).toBeInstanceOf(PluginError);
      expect(err.message).toContain('handler broke');
      expect((err as PluginError).pluginStack).toMatch(/src\/plugin\.ts:4:/);
    } finally {
      await host.close();
    }
  });
});

describe('.ocpkg', () => {
  it('loads through the defensive reader and keeps the file open for public/ and assets/ until closed', async () => {
    const dir = await tempDir();
    const file = await writeOcpkg(dir, 'whatever-name.ocpkg', echo, MANIFEST, [
      { name: 'assets/data.bin', data: BINARY },
      { name: 'INSTRUCTIONS.md', data: 'pkg instructions' },
    ]);
    const src: LoadedSource = await loadSource(file);
    expect(src.origin).toEqual({ layout: 'package', path: file, codeFile: 'plugin.js' });
    expect(src.slug).toBe('source-test');
    expect(src.instructions).toBe('pkg instructions');
    expect(Buffer.from(src.assets!.read('data.bin')!).equals(Buffer.from(BINARY))).toBe(true);
    expect(src.publicFiles).toBeNull();
    src.close();
    expect(src.assets!.read('data.bin')).toBeNull();
    const info = await readPluginFileInfo(file);
    expect(info).toMatchObject({ format: 'ocpkg', hasIcon: false, hasInstructions: true });
    expect(info.manifest.slug).toBe('source-test');
  });

  it('reports a manifest error with the package name', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'bad.ocpkg'), ocpkgBytes(echo, JSON.stringify({ api: '2', name: 'x', version: '1' })));
    const err = await failure(loadSource(join(dir, 'bad.ocpkg')));
    expect(err.message).toBe('bad.ocpkg: plugin.manifest.json: unsupported api version "2" (host supports "1")');
  });
});

describe('directoryFileSource', () => {
  it('serves clean paths inside the root and refuses .., absolute paths and symlinks that lead out', async () => {
    const outside = await tempDir();
    await writeFile(join(outside, 'secret.txt'), 'secret');
    const root = await tempDir();
    await mkdir(join(root, 'sub'));
    await writeFile(join(root, 'sub', 'a.txt'), 'a');
    await writeFile(join(root, 'top.txt'), 'top');
    await symlink(join(outside, 'secret.txt'), join(root, 'leak.txt'));
    await symlink(outside, join(root, 'leakdir'));
    await symlink(join(root, 'top.txt'), join(root, 'sub', 'alias.txt'));
    const fsrc = directoryFileSource(root);
    expect(Buffer.from(fsrc.read('sub/a.txt')!).toString()).toBe('a');
    expect(Buffer.from(fsrc.read('sub/alias.txt')!).toString()).toBe('top');
    for (const bad of ['../' + outside.split('/').pop() + '/secret.txt', join(outside, 'secret.txt'), 'leak.txt', 'leakdir/secret.txt', 'sub/../top.txt', 'sub\\a.txt', 'sub', '', 'missing']) {
      expect(fsrc.read(bad)).toBeNull();
    }
    expect(fsrc.list()).toEqual(['sub/a.txt', 'sub/alias.txt', 'top.txt']);
  });

  it('refuses a file over its cap, naming it and the limit', async () => {
    const root = await tempDir();
    await writeFile(join(root, 'big.bin'), Buffer.alloc(2048));
    expect(() => directoryFileSource(root, { maxFileBytes: 1024 }).read('big.bin')).toThrow(/big\.bin exceeds the 1024-byte limit/);
  });
});
