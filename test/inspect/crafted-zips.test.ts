// inspect against crafted .ocpkg files, generated here (nothing big is committed): zip
// bombs, traversal names, 100 000 entries, truncated and corrupt archives. None crashes:
// each is refused as a user error (exit 1) naming the entry and the limit, or, for a bomb
// the host would only meet on demand, reported with its ratio. Through the compiled CLI
// with its own TMPDIR, none writes a file anywhere but that temp dir, which it leaves empty.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { describe, expect } from 'vitest';

import { BugError, UserError } from '../../src/lib/errors.js';
import { inspectPath } from '../../src/lib/inspect/index.js';
import { ENTRY_LIMITS, MAX_ENTRIES, PackageError } from '../../src/lib/package/read.js';
import { runCli, test, testContext } from '../cli/helpers.js';
import { packageZip, writeZip, zeroBomb, type ZipEntryInput } from '../package/zip-writer.js';

const MANIFEST = { api: '1', name: 'Crafted', version: '1.0.0', description: 'd', permissions: ['http.serve'] };
const CODE = 'require("@owncast/plugin-sdk").definePlugin({ onHttpRequest() { return { status: 200 }; } });';
const manifestEntry = { name: 'plugin.manifest.json', data: JSON.stringify(MANIFEST) };

/** Every crafted archive, with what inspect must say about it. */
const crafted: { name: string; zip: () => Buffer; code: string; message: RegExp; entry?: string }[] = [
  {
    name: 'a manifest that declares 1 GiB (a bomb, refused from its header)',
    zip: () => writeZip([{ name: 'plugin.manifest.json', raw: zeroBomb(1024) }, { name: 'plugin.js', data: CODE }]),
    code: 'PACKAGE_ENTRY_TOO_LARGE',
    message: new RegExp(`plugin\\.manifest\\.json exceeds the ${ENTRY_LIMITS.manifest}-byte limit \\(it declares 1073741824 bytes\\)`),
    entry: 'plugin.manifest.json',
  },
  {
    name: 'a plugin.js that declares 1000 bytes and inflates to 1 GiB (stopped at once)',
    zip: () => writeZip([manifestEntry, { name: 'plugin.js', raw: zeroBomb(1024), declaredSize: 1000 }]),
    code: 'PACKAGE_ENTRY_TOO_LARGE',
    message: /plugin\.js inflates past its declared 1000 bytes \(stopped after \d+; the limit is 134217728 bytes\)/,
    entry: 'plugin.js',
  },
  {
    name: 'an icon.png over its 8 MiB cap',
    zip: () => packageZip(MANIFEST, CODE, [{ name: 'icon.png', raw: zeroBomb(9) }]),
    code: 'PACKAGE_ENTRY_TOO_LARGE',
    message: /icon\.png exceeds the 8388608-byte limit/,
    entry: 'icon.png',
  },
  ...(
    [
      ['a "../" entry', '../evil.js'],
      ['a ".." deep in a path', 'public/../../evil.js'],
      ['an absolute path', '/tmp/evil.js'],
      ['a Windows path', 'public\\..\\..\\evil.js'],
      ['a drive letter', 'C:/evil.js'],
      ['a NUL byte', 'public/evil.js\0.png'],
    ] as const
  ).map(([what, name]) => ({
    name: `traversal: ${what}`,
    zip: () => packageZip(MANIFEST, CODE, [{ name, data: 'pwned' }]),
    code: 'PACKAGE_BAD_NAME',
    message: /is refused: the name /,
    entry: name,
  })),
  {
    name: 'the same entry twice (a second plugin.js)',
    zip: () => writeZip([manifestEntry, { name: 'plugin.js', data: CODE }, { name: 'plugin.js', data: 'globalThis.evil = 1' }]),
    code: 'PACKAGE_DUPLICATE_ENTRY',
    message: /entry "plugin\.js" appears more than once/,
    entry: 'plugin.js',
  },
  {
    name: '100 000 entries (ZIP64), refused from the central directory count',
    zip: () => packageZip(MANIFEST, CODE, Array.from({ length: 100_000 - 2 }, (_, i): ZipEntryInput => ({ name: `assets/f${i}` }))),
    code: 'PACKAGE_TOO_MANY_ENTRIES',
    message: new RegExp(`the package has 100000 entries; the limit is ${MAX_ENTRIES}`),
  },
  {
    name: 'truncated: the last 30 bytes cut off',
    zip: () => {
      const whole = packageZip(MANIFEST, CODE);
      return whole.subarray(0, whole.length - 30);
    },
    code: 'PACKAGE_CORRUPT',
    message: /not a valid \.ocpkg: /,
  },
  {
    name: 'truncated: cut in the middle of the entries',
    zip: () => {
      const whole = packageZip(MANIFEST, CODE);
      return whole.subarray(0, Math.floor(whole.length / 2));
    },
    code: 'PACKAGE_CORRUPT',
    message: /not a valid \.ocpkg: /,
  },
  {
    name: 'truncated data: an entry whose bytes run past the end of the file',
    zip: () => {
      // the central directory promises 200 more compressed bytes than plugin.js has
      const whole = packageZip(MANIFEST, CODE);
      const cdAt = whole.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
      const copy = Buffer.from(whole);
      copy.writeUInt32LE(copy.readUInt32LE(cdAt + 20) + 200_000, cdAt + 20);
      return copy;
    },
    code: 'PACKAGE_CORRUPT',
    message: /entry "plugin\.js" is corrupt|not a valid \.ocpkg/,
  },
  {
    name: 'a CRC-32 that does not match',
    zip: () => writeZip([manifestEntry, { name: 'plugin.js', data: CODE, crc: 0xdeadbeef }]),
    code: 'PACKAGE_CORRUPT',
    message: /entry "plugin\.js" is corrupt: CRC-32 mismatch/,
    entry: 'plugin.js',
  },
  {
    name: 'an encrypted plugin.js',
    zip: () => writeZip([manifestEntry, { name: 'plugin.js', data: CODE, flags: 1 }]),
    code: 'PACKAGE_ENCRYPTED',
    message: /entry "plugin\.js" is encrypted/,
    entry: 'plugin.js',
  },
  {
    name: 'an unsupported compression method (bzip2)',
    zip: () => writeZip([manifestEntry, { name: 'plugin.js', data: CODE, declaredMethod: 12 }]),
    code: 'PACKAGE_COMPRESSION',
    message: /uses compression method 12/,
    entry: 'plugin.js',
  },
  { name: 'not a zip at all', zip: () => Buffer.from('PK\u0003\u0004 but nothing else of a zip file'), code: 'PACKAGE_CORRUPT', message: /not a valid \.ocpkg/ },
  { name: 'an empty file', zip: () => Buffer.alloc(0), code: 'PACKAGE_EMPTY', message: /upload is empty/ },
];

/** Every file under `dir`, relative, sorted. */
async function listAll(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string, prefix: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const rel = prefix + e.name;
      if (e.isDirectory()) {
        out.push(`${rel}/`);
        await walk(path.join(d, e.name), `${rel}/`);
      } else out.push(rel);
    }
  };
  await walk(dir, '');
  return out.sort();
}

describe('inspect: crafted archives, in process', () => {
  for (const c of crafted) {
    test(`refuses ${c.name}`, async ({ tempDir }) => {
      await writeFile(path.join(tempDir, 'x.ocpkg'), c.zip());
      const err = await inspectPath(testContext(tempDir), { path: 'x.ocpkg' }).then(
        () => {
          throw new Error('inspect accepted it');
        },
        (e: unknown) => e,
      );
      expect(err).not.toBeInstanceOf(BugError);
      expect(err).toBeInstanceOf(PackageError);
      expect((err as UserError).exitCode).toBe(1);
      expect((err as PackageError).code).toBe(c.code);
      expect((err as Error).message).toMatch(c.message);
      if (c.entry !== undefined) expect((err as PackageError).entry).toBe(c.entry);
      expect(await listAll(tempDir)).toEqual(['x.ocpkg']);
    });
  }

  test('a bomb the host only meets on demand (public/): reported with its ratio, never inflated', async ({ tempDir }) => {
    await writeFile(path.join(tempDir, 'x.ocpkg'), packageZip(MANIFEST, CODE, [{ name: 'public/big.bin', raw: zeroBomb(1024) }]));
    const r = await inspectPath(testContext(tempDir), { path: 'x.ocpkg', register: false });
    expect(r.valid).toBe(true);
    const big = r.files.find((f) => f.name === 'public/big.bin')!;
    expect(big.size).toBe(1024 * 1024 * 1024);
    expect(big.ratio).toBeGreaterThan(900);
    expect(r.notes).toEqual([expect.stringMatching(/^public\/big\.bin inflates to 1073741824 bytes from \d+ \(\d+:1\); the host reads it only on demand$/)]);
  });
});

describe('inspect: crafted archives through the compiled CLI', () => {
  test('exit 1 with the reason on stderr, no crash, nothing written outside its temp dir (left empty)', async ({ tempDir }) => {
    const work = path.join(tempDir, 'work');
    const tmp = path.join(tempDir, 'tmp');
    await mkdir(work);
    await mkdir(tmp);
    const picks = ['a plugin.js that declares 1000 bytes', 'traversal: a "../" entry', '100 000 entries'];
    for (const pick of picks) {
      const c = crafted.find((x) => x.name.startsWith(pick))!;
      await writeFile(path.join(work, 'x.ocpkg'), c.zip());
      const before = await listAll(tempDir);
      const run = await runCli(['inspect', 'x.ocpkg'], { cwd: work, env: { TMPDIR: tmp } });
      expect(run.code, pick).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(c.message);
      expect(run.stderr).not.toContain('a bug in owncast-plugin');
      expect(await listAll(tempDir)).toEqual(before);
    }

    // one the host would load: register() runs in a sandbox whose files live in TMPDIR, removed after
    await writeFile(path.join(work, 'x.ocpkg'), packageZip(MANIFEST, CODE, [{ name: 'public/big.bin', raw: zeroBomb(256) }]));
    const before = await listAll(tempDir);
    const ok = await runCli(['inspect', 'x.ocpkg', '--json'], { cwd: work, env: { TMPDIR: tmp } });
    expect(ok.code).toBe(0);
    const json = JSON.parse(ok.stdout);
    expect(json).toMatchObject({ valid: true, kind: 'package', register: { ok: true } });
    expect(json.notes[0]).toMatch(/^public\/big\.bin inflates to 268435456 bytes/);
    expect(await listAll(tempDir)).toEqual(before);
    expect(await readdir(tmp)).toEqual([]);
  });
});
