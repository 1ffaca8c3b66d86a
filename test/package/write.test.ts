// `package` against real projects: real builds, real zips (archiver), read back with
// yauzl and the defensive reader, register() in the real engine. Hostile inputs on disk
// and in entry lists are refused before anything is written.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { describe, expect } from 'vitest';
import yauzl from 'yauzl';

import { UserError } from '../../src/lib/errors.js';
import { openPackage, PackageError } from '../../src/lib/package/read.js';
import { checkInputs, packagePlugin, writeZip, type PackageOptions } from '../../src/lib/package/write.js';
import { runCli, test, testContext } from '../cli/helpers.js';
import { PROJECT_MANIFEST, writeProject } from './project.js';

async function pack(dir: string, options: Partial<PackageOptions> = {}) {
  return packagePlugin(testContext(dir), { dir: '.', preflight: false, ...options });
}

async function refused(promise: Promise<unknown>): Promise<UserError> {
  const err = await promise.then(
    () => {
      throw new Error('the package was written');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  return err as UserError;
}

/** A DOS date and time as written (no time zone: DOS times have none). */
const dosDate = (date: number, time: number) =>
  `${1980 + (date >> 9)}-${String((date >> 5) & 15).padStart(2, '0')}-${String(date & 31).padStart(2, '0')} ${String(time >> 11).padStart(2, '0')}:${String((time >> 5) & 63).padStart(2, '0')}:${String((time & 31) * 2).padStart(2, '0')}`;

/** Every entry's name, DOS time, mode bits and "made by" OS, straight from yauzl. */
function zipEntries(bytes: Buffer): Promise<{ name: string; date: string; mode: number; madeBy: number }[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const out: { name: string; date: string; mode: number; madeBy: number }[] = [];
      zip.on('entry', (e: yauzl.Entry) => {
        out.push({ name: e.fileName, date: dosDate(e.lastModFileDate, e.lastModFileTime), mode: (e.externalFileAttributes >>> 16) & 0o7777, madeBy: e.versionMadeBy >> 8 });
        zip.readEntry();
      });
      zip.on('end', () => resolve(out));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

describe('package: what goes in', () => {
  test('builds a project that was never built, writes <slug>.ocpkg with exactly the entries production reads, and keeps dist/', async ({ tempDir }) => {
    await writeProject(tempDir);
    const result = await pack(tempDir);
    expect(result.file).toBe(path.join(tempDir, 'pack-test.ocpkg'));
    expect(result.built).not.toBeNull();
    expect(result.buildReason).toBe('it has not been built');
    expect(result.entries.map((e) => e.name)).toEqual([
      'INSTRUCTIONS.md',
      'assets/theme.css',
      'icon.png',
      'plugin.js',
      'plugin.manifest.json',
      'public/img/dot.bin',
      'public/overlay.html',
    ]);
    const bytes = await readFile(result.file);
    expect(result.bytes).toBe(bytes.length);
    expect(result.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    // the built files stay (DESIGN §3.9): test and serve still need them
    expect((await readdir(path.join(tempDir, 'dist'))).sort()).toEqual(['plugin.js', 'plugin.js.map']);

    const pkg = await openPackage(bytes);
    try {
      expect(pkg.manifestJson).toBe(await readFile(path.join(tempDir, 'plugin.manifest.json'), 'utf8')); // verbatim
      expect(Buffer.from(pkg.code.bytes).equals(await readFile(path.join(tempDir, 'dist', 'plugin.js')))).toBe(true);
      expect(pkg.code.name).toBe('plugin.js');
      expect(Buffer.from(pkg.publicFiles!.read('img/dot.bin')!).equals(await readFile(path.join(tempDir, 'public/img/dot.bin')))).toBe(true);
      expect(pkg.instructions).toBe('# Pack Test\n\nSay !hi.\n');
      expect(pkg.icon).toBeDefined();
      for (const e of pkg.entries) expect(result.entries.find((r) => r.name === e.name)).toEqual({ name: e.name, size: e.size, compressedSize: e.compressedSize });
    } finally {
      pkg.close();
    }
  });

  test('deterministic: sorted entries, every time 1980-01-01 00:00 and mode 0644; touching files or packaging again changes nothing', async ({ tempDir }) => {
    await writeProject(tempDir);
    const first = await pack(tempDir);
    const bytes = await readFile(first.file);
    const entries = await zipEntries(bytes);
    expect(entries.map((e) => e.name)).toEqual([...entries.map((e) => e.name)].sort());
    for (const e of entries) expect(e).toMatchObject({ date: '1980-01-01 00:00:00', mode: 0o644, madeBy: 3 });

    // a later mtime on a packaged (non-source) file, and a second run
    await utimes(path.join(tempDir, 'public', 'overlay.html'), new Date(), new Date('2030-01-01T12:34:56Z'));
    const second = await pack(tempDir, { out: 'again.ocpkg' });
    expect(second.built).toBeNull();
    expect(second.sha256).toBe(first.sha256);
    expect((await readFile(second.file)).equals(bytes)).toBe(true);
  });

  test('rebuilds when a source is newer than dist/, and --target wasm puts plugin.wasm in instead of plugin.js', async ({ tempDir }) => {
    await writeProject(tempDir, { files: {}, manifest: { ...PROJECT_MANIFEST, styles: [], actions: [] } });
    await pack(tempDir);
    const later = new Date(Date.now() + 5000);
    await utimes(path.join(tempDir, 'src', 'plugin.js'), later, later);
    const rebuilt = await pack(tempDir);
    expect(rebuilt.buildReason).toBe('its sources changed since the last build');

    const wasm = await pack(tempDir, { target: 'wasm', out: 'out/' });
    expect(wasm.file).toBe(path.join(tempDir, 'out', 'pack-test.ocpkg'));
    expect(wasm.built?.target).toBe('wasm');
    expect(wasm.entries.map((e) => e.name)).toEqual(['plugin.manifest.json', 'plugin.wasm']);
    expect(existsSync(path.join(tempDir, 'dist', 'plugin.wasm'))).toBe(true);
  });

  test('the preflight runs register() in the sandbox and reports what the host will see', async ({ tempDir }) => {
    await writeProject(tempDir);
    const result = await pack(tempDir, { preflight: true });
    expect(result.preflight).toMatchObject({
      subscriptions: { notify: [{ event: 'chat.message.received' }], filter: [] },
      commands: [{ name: 'ping', prefix: '!', description: 'answers pong' }],
      version: '1.2.3',
    });
  });

  test('manifest warnings do not stop the package; they are returned located', async ({ tempDir }) => {
    await writeProject(tempDir, { manifest: { ...PROJECT_MANIFEST, version: '1.2', permissions: [...PROJECT_MANIFEST.permissions, 'teleport'] } });
    const result = await pack(tempDir);
    expect(result.warnings.map((w) => [w.text, w.pointer, w.line])).toEqual([
      ['version "1.2" is not a semantic version; did you mean "1.2.0"?', '/version', 5],
      ['unknown permission "teleport" is ignored by the host', '/permissions/4', 12],
    ]);
  });
});

describe('package: refusals (exit 1, nothing written)', () => {
  const nothingWritten = async (dir: string) => expect((await readdir(dir)).filter((f) => f.endsWith('.ocpkg') || f.endsWith('.tmp'))).toEqual([]);

  test('a manifest the host would reject, before building', async ({ tempDir }) => {
    await writeProject(tempDir, { manifest: { ...PROJECT_MANIFEST, permissions: ['chat.send'] } });
    const err = await refused(pack(tempDir));
    expect(err).toMatchObject({ exitCode: 1, code: 'MANIFEST_INVALID' });
    expect(err.message).toBe('Refusing to package: plugin.manifest.json has 3 errors the Owncast server would reject');
    expect(err.diagnostics.map((d) => d.pointer)).toEqual(['/actions', '/actions/0/url', '/styles']);
    expect(existsSync(path.join(tempDir, 'dist'))).toBe(false);
    await nothingWritten(tempDir);
  });

  test('a plugin the host would refuse at load: a chat filter without chat.filter (seen in the build, or only in the sandbox)', async ({ tempDir }) => {
    const manifest = { ...PROJECT_MANIFEST, permissions: ['chat.send'], styles: [], actions: [] };
    await writeProject(tempDir, { files: {}, manifest, code: 'require("@owncast/plugin-sdk").definePlugin({ filterChatMessage() {} });' });
    const seen = await refused(pack(tempDir, { preflight: true }));
    expect(seen).toMatchObject({ exitCode: 1, code: 'MANIFEST_INVALID' });
    expect(seen.diagnostics[0]?.text).toBe('plugin subscribes to filterChatMessage but does not declare the "chat.filter" permission: the host refuses to load it');
    expect(seen.diagnostics[0]?.notes?.[0]).toBe(`filterChatMessage at ${path.join('src', 'plugin.js')}:1:47`);

    // a handler name the static scan cannot see: register() in the sandbox still reports it
    await writeProject(tempDir, { files: {}, manifest, code: 'const def = {}; def["filter" + "ChatMessage"] = () => {}; require("@owncast/plugin-sdk").definePlugin(def);' });
    const sandboxed = await refused(pack(tempDir, { preflight: true }));
    expect(sandboxed).toMatchObject({ exitCode: 1, code: 'MANIFEST_INVALID' });
    expect(sandboxed.diagnostics[0]?.text).toMatch(/^manifest\/runtime mismatch: plugin subscribes to filterChatMessage but does not declare the "chat.filter" permission/);
    await nothingWritten(tempDir);
  });

  test('a plugin whose top-level code throws', async ({ tempDir }) => {
    await writeProject(tempDir, { files: {}, manifest: { ...PROJECT_MANIFEST, styles: [], actions: [] }, code: 'throw new Error("boom at load");' });
    const err = await refused(pack(tempDir, { preflight: true }));
    expect(err).toMatchObject({ exitCode: 1, code: 'PACKAGE_PREFLIGHT' });
    expect(err.diagnostics[0]?.text).toContain('boom at load');
    await nothingWritten(tempDir);
  });

  test('a symlink anywhere: in public/, as icon.png, as assets/ itself', async ({ tempDir }) => {
    await writeProject(tempDir);
    await writeFile(path.join(tempDir, 'secret.txt'), 'do not ship');
    await symlink(path.join(tempDir, 'secret.txt'), path.join(tempDir, 'public', 'link.txt'));
    const err = await refused(pack(tempDir));
    expect(err).toBeInstanceOf(PackageError);
    expect(err).toMatchObject({ exitCode: 1, code: 'PACKAGE_SYMLINK', message: 'Refusing to package public/link.txt: public/link.txt is a symbolic link' });
    await nothingWritten(tempDir);
  });

  test('a symlinked icon.png or assets/ directory', async ({ tempDir }) => {
    await writeProject(tempDir, { files: { 'real.png': 'x', 'elsewhere/theme.css': 'a{}' }, manifest: { ...PROJECT_MANIFEST, actions: [], styles: [] } });
    await symlink(path.join(tempDir, 'real.png'), path.join(tempDir, 'icon.png'));
    expect((await refused(pack(tempDir))).message).toBe('Refusing to package icon.png: icon.png is a symbolic link');
    await rm(path.join(tempDir, 'icon.png'));
    await symlink(path.join(tempDir, 'elsewhere'), path.join(tempDir, 'assets'));
    expect((await refused(pack(tempDir))).message).toBe('Refusing to package assets: assets/ is a symbolic link');
  });

  test('a file name that is not clean: a backslash, invalid UTF-8', async ({ tempDir }) => {
    await writeProject(tempDir);
    await writeFile(path.join(tempDir, 'public', 'a\\b.txt'), 'x');
    const back = await refused(pack(tempDir));
    expect(back).toMatchObject({ code: 'PACKAGE_BAD_NAME' });
    expect(back.message).toBe('Refusing to package entry "public/a\\\\b.txt": the name contains a backslash (entry names must be relative, forward-slash paths without "..")');
    await rm(path.join(tempDir, 'public', 'a\\b.txt'));
    await writeFile(Buffer.from(`${tempDir}/public/bad-\xff.txt`, 'latin1'), 'x');
    const utf8 = await refused(pack(tempDir));
    expect(utf8.message).toMatch(/its name is not valid UTF-8$/);
    await nothingWritten(tempDir);
  });

  test('an oversized INSTRUCTIONS.md (2 MiB cap), and a package over the upload cap', async ({ tempDir }) => {
    await writeProject(tempDir, { files: { 'INSTRUCTIONS.md': Buffer.alloc(2 * 1024 * 1024 + 1, 0x61) }, manifest: { ...PROJECT_MANIFEST, actions: [], styles: [] } });
    const big = await refused(pack(tempDir));
    expect(big).toMatchObject({ code: 'PACKAGE_ENTRY_TOO_LARGE', limit: 2 * 1024 * 1024 });
    expect(big.message).toBe(`Refusing to package: INSTRUCTIONS.md is ${2 * 1024 * 1024 + 1} bytes; the Owncast server refuses it over ${2 * 1024 * 1024} bytes`);

    await writeFile(path.join(tempDir, 'INSTRUCTIONS.md'), 'ok');
    await mkdir(path.join(tempDir, 'public'), { recursive: true });
    // the cap is measured on the compressed package: incompressible bytes just over it
    // (production's 50 MiB is MAX_PACKAGE_BYTES, the default; deflating 50 MiB here would take seconds)
    await writeFile(path.join(tempDir, 'public', 'noise.bin'), randomBytes(256 * 1024));
    const huge = await refused(pack(tempDir, { maxBytes: 256 * 1024 }));
    expect(huge).toMatchObject({ code: 'PACKAGE_TOO_LARGE', limit: 256 * 1024 });
    expect(huge.message).toMatch(/^Refusing to package: the package would be \d+ bytes; the Owncast server refuses uploads over 262144 bytes$/);
    await nothingWritten(tempDir);
    expect((await pack(tempDir, { out: 'fits.ocpkg' })).bytes).toBeGreaterThan(256 * 1024);
  });

  test('a file the manifest names that the package would not contain', async ({ tempDir }) => {
    await writeProject(tempDir, { manifest: { ...PROJECT_MANIFEST, styles: ['theme.css', 'missing.css'] } });
    const err = await refused(pack(tempDir));
    expect(err).toMatchObject({ exitCode: 1, code: 'PACKAGE_ASSET_MISSING', message: 'Refusing to package: plugin.manifest.json names 1 file the package would not contain' });
    expect(err.diagnostics.map((d) => [d.pointer, d.text])).toEqual([['/styles/1', 'stylesheet assets/missing.css does not exist; the host skips it']]);
    await nothingWritten(tempDir);
  });

  test('writing the package into public/ or assets/ (it would ship inside the next one)', async ({ tempDir }) => {
    await writeProject(tempDir);
    expect(await refused(pack(tempDir, { out: 'public/' }))).toMatchObject({ code: 'PACKAGE_OUT_INSIDE', exitCode: 2 });
  });
});

describe('package: the entry list and the zip writer on their own', () => {
  const entry = (name: string, data = 'x') => ({ name, data: Buffer.from(data) });
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return (e as PackageError).code;
    }
    return 'accepted';
  };

  test('refuses "..", absolute and drive-letter names, backslashes, NUL, empty segments', () => {
    for (const name of ['../evil', 'public/../../evil', '/etc/passwd', 'C:/evil', 'public\\evil', 'public/a\0b', 'public//x', './plugin.js', '']) {
      expect(code(() => checkInputs([entry(name)])), name).toBe('PACKAGE_BAD_NAME');
    }
    expect(code(() => checkInputs([entry('public/ok.txt')]))).toBe('accepted');
  });

  test('refuses duplicates, also the same name in two Unicode forms', () => {
    expect(code(() => checkInputs([entry('public/a.txt'), entry('public/a.txt')]))).toBe('PACKAGE_DUPLICATE_ENTRY');
    const err = (() => {
      try {
        checkInputs([entry('public/caf\u00e9.txt'), entry('public/cafe\u0301.txt')]);
      } catch (e) {
        return e as PackageError;
      }
    })();
    expect(err?.message).toBe('Refusing to package: entries "public/caf\u00e9.txt" and "public/cafe\u0301.txt" are the same name in different Unicode forms');
  });

  test('refuses more than 10 000 entries and a code entry over 128 MiB, from the list alone', () => {
    const many = Array.from({ length: 10_001 }, (_, i) => entry(`assets/f${i}`));
    expect(code(() => checkInputs(many))).toBe('PACKAGE_TOO_MANY_ENTRIES');
    const fake = { name: 'plugin.js', data: { length: 128 * 1024 * 1024 + 1 } as Buffer };
    expect(code(() => checkInputs([fake]))).toBe('PACKAGE_ENTRY_TOO_LARGE');
  });

  test('writeZip: the same entries in any order give the same bytes', async () => {
    const a = await writeZip([entry('b.txt', 'bee'), entry('a.txt', 'ay'), entry('public/z', 'zed')]);
    const b = await writeZip([entry('public/z', 'zed'), entry('a.txt', 'ay'), entry('b.txt', 'bee')]);
    expect(a.equals(b)).toBe(true);
    expect((await zipEntries(a)).map((e) => e.name)).toEqual(['a.txt', 'b.txt', 'public/z']);
  });
});

describe('owncast-plugin package (compiled CLI)', () => {
  test('packages a project, prints entries and sha256; the same bytes in another time zone; refusals exit 1; usage exits 2', async ({ tempDir }) => {
    await writeProject(tempDir);
    const run = await runCli(['package', tempDir]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('first: it has not been built');
    expect(run.stdout).toMatch(/^✔ Packaged pack-test 1\.2\.3 \(plugin\.js\) in /);
    expect(run.stdout).toMatch(/\n {2}public\/overlay\.html +\d+ B +\d+ B\n/);
    const sha = /sha256 {2}([0-9a-f]{64})/.exec(run.stdout)?.[1];
    expect(sha).toBe(createHash('sha256').update(await readFile(path.join(tempDir, 'pack-test.ocpkg'))).digest('hex'));
    expect(run.stdout).toContain('register(): chat.message.received; commands !ping');

    const json = await runCli(['package', tempDir, '--json', '--out', path.join(tempDir, 'tokyo.ocpkg')], { env: { TZ: 'Asia/Tokyo' } });
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout);
    expect(out).toMatchObject({ ok: true, slug: 'pack-test', built: false, sha256: sha, file: path.join(tempDir, 'tokyo.ocpkg') });

    await writeFile(path.join(tempDir, 'plugin.manifest.json'), JSON.stringify({ ...PROJECT_MANIFEST, api: '2' }));
    const bad = await runCli(['package', tempDir]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('unsupported api version "2" (host supports "1") (at /api)');

    expect((await runCli(['package', path.join(tempDir, 'nope')])).code).toBe(2);
  });
});
