// .ocpkg reading under generated archives (issue 8 item 1; DESIGN §3.10). Each case is a zip
// written byte by byte (test/package/zip-writer.ts writes the lies a real packer refuses to):
// hostile names (traversal, backslashes, absolute and drive paths, NUL, invalid UTF-8, empty
// and "." segments), duplicates, bombs past every cap and bombs that lie about their size,
// wrong CRCs, local headers naming another file, unknown methods, encrypted flags, and
// archives cut short, with bytes flipped or with an entry count past 10 000.
// - for archives written whole, an independent model of the reader's contract (below) says
//   whether the package opens and, if not, which refusals may be reported; when it opens, the
//   manifest, code, icon, INSTRUCTIONS.md and every public/ and assets/ read are the bytes
//   that were written, or a refusal for an entry that lies;
// - for every archive: a package or a PackageError (a UserError, exit 1) naming the entry and
//   the limit, never another error; an entry stopped while inflating was stopped within one
//   chunk of its declared size and cap; nothing is written anywhere (TMPDIR points into the
//   case's own directory, which holds only the archive afterwards).
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { UserError } from '../../src/lib/errors.js';
import { ENTRY_LIMITS, MAX_ASSET_BYTES, MAX_ENTRIES, openPackage, PackageError, type OpenedPackage } from '../../src/lib/package/read.js';
import { packageZip, writeZip, zeroBomb, type ZipEntryInput } from '../package/zip-writer.js';
import { checkProperty, FUZZ_TIMEOUT } from './support/fuzz.js';

const MiB = 1024 * 1024;
const CHUNK_SLACK = 64 * 1024;

// ---- the model --------------------------------------------------------------------------------

/** What the central directory says about an entry, and what its data really is. */
interface Written {
  nameBytes: Buffer;
  localName: Buffer;
  method: number;
  flags: number;
  crc: number;
  size: number;
  compressed: Buffer;
}

type Outcome = { ok: true; bytes: Buffer } | { ok: false; codes: string[] };

/** Clean entry names, from DESIGN §3.10 in my own words: relative, forward slashes, no NUL, no "", "." or ".." segment. */
function nameProblem(name: string): boolean {
  if (name === '' || name.includes('\0') || name.includes('\\') || name.startsWith('/')) return true;
  if (name.length >= 2 && name[1] === ':' && /[a-z]/i.test(name[0]!)) return true;
  const body = name.endsWith('/') ? name.slice(0, -1) : name;
  return body.split('/').some((s) => s === '' || s === '.' || s === '..');
}

function decodeName(bytes: Buffer): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** Reading one whole entry under `limit`: its bytes, or the refusals that fit. */
function readOutcome(e: Written, limit: number): Outcome {
  if (e.size > limit) return { ok: false, codes: ['PACKAGE_ENTRY_TOO_LARGE'] };
  if (e.flags & 1) return { ok: false, codes: ['PACKAGE_ENCRYPTED'] };
  if (e.method !== 0 && e.method !== 8) return { ok: false, codes: ['PACKAGE_COMPRESSION'] };
  if (!e.localName.equals(e.nameBytes)) return { ok: false, codes: ['PACKAGE_CORRUPT'] };
  let bytes: Buffer;
  if (e.method === 0) bytes = e.compressed;
  else {
    try {
      bytes = inflateRawSync(e.compressed, { maxOutputLength: e.size + 1 });
    } catch {
      // garbage, or more than it declares: wherever the stream stops first
      return { ok: false, codes: ['PACKAGE_CORRUPT', 'PACKAGE_ENTRY_TOO_LARGE'] };
    }
  }
  if (bytes.length !== e.size) return { ok: false, codes: ['PACKAGE_CORRUPT', 'PACKAGE_ENTRY_TOO_LARGE'] };
  if ((crc32(bytes) >>> 0) !== (e.crc >>> 0)) return { ok: false, codes: ['PACKAGE_CORRUPT'] };
  return { ok: true, bytes };
}

type Expected =
  | { ok: true; manifest: Buffer; code: { name: string; bytes: Buffer }; icon?: Buffer; instructions?: Buffer; byName: Map<string, Written> }
  | { ok: false; codes: string[] };

/** The contract of openPackage for an archive written whole, step by step in its order. */
function expected(entries: readonly Written[], entryCount = entries.length): Expected {
  if (entryCount > MAX_ENTRIES) return { ok: false, codes: ['PACKAGE_TOO_MANY_ENTRIES'] };
  const byName = new Map<string, Written>();
  for (const e of entries) {
    // the zip library checks a stored entry's sizes before it hands the entry over
    if (e.method === 0 && e.compressed.length !== e.size + (e.flags & 1 ? 12 : 0)) return { ok: false, codes: ['PACKAGE_CORRUPT'] };
    const name = decodeName(e.nameBytes);
    if (name === null || nameProblem(name)) return { ok: false, codes: ['PACKAGE_BAD_NAME'] };
    if (byName.has(name)) return { ok: false, codes: ['PACKAGE_DUPLICATE_ENTRY'] };
    byName.set(name, e);
  }
  const file = (name: string) => byName.get(name);
  const manifest = file('plugin.manifest.json');
  if (!manifest) return { ok: false, codes: ['PACKAGE_NO_MANIFEST'] };
  const m = readOutcome(manifest, ENTRY_LIMITS.manifest);
  if (!m.ok) return m;
  const codeName = ['plugin.js', 'plugin.py', 'plugin.wasm'].find((n) => byName.has(n));
  if (!codeName) return { ok: false, codes: ['PACKAGE_NO_CODE'] };
  const code = readOutcome(file(codeName)!, ENTRY_LIMITS.code);
  if (!code.ok) return code;
  const icon = file('icon.png') ? readOutcome(file('icon.png')!, ENTRY_LIMITS.icon) : undefined;
  if (icon && !icon.ok) return icon;
  const instructions = file('INSTRUCTIONS.md') ? readOutcome(file('INSTRUCTIONS.md')!, ENTRY_LIMITS.instructions) : undefined;
  if (instructions && !instructions.ok) return instructions;
  return {
    ok: true,
    manifest: m.bytes,
    code: { name: codeName, bytes: code.bytes },
    ...(icon ? { icon: icon.bytes } : {}),
    ...(instructions ? { instructions: instructions.bytes } : {}),
    byName,
  };
}

// ---- generated archives -----------------------------------------------------------------------

// Built once: inflating them is what the reader must never do past a cap.
const BOMBS = { mib3: zeroBomb(3), mib5: zeroBomb(5), mib9: zeroBomb(9), mib129: zeroBomb(129) };

const MANIFEST_JSON = JSON.stringify({ api: '1', name: 'Fuzz', version: '1.0.0', permissions: ['http.serve'] });

const cleanNames = fc.constantFrom(
  'plugin.manifest.json', 'plugin.js', 'plugin.py', 'plugin.wasm', 'icon.png', 'INSTRUCTIONS.md', 'public/index.html', 'public/a/b.css',
  'public/', 'assets/', 'assets/d/', 'assets/x.txt', 'public/%2e%2e/x', 'public/ü/é.txt', 'notes/readme', 'public/..x', 'public/x..',
);
const hostileNames = fc.constantFrom(
  '../evil.js', '..', 'public/../../evil.js', 'public/..', '/etc/passwd', '/plugin.js', 'C:/evil.js', 'c:evil.js', 'public\\..\\evil.js',
  '\\\\server\\share\\x', 'public/evil.js\0.png', '\0', '', 'public//x', './plugin.js', 'public/./x', 'public/a/', 'plugin.js/', 'a/../plugin.js',
);
const entryName = fc.oneof(
  { arbitrary: cleanNames.map((n) => Buffer.from(n)), weight: 8 },
  { arbitrary: hostileNames.map((n) => Buffer.from(n)), weight: 2 },
  { arbitrary: fc.string({ unit: fc.constantFrom(...'./\\\0a%éP'), maxLength: 8 }).map((n) => Buffer.from(n)), weight: 1 },
  { arbitrary: fc.uint8Array({ maxLength: 6 }).map((b) => Buffer.from(b)), weight: 1 },
);

type Lie =
  | { kind: 'none' }
  | { kind: 'size'; delta: number }
  | { kind: 'crc'; crc: number }
  | { kind: 'localName'; name: string }
  | { kind: 'method'; method: number }
  | { kind: 'encrypted' }
  | { kind: 'bomb'; bomb: keyof typeof BOMBS; declared: 'true' | 'small' | 'zero' };

const lie: fc.Arbitrary<Lie> = fc.oneof(
  { arbitrary: fc.constant({ kind: 'none' as const }), weight: 12 },
  { arbitrary: fc.integer({ min: -3, max: 3 }).filter((d) => d !== 0).map((delta) => ({ kind: 'size' as const, delta })), weight: 1 },
  { arbitrary: fc.integer({ min: 0, max: 0xffffffff }).map((crc) => ({ kind: 'crc' as const, crc })), weight: 1 },
  { arbitrary: fc.constantFrom('plugin.js', '../x', 'other').map((name) => ({ kind: 'localName' as const, name })), weight: 1 },
  { arbitrary: fc.constantFrom(0, 8, 12, 99).map((method) => ({ kind: 'method' as const, method })), weight: 1 },
  { arbitrary: fc.constant({ kind: 'encrypted' as const }), weight: 1 },
  {
    arbitrary: fc.record({ kind: fc.constant('bomb' as const), bomb: fc.constantFrom(...(Object.keys(BOMBS) as (keyof typeof BOMBS)[])), declared: fc.constantFrom('true' as const, 'small' as const, 'zero' as const) }),
    weight: 2,
  },
);

const entryArb = fc.record({
  name: entryName,
  data: fc.oneof(fc.string({ maxLength: 40 }), fc.uint8Array({ maxLength: 80 }), fc.constant(MANIFEST_JSON)),
  method: fc.constantFrom(0 as const, 8 as const),
  lie,
});
type EntrySpec = typeof entryArb extends fc.Arbitrary<infer T> ? T : never;

/** The writer's input for a spec (the model reads what it wrote back from the bytes). */
function build(spec: EntrySpec): ZipEntryInput {
  const data = typeof spec.data === 'string' ? Buffer.from(spec.data) : Buffer.from(spec.data);
  const input: ZipEntryInput = { name: spec.name, data, method: spec.method };
  const l = spec.lie;
  if (l.kind === 'bomb') {
    const b = BOMBS[l.bomb];
    input.raw = b;
    input.data = undefined;
    if (l.declared === 'small') input.declaredSize = 1000;
    if (l.declared === 'zero') input.declaredSize = 0;
  } else if (l.kind === 'size') input.declaredSize = Math.max(0, data.length + l.delta);
  else if (l.kind === 'crc') input.crc = l.crc;
  else if (l.kind === 'localName') input.localName = l.name;
  else if (l.kind === 'method') input.declaredMethod = l.method;
  else if (l.kind === 'encrypted') input.flags = 1;
  return input;
}

/** Reads the central directory we wrote, so the model sees exactly what is in the bytes. */
function centralDirectory(zip: Buffer, count: number): Written[] {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let at = zip.readUInt32LE(eocd + 16);
  const out: Written[] = [];
  for (let i = 0; i < count; i++) {
    const nameLength = zip.readUInt16LE(at + 28);
    const localAt = zip.readUInt32LE(at + 42);
    const localNameLength = zip.readUInt16LE(localAt + 26);
    const compressedSize = zip.readUInt32LE(at + 20);
    const dataAt = localAt + 30 + localNameLength;
    out.push({
      nameBytes: zip.subarray(at + 46, at + 46 + nameLength),
      localName: zip.subarray(localAt + 30, localAt + 30 + localNameLength),
      method: zip.readUInt16LE(at + 10),
      flags: zip.readUInt16LE(at + 8),
      crc: zip.readUInt32LE(at + 16),
      size: zip.readUInt32LE(at + 24),
      compressed: zip.subarray(dataAt, dataAt + compressedSize),
    });
    at += 46 + nameLength;
  }
  return out;
}

const archive = fc
  .record({
    usual: fc.nat(9).map((n) => n < 8), // most archives start with a manifest and a plugin.js
    entries: fc.array(entryArb, { maxLength: 7 }),
  })
  .map(({ usual, entries }) => {
    const base: EntrySpec[] = usual
      ? [
          { name: Buffer.from('plugin.manifest.json'), data: MANIFEST_JSON, method: 8, lie: { kind: 'none' } },
          { name: Buffer.from('plugin.js'), data: 'module.exports = {}', method: 8, lie: { kind: 'none' } },
        ]
      : [];
    const specs = [...base, ...entries];
    const zip = writeZip(specs.map(build));
    return { zip, written: centralDirectory(zip, specs.length) };
  });

type Damage = { kind: 'truncate'; at: number } | { kind: 'flip'; at: number[]; xor: number } | { kind: 'count'; count: number } | { kind: 'prefix'; bytes: Uint8Array };
const damage: fc.Arbitrary<Damage> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), xor: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('count' as const), count: fc.integer({ min: MAX_ENTRIES + 1, max: 0xffff }) }),
  fc.record({ kind: fc.constant('prefix' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 40 }) }),
);

function damaged(zip: Buffer, d: Damage): Buffer {
  const copy = Buffer.from(zip);
  switch (d.kind) {
    case 'truncate':
      return copy.subarray(0, d.at % (zip.length + 1));
    case 'flip':
      for (const at of d.at) copy[at % copy.length]! ^= d.xor;
      return copy;
    case 'count': {
      const eocd = copy.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
      copy.writeUInt16LE(d.count, eocd + 8);
      copy.writeUInt16LE(d.count, eocd + 10);
      return copy;
    }
    case 'prefix':
      return Buffer.concat([Buffer.from(d.bytes), copy]);
  }
}

// ---- running one case -------------------------------------------------------------------------

let caseDir: string;
let savedTmp: string | undefined;
beforeAll(() => {
  caseDir = mkdtempSync(join(tmpdir(), 'ocp-fuzz-zip-'));
  mkdirSync(join(caseDir, 'tmp'));
  // everything that asks the OS for a temp dir is sent into the case's own directory
  savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = join(caseDir, 'tmp');
});
afterAll(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  rmSync(caseDir, { recursive: true, force: true });
});

/** Opens the archive from a file or from memory; every failure must be a PackageError. */
async function open(zip: Buffer, fromFile: boolean): Promise<OpenedPackage | PackageError> {
  const file = join(caseDir, 'x.ocpkg');
  if (fromFile) writeFileSync(file, zip);
  try {
    return await openPackage(fromFile ? file : zip, { label: 'x.ocpkg' });
  } catch (err) {
    expect(err, String(err)).toBeInstanceOf(PackageError);
    return err as PackageError;
  } finally {
    // nothing was written: the directory holds the archive (when it was read from a file) and an empty tmp/
    expect(readdirSync(caseDir).sort()).toEqual(fromFile ? ['tmp', 'x.ocpkg'] : ['tmp']);
    expect(readdirSync(join(caseDir, 'tmp'))).toEqual([]);
    if (fromFile) rmSync(file);
  }
}

/**
 * What every refusal must be: exit 1, the package named, the entry and the limit in the message;
 * an entry stopped while inflating was stopped within a chunk of its declared size and its cap.
 */
function expectWellFormedRefusal(err: PackageError, declared?: (entry: string) => number | undefined): void {
  expect(err).toBeInstanceOf(UserError);
  expect(err.exitCode).toBe(1);
  expect(err.message.startsWith('x.ocpkg: ')).toBe(true);
  if (err.entry !== undefined) expect(err.message.includes(JSON.stringify(err.entry)) || err.message.includes(err.entry), err.message).toBe(true);
  if (err.limit !== undefined) expect(err.message).toContain(String(err.limit));
  if (err.inflatedBytes !== undefined && err.inflatedBytes > 0) {
    const size = err.entry === undefined ? undefined : declared?.(err.entry);
    expect(err.inflatedBytes).toBeLessThanOrEqual(Math.min(err.limit ?? 0, size ?? Infinity) + CHUNK_SLACK);
  }
}

/** Every public/ and assets/ file read on demand: the bytes written, or a refusal for an entry that lies. */
function expectLazyReads(pkg: OpenedPackage, byName: Map<string, Written>): void {
  for (const [name, e] of byName) {
    const prefix = name.startsWith('public/') ? 'public/' : name.startsWith('assets/') ? 'assets/' : null;
    if (!prefix || name.endsWith('/')) continue;
    const source = prefix === 'public/' ? pkg.publicFiles : pkg.assets;
    expect(source).not.toBeNull();
    const want = readOutcome(e, MAX_ASSET_BYTES);
    let got: Uint8Array | null | PackageError;
    try {
      got = source!.read(name.slice(prefix.length));
    } catch (err) {
      expect(err, String(err)).toBeInstanceOf(PackageError);
      got = err as PackageError;
    }
    if (want.ok) expect(got instanceof Uint8Array && Buffer.from(got).equals(want.bytes), name).toBe(true);
    else {
      expect(got, name).toBeInstanceOf(PackageError);
      expect(want.codes).toContain((got as PackageError).code);
      expectWellFormedRefusal(got as PackageError, () => e.size);
    }
    // a path that leaves the subtree reads nothing
    expect(source!.read(`../${name}`)).toBeNull();
  }
}

describe('.ocpkg: crafted archives', () => {
  it('the model sees both outcomes and every refusal (the property is not vacuous)', () => {
    const outcomes = fc.sample(archive, { numRuns: 1500, seed: 10 }).map(({ written }) => expected(written));
    const ok = outcomes.filter((o) => o.ok).length;
    expect(ok).toBeGreaterThan(150);
    expect(ok).toBeLessThan(1350);
    const codes = new Set(outcomes.flatMap((o) => (o.ok ? [] : o.codes)));
    for (const code of ['PACKAGE_BAD_NAME', 'PACKAGE_DUPLICATE_ENTRY', 'PACKAGE_NO_MANIFEST', 'PACKAGE_NO_CODE', 'PACKAGE_ENTRY_TOO_LARGE', 'PACKAGE_CORRUPT', 'PACKAGE_ENCRYPTED', 'PACKAGE_COMPRESSION']) {
      expect(codes, code).toContain(code);
    }
  });

  it(
    'written whole: opens exactly when the model says, with the bytes written; refusals name the entry and the limit',
    async () => {
      await checkProperty(
        { target: 'ocpkg', name: 'crafted archives: outcome = model, bytes = written, refusals well-formed, nothing written to disk', runs: 250, fuzzShare: 0.6 },
        fc.asyncProperty(archive, fc.boolean(), async ({ zip, written }, fromFile) => {
          const want = expected(written);
          const got = await open(zip, fromFile);
          if (got instanceof PackageError) {
            expect(want.ok, `refused: ${got.message}`).toBe(false);
            expect((want as { codes: string[] }).codes, got.message).toContain(got.code);
            expectWellFormedRefusal(got, (entry) => written.find((e) => e.nameBytes.toString() === entry)?.size);
            return;
          }
          try {
            expect(want.ok, 'opened an archive the model refuses').toBe(true);
            const w = want as Extract<Expected, { ok: true }>;
            expect(got.manifestJson).toBe(w.manifest.toString('utf8'));
            expect(got.code.name).toBe(w.code.name);
            expect(Buffer.from(got.code.bytes).equals(w.code.bytes)).toBe(true);
            expect(got.icon === undefined ? undefined : Buffer.from(got.icon)).toEqual(w.icon);
            expect(got.instructions).toBe(w.instructions?.toString('utf8'));
            expect(got.entries.map((e) => e.name)).toEqual([...w.byName.keys()]);
            expectLazyReads(got, w.byName);
          } finally {
            got.close();
          }
        }),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    'damaged (cut short, bytes flipped, a prefix, a count past 10 000): a package or a well-formed refusal, never wrong bytes',
    async () => {
      await checkProperty(
        { target: 'ocpkg', name: 'damaged archives: a package with written bytes or a well-formed PackageError', runs: 200, fuzzShare: 0.4 },
        fc.asyncProperty(archive, damage, fc.boolean(), async ({ zip, written }, d, fromFile) => {
          const bytes = damaged(zip, d);
          const got = await open(bytes, fromFile);
          if (got instanceof PackageError) {
            expectWellFormedRefusal(got);
            if (d.kind === 'count') expect(got.code).toBe('PACKAGE_TOO_MANY_ENTRIES');
            return;
          }
          try {
            expect(d.kind).not.toBe('count');
            // whatever opened is what some entry holds (CRC-checked), or zeros from a bomb; the
            // manifest as the UTF-8 text of those bytes (an invalid byte reads as U+FFFD)
            const contents = written.flatMap((e) => {
              const r = readOutcome(e, Infinity);
              return r.ok ? [r.bytes] : [];
            });
            const zeros = (b: Uint8Array) => b.every((x) => x === 0);
            expect(contents.some((c) => c.toString('utf8') === got.manifestJson) || zeros(Buffer.from(got.manifestJson, 'utf8'))).toBe(true);
            expect(contents.some((c) => c.equals(Buffer.from(got.code.bytes))) || zeros(got.code.bytes)).toBe(true);
          } finally {
            got.close();
          }
        }),
      );
    },
    FUZZ_TIMEOUT,
  );

  it('10 000 entries open; 10 001 (a real central directory, ZIP64 count) are refused before any is read', async () => {
    const files = (n: number) => Array.from({ length: n - 2 }, (_, i): ZipEntryInput => ({ name: `assets/f${i}` }));
    const atCap = await open(packageZip(MANIFEST_JSON, 'x', files(MAX_ENTRIES)), false);
    expect(atCap).not.toBeInstanceOf(PackageError);
    (atCap as OpenedPackage).close();
    const over = await open(packageZip(MANIFEST_JSON, 'x', files(MAX_ENTRIES + 1)), true);
    expect(over).toBeInstanceOf(PackageError);
    expect((over as PackageError).code).toBe('PACKAGE_TOO_MANY_ENTRIES');
  }, FUZZ_TIMEOUT);
});
