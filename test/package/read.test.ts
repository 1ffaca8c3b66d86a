// .ocpkg reading against hand-crafted archives, hostile ones included (DESIGN §3.10,
// production package tests).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { UserError } from '../../src/lib/errors.js';
import { ENTRY_LIMITS, MAX_ENTRIES, MAX_PACKAGE_BYTES, openPackage, PackageError, peekPackage } from '../../src/lib/package/read.js';
import { packageZip, writeZip, zeroBomb, type ZipEntryInput } from './zip-writer.js';

const MANIFEST = { api: '1', name: 'Zip Test', version: '1.0.0', permissions: [] };
const CODE = 'require("@owncast/plugin-sdk").definePlugin({});';
const BINARY = Uint8Array.from({ length: 600 }, (_, i) => (i * 37) & 0xff);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ocp-read-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function refused(input: Buffer, opts = {}): Promise<PackageError> {
  const err = await openPackage(input, { label: 'test.ocpkg', ...opts }).then(
    (p) => {
      p.close();
      throw new Error('the package was accepted');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PackageError);
  expect((err as PackageError).exitCode).toBe(1);
  return err as PackageError;
}

describe('openPackage: a well-formed package', () => {
  const zip = packageZip(MANIFEST, CODE, [
    { name: 'public/index.html', data: '<h1>hi</h1>' },
    { name: 'public/img/', data: undefined },
    { name: 'public/img/dot.bin', data: BINARY },
    { name: 'assets/style.css', data: 'body{}', method: 0 },
    { name: 'icon.png', data: BINARY },
    { name: 'INSTRUCTIONS.md', data: '# Use it' },
    { name: 'notes/ignored.txt', data: 'x' },
  ]);

  it('reads the manifest, the code, the icon and INSTRUCTIONS.md, and lists every entry', async () => {
    const pkg = await openPackage(zip);
    try {
      expect(pkg.label).toBe('upload');
      expect(JSON.parse(pkg.manifestJson)).toEqual(MANIFEST);
      expect(pkg.code.kind).toBe('js');
      expect(pkg.code.name).toBe('plugin.js');
      expect(Buffer.from(pkg.code.bytes).toString()).toBe(CODE);
      expect(pkg.icon && Buffer.from(pkg.icon).equals(Buffer.from(BINARY))).toBe(true);
      expect(pkg.instructions).toBe('# Use it');
      expect(pkg.entries.map((e) => e.name)).toContain('notes/ignored.txt');
      const dot = pkg.entries.find((e) => e.name === 'public/img/dot.bin')!;
      expect(dot.size).toBe(600);
      expect(dot.compressedSize).toBeGreaterThan(0);
    } finally {
      pkg.close();
    }
  });

  it('exposes public/ and assets/ as FileSources read on demand, binary content intact', async () => {
    const pkg = await openPackage(zip);
    try {
      expect(pkg.publicFiles!.list()).toEqual(['img/dot.bin', 'index.html']);
      expect(Buffer.from(pkg.publicFiles!.read('img/dot.bin')!).equals(Buffer.from(BINARY))).toBe(true);
      expect(Buffer.from(pkg.assets!.read('style.css')!).toString()).toBe('body{}');
      expect(pkg.assets!.list()).toEqual(['style.css']);
      // only clean relative paths resolve, and only inside the subtree
      for (const bad of ['../plugin.js', '/index.html', 'img/../index.html', 'img\\dot.bin', './index.html', '', 'img/']) {
        expect(pkg.publicFiles!.read(bad)).toBeNull();
      }
      expect(pkg.assets!.read('index.html')).toBeNull();
      expect(pkg.publicFiles!.read('missing.txt')).toBeNull();
    } finally {
      pkg.close();
    }
    // closed: nothing is read any more
    expect(pkg.publicFiles!.read('index.html')).toBeNull();
  });

  it('reads the same from a file on disk, and names it by its base name', async () => {
    const file = join(dir, 'on-disk.ocpkg');
    await writeFile(file, zip);
    const pkg = await openPackage(file);
    try {
      expect(pkg.label).toBe('on-disk.ocpkg');
      expect(Buffer.from(pkg.publicFiles!.read('index.html')!).toString()).toBe('<h1>hi</h1>');
    } finally {
      pkg.close();
    }
    pkg.close(); // idempotent
  });

  it('gives null FileSources when the package has no public/ or assets/', async () => {
    const pkg = await openPackage(packageZip(MANIFEST, CODE));
    expect(pkg.assets).toBeNull();
    expect(pkg.publicFiles).toBeNull();
    expect(pkg.icon).toBeUndefined();
    expect(pkg.instructions).toBeUndefined();
    pkg.close();
  });

  it('peekPackage reads the manifest and notes the code, icon and instructions without reading them', async () => {
    const peek = await peekPackage(zip, { label: 'x.ocpkg' });
    expect(peek.code).toEqual({ name: 'plugin.js', kind: 'js' });
    expect(peek.hasIcon).toBe(true);
    expect(peek.hasInstructions).toBe(true);
    expect(JSON.parse(peek.manifestJson).name).toBe('Zip Test');
  });
});

describe('openPackage: the code entry', () => {
  const manifest: ZipEntryInput = { name: 'plugin.manifest.json', data: JSON.stringify(MANIFEST) };

  it('takes plugin.js before plugin.py before plugin.wasm (production precedence)', async () => {
    const both = await openPackage(writeZip([manifest, { name: 'plugin.wasm', data: 'w' }, { name: 'plugin.js', data: 'j' }]));
    expect(both.code.kind).toBe('js');
    both.close();
    const py = await openPackage(writeZip([manifest, { name: 'plugin.wasm', data: 'w' }, { name: 'plugin.py', data: 'p' }]));
    expect(py.code).toMatchObject({ kind: 'py', name: 'plugin.py' });
    expect(Buffer.from(py.code.bytes).toString()).toBe('p');
    py.close();
    const wasm = await openPackage(writeZip([manifest, { name: 'plugin.wasm', data: BINARY }]));
    expect(wasm.code.kind).toBe('wasm');
    wasm.close();
  });

  it('requires the exact root name: a code file in a folder or in another case does not count', async () => {
    const err = await refused(writeZip([manifest, { name: 'dist/plugin.js', data: 'x' }, { name: 'Plugin.js', data: 'x' }]));
    expect(err.message).toBe('test.ocpkg: missing plugin code (expected one of plugin.js, plugin.py, plugin.wasm)');
  });

  it('refuses a package without a manifest, naming plugin.manifest.json', async () => {
    const err = await refused(writeZip([{ name: 'plugin.js', data: CODE }]));
    expect(err.message).toBe('test.ocpkg: missing required entry "plugin.manifest.json"');
    expect(err.entry).toBe('plugin.manifest.json');
  });
});

describe('openPackage: hostile archives', () => {
  it('refuses an empty upload and one over the 50 MiB cap', async () => {
    expect((await refused(Buffer.alloc(0))).message).toBe('test.ocpkg: upload is empty');
    const big = await refused(Buffer.alloc(MAX_PACKAGE_BYTES + 1));
    expect(big.message).toContain(`upload exceeds ${MAX_PACKAGE_BYTES}-byte cap`);
    expect(big.limit).toBe(MAX_PACKAGE_BYTES);
  });

  it('refuses a corrupt zip and a truncated one', async () => {
    const junk = await refused(Buffer.from('this is not a zip file at all, not even close'));
    expect(junk.message).toMatch(/^test\.ocpkg: not a valid \.ocpkg: /);
    const whole = packageZip(MANIFEST, CODE);
    const cut = await refused(whole.subarray(0, whole.length - 30));
    expect(cut.message).toMatch(/not a valid \.ocpkg/);
  });

  it('refuses a zip bomb from its declared size without inflating anything', async () => {
    const bomb = zeroBomb(1024); // 1 GiB of zeros in about 1 MiB
    const err = await refused(writeZip([{ name: 'plugin.manifest.json', raw: bomb }, { name: 'plugin.js', data: CODE }]));
    expect(err.message).toBe(`test.ocpkg: plugin.manifest.json exceeds the ${ENTRY_LIMITS.manifest}-byte limit (it declares ${bomb.size} bytes)`);
    expect(err.entry).toBe('plugin.manifest.json');
    expect(err.limit).toBe(ENTRY_LIMITS.manifest);
    expect(err.inflatedBytes).toBe(0);
  });

  it('stops a zip bomb that lies about its size as soon as it inflates past the declared size', async () => {
    const bomb = zeroBomb(1024);
    const err = await refused(
      writeZip([
        { name: 'plugin.manifest.json', data: JSON.stringify(MANIFEST) },
        { name: 'plugin.js', raw: bomb, declaredSize: 1000 },
      ]),
    );
    expect(err.entry).toBe('plugin.js');
    expect(err.limit).toBe(ENTRY_LIMITS.code);
    expect(err.message).toContain('plugin.js inflates past its declared 1000 bytes');
    // stopped within one zlib chunk of the declared size, never near the cap
    expect(err.inflatedBytes).toBeGreaterThan(1000);
    expect(err.inflatedBytes).toBeLessThanOrEqual(1000 + 64 * 1024);
  });

  it('stops a lying bomb under a declared size just below the cap at the cap', async () => {
    const bomb = zeroBomb(8);
    const err = await refused(
      writeZip([{ name: 'plugin.manifest.json', raw: bomb, declaredSize: ENTRY_LIMITS.manifest }, { name: 'plugin.js', data: CODE }]),
    );
    expect(err.entry).toBe('plugin.manifest.json');
    expect(err.inflatedBytes).toBeLessThanOrEqual(ENTRY_LIMITS.manifest + 64 * 1024);
  });

  it('stops a lying bomb in public/ when it is read, and keeps serving the other files', async () => {
    const pkg = await openPackage(
      packageZip(MANIFEST, CODE, [
        { name: 'public/ok.txt', data: 'fine' },
        { name: 'public/bomb.bin', raw: zeroBomb(256), declaredSize: 10 },
      ]),
    );
    try {
      let err: unknown;
      try {
        pkg.publicFiles!.read('bomb.bin');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(PackageError);
      expect((err as PackageError).entry).toBe('public/bomb.bin');
      expect((err as PackageError).message).toContain('inflates past its declared 10 bytes');
      expect(Buffer.from(pkg.publicFiles!.read('ok.txt')!).toString()).toBe('fine');
    } finally {
      pkg.close();
    }
  });

  const badNames: [string, string | Buffer, RegExp][] = [
    ['a "../" path', '../evil', /"\.\.\/evil" is refused: the name contains a "\.\." segment/],
    ['a ".." in the middle', 'public/../../evil', /contains a "\.\." segment/],
    ['an absolute path', '/etc/passwd', /"\/etc\/passwd" is refused: the name is an absolute path/],
    ['a drive letter', 'C:/evil', /is an absolute path/],
    ['a backslash', 'public\\..\\evil', /contains a backslash/],
    ['a NUL byte', 'public/a\0.txt', /"public\/a\\u0000\.txt" is refused: the name contains a NUL byte/],
    ['an empty segment', 'public//x', /empty or "\." segment/],
    ['a "." segment', './plugin.js', /empty or "\." segment/],
    ['invalid UTF-8', Buffer.from([0x70, 0xff, 0xfe]), /is not valid UTF-8/],
  ];
  for (const [what, name, message] of badNames) {
    it(`refuses an entry name with ${what}`, async () => {
      const err = await refused(packageZip(MANIFEST, CODE, [{ name, data: 'x' }]));
      expect(err.message).toMatch(message);
      expect(err.code).toMatch(/^PACKAGE_BAD_NAME$/);
      expect(err.entry).toBeDefined();
    });
  }

  it('refuses duplicate entry names, naming the entry', async () => {
    const err = await refused(
      writeZip([
        { name: 'plugin.manifest.json', data: JSON.stringify(MANIFEST) },
        { name: 'plugin.js', data: CODE },
        { name: 'plugin.js', data: 'globalThis.evil = 1' },
      ]),
    );
    expect(err.message).toBe('test.ocpkg: entry "plugin.js" appears more than once; duplicate entry names are refused');
    expect(err.entry).toBe('plugin.js');
  });

  it(`accepts ${MAX_ENTRIES} entries and refuses one more`, async () => {
    const filler = (n: number): ZipEntryInput[] => Array.from({ length: n }, (_, i) => ({ name: `assets/f${i}` }));
    const ok = await openPackage(packageZip(MANIFEST, CODE, filler(MAX_ENTRIES - 2)));
    expect(ok.entries).toHaveLength(MAX_ENTRIES);
    expect(ok.assets!.list()).toHaveLength(MAX_ENTRIES - 2);
    ok.close();
    const err = await refused(packageZip(MANIFEST, CODE, filler(MAX_ENTRIES - 1)));
    expect(err.message).toBe(`test.ocpkg: the package has ${MAX_ENTRIES + 1} entries; the limit is ${MAX_ENTRIES}`);
    expect(err.limit).toBe(MAX_ENTRIES);
  });

  it('refuses an entry whose CRC-32 does not match', async () => {
    const err = await refused(packageZip(MANIFEST, CODE, [{ name: 'icon.png', data: BINARY, crc: 1234 }]));
    expect(err.message).toBe('test.ocpkg: entry "icon.png" is corrupt: CRC-32 mismatch');
  });

  it('refuses an entry whose local header names a different file', async () => {
    const err = await refused(
      writeZip([{ name: 'plugin.manifest.json', data: JSON.stringify(MANIFEST) }, { name: 'plugin.js', data: CODE, localName: '../plugin.js' }]),
    );
    expect(err.message).toContain('entry "plugin.js" is corrupt: the local file header names a different file');
  });

  it('refuses an oversized INSTRUCTIONS.md and icon by their caps', async () => {
    const ins = await refused(packageZip(MANIFEST, CODE, [{ name: 'INSTRUCTIONS.md', raw: zeroBomb(3) }]));
    expect(ins.message).toContain(`INSTRUCTIONS.md exceeds the ${ENTRY_LIMITS.instructions}-byte limit`);
    const icon = await refused(packageZip(MANIFEST, CODE, [{ name: 'icon.png', raw: zeroBomb(9) }]));
    expect(icon.message).toContain(`icon.png exceeds the ${ENTRY_LIMITS.icon}-byte limit`);
  });
});

describe('openPackage: files', () => {
  it('reports a missing file as a user error naming it', async () => {
    const err = await openPackage(join(dir, 'missing.ocpkg')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(/^missing\.ocpkg: cannot open the package: ENOENT/);
    expect((err as UserError).exitCode).toBe(2);
  });
});
