// Defensive .ocpkg reading (DESIGN §3.10, production package.go). yauzl parses the
// central directory; entry data is read here, so every read is capped while it inflates
// and nothing is ever extracted to disk. A violation is a PackageError (a UserError,
// exit 1) that names the entry and the limit.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { createInflateRaw, crc32, inflateRawSync } from 'node:zlib';
import yauzl from 'yauzl';

import { UserError } from '../errors.js';
import type { FileSource } from '../host/types.js';
import { isCleanRelativePath, pathProblem } from './paths.js';

const MiB = 1024 * 1024;

/** Production MaxUploadBytes. */
export const MAX_PACKAGE_BYTES = 50 * MiB;
export const MAX_ENTRIES = 10_000;
/** Production's decompressed caps for the entries the host reads whole. */
export const ENTRY_LIMITS = {
  manifest: 4 * MiB,
  code: 128 * MiB,
  icon: 8 * MiB,
  instructions: 2 * MiB,
} as const;
/**
 * public/ and assets/ files are read on demand and not capped by production; one read
 * still never inflates past this (the largest production cap) or the entry's declared size.
 */
export const MAX_ASSET_BYTES = 128 * MiB;

export const MANIFEST_ENTRY = 'plugin.manifest.json';
export const ICON_ENTRY = 'icon.png';
export const INSTRUCTIONS_ENTRY = 'INSTRUCTIONS.md';
export type CodeKind = 'js' | 'py' | 'wasm';
/** Detection order (production codeEntries): the first present wins. */
export const CODE_ENTRIES: readonly { name: string; kind: CodeKind }[] = [
  { name: 'plugin.js', kind: 'js' },
  { name: 'plugin.py', kind: 'py' },
  { name: 'plugin.wasm', kind: 'wasm' },
];

/** A refused or unreadable package. `entry` and `limit` are set when one entry broke a limit. */
export class PackageError extends UserError {
  readonly entry: string | undefined;
  readonly limit: number | undefined;
  /** For an entry that inflated past its limit: how many bytes were inflated before it was stopped. */
  readonly inflatedBytes: number | undefined;

  constructor(
    message: string,
    opts: { code: string; entry?: string; limit?: number; inflatedBytes?: number; cause?: unknown; nextSteps?: string[] },
  ) {
    super(message, {
      exitCode: 1,
      code: opts.code,
      cause: opts.cause,
      nextSteps: opts.nextSteps ?? ['Rebuild the package with `owncast-plugin package`; it writes only clean, capped entries.'],
    });
    this.name = 'PackageError';
    this.entry = opts.entry;
    this.limit = opts.limit;
    this.inflatedBytes = opts.inflatedBytes;
  }
}

export interface PackageEntry {
  name: string;
  /** Declared uncompressed size. */
  size: number;
  compressedSize: number;
  directory: boolean;
}

export interface OpenPackageOptions {
  /** How the package is named in messages (default: the file's base name, or "upload"). */
  label?: string;
  /** Default MAX_PACKAGE_BYTES. */
  maxBytes?: number;
  /** Cap on one public/ or assets/ read. Default MAX_ASSET_BYTES. */
  maxAssetBytes?: number;
}

/** What a scan needs: the central directory and the manifest, nothing else inflated. */
export interface PackageSummary {
  label: string;
  manifestJson: string;
  /** The code entry by precedence, or null when there is none (the load will fail). */
  code: { name: string; kind: CodeKind } | null;
  hasIcon: boolean;
  hasInstructions: boolean;
  entries: PackageEntry[];
}

export interface OpenedPackage {
  label: string;
  manifestJson: string;
  code: { name: string; kind: CodeKind; bytes: Uint8Array };
  /** assets/** (host-internal), read on demand; null when the package has none. */
  assets: FileSource | null;
  /** public/** (served), read on demand; null when the package has none. */
  publicFiles: FileSource | null;
  icon?: Uint8Array;
  instructions?: string;
  entries: PackageEntry[];
  /** Releases the file handle. public/ and assets/ reads return null afterwards. Idempotent. */
  close(): void;
}

/** Opens a package (a path or its bytes) and reads its manifest and code entry, capped. */
export async function openPackage(input: string | Uint8Array, options: OpenPackageOptions = {}): Promise<OpenedPackage> {
  const zip = await ZipReader.open(input, options);
  try {
    const manifestJson = await readManifest(zip);
    const codeRef = findCode(zip);
    if (!codeRef) {
      throw new PackageError(`${zip.label}: missing plugin code (expected one of plugin.js, plugin.py, plugin.wasm)`, {
        code: 'PACKAGE_NO_CODE',
      });
    }
    const code = { ...codeRef, bytes: await zip.read(codeRef.name, ENTRY_LIMITS.code) };
    const icon = zip.has(ICON_ENTRY) ? await zip.read(ICON_ENTRY, ENTRY_LIMITS.icon) : undefined;
    const instructions = zip.has(INSTRUCTIONS_ENTRY)
      ? Buffer.from(await zip.read(INSTRUCTIONS_ENTRY, ENTRY_LIMITS.instructions)).toString('utf8')
      : undefined;
    const maxAsset = options.maxAssetBytes ?? MAX_ASSET_BYTES;
    return {
      label: zip.label,
      manifestJson,
      code,
      assets: zip.subtree('assets/', maxAsset),
      publicFiles: zip.subtree('public/', maxAsset),
      ...(icon ? { icon } : {}),
      ...(instructions !== undefined ? { instructions } : {}),
      entries: zip.entries,
      close: () => zip.close(),
    };
  } catch (err) {
    zip.close();
    throw err;
  }
}

/** Reads only what discovery needs; every entry name is still checked. */
export async function peekPackage(input: string | Uint8Array, options: OpenPackageOptions = {}): Promise<PackageSummary> {
  const zip = await ZipReader.open(input, options);
  try {
    return {
      label: zip.label,
      manifestJson: await readManifest(zip),
      code: findCode(zip),
      hasIcon: zip.has(ICON_ENTRY),
      hasInstructions: zip.has(INSTRUCTIONS_ENTRY),
      entries: zip.entries,
    };
  } finally {
    zip.close();
  }
}

async function readManifest(zip: ZipReader): Promise<string> {
  if (!zip.has(MANIFEST_ENTRY)) {
    throw new PackageError(`${zip.label}: missing required entry "${MANIFEST_ENTRY}"`, { code: 'PACKAGE_NO_MANIFEST', entry: MANIFEST_ENTRY });
  }
  return Buffer.from(await zip.read(MANIFEST_ENTRY, ENTRY_LIMITS.manifest)).toString('utf8');
}

function findCode(zip: ZipReader): { name: string; kind: CodeKind } | null {
  const hit = CODE_ENTRIES.find((c) => zip.has(c.name));
  return hit ? { name: hit.name, kind: hit.kind } : null;
}

// ---------------------------------------------------------------------------------------

interface RawEntry extends PackageEntry {
  rawName: Buffer;
  method: number;
  flags: number;
  crc: number;
  localHeaderOffset: number;
  dataStart?: number;
}

/** Random access to the package bytes: a file descriptor or a buffer. */
interface ByteSource {
  size: number;
  readSync(position: number, length: number): Buffer;
  /** Bytes [start, end). */
  stream(start: number, end: number): Readable;
  close(): void;
}

function bufferSource(buf: Buffer): ByteSource {
  return {
    size: buf.length,
    readSync: (position, length) => {
      if (position + length > buf.length) throw new Error('unexpected end of file');
      return Buffer.from(buf.subarray(position, position + length));
    },
    stream: (start, end) => Readable.from([buf.subarray(start, end)]),
    close: () => undefined,
  };
}

/** A streamed read takes the entry's compressed bytes this many at a time. */
const STREAM_CHUNK = 64 * 1024;

function fdSource(fd: number, size: number): ByteSource {
  let open = true;
  const readAt = (position: number, length: number): Buffer => {
    const out = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = readSync(fd, out, done, length - done, position + done);
      if (n === 0) throw new Error('unexpected end of file');
      done += n;
    }
    return out;
  };
  // Chunks read synchronously as the inflater pulls them. Not fs.createReadStream: destroying
  // one (as a refused entry's read does) closes its fd even with autoClose off, which closed
  // the package's descriptor under it (EBADF on the next read or on close, or a read of
  // whatever file reused the number); and no read is ever in flight when the package closes.
  function* chunks(start: number, end: number): Generator<Buffer> {
    for (let at = start; at < end; at += STREAM_CHUNK) yield readAt(at, Math.min(STREAM_CHUNK, end - at));
  }
  return {
    size,
    readSync: readAt,
    stream: (start, end) => Readable.from(chunks(start, end)),
    close: () => {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

class ZipReader {
  readonly label: string;
  readonly entries: PackageEntry[];
  readonly #src: ByteSource;
  readonly #byName: Map<string, RawEntry>;
  #closed = false;

  private constructor(label: string, src: ByteSource, raw: RawEntry[]) {
    this.label = label;
    this.#src = src;
    this.#byName = new Map(raw.map((e) => [e.name, e]));
    this.entries = raw.map(({ name, size, compressedSize, directory }) => ({ name, size, compressedSize, directory }));
  }

  static async open(input: string | Uint8Array, options: OpenPackageOptions): Promise<ZipReader> {
    const maxBytes = options.maxBytes ?? MAX_PACKAGE_BYTES;
    const label = options.label ?? (typeof input === 'string' ? basename(input) : 'upload');
    let src: ByteSource;
    let buf: Buffer | null = null;
    let fd: number | null = null;
    if (typeof input === 'string') {
      try {
        fd = openSync(input, 'r');
      } catch (err) {
        throw new UserError(`${label}: cannot open the package: ${(err as Error).message}`, { code: 'PACKAGE_UNREADABLE', cause: err });
      }
      const size = fstatSync(fd).size;
      src = fdSource(fd, size);
    } else {
      buf = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
      src = bufferSource(buf);
    }
    try {
      if (src.size === 0) throw new PackageError(`${label}: upload is empty`, { code: 'PACKAGE_EMPTY' });
      if (src.size > maxBytes) {
        throw new PackageError(`${label}: upload exceeds ${maxBytes}-byte cap (the package is ${src.size} bytes)`, {
          code: 'PACKAGE_TOO_LARGE',
          limit: maxBytes,
        });
      }
      const raw = await readCentralDirectory(label, buf, fd);
      return new ZipReader(label, src, raw);
    } catch (err) {
      src.close();
      throw err;
    }
  }

  has(name: string): boolean {
    const e = this.#byName.get(name);
    return e !== undefined && !e.directory;
  }

  /** Reads a whole entry, streaming, stopped as soon as it inflates past its limit. */
  async read(name: string, limit: number): Promise<Uint8Array> {
    const e = this.#entry(name, limit);
    const start = this.#dataStart(e);
    if (e.method === 0) return this.#verify(e, this.#src.readSync(start, e.compressedSize));
    // Never inflate past the declared size either: a smaller lie is caught sooner.
    const stopAt = e.size;
    const chunks: Buffer[] = [];
    let inflated = 0;
    await new Promise<void>((resolve, reject) => {
      const input = this.#src.stream(start, start + e.compressedSize);
      const inflate = createInflateRaw();
      let settled = false;
      const fail = (err: unknown) => {
        if (settled) return;
        settled = true;
        input.unpipe(inflate);
        input.destroy();
        inflate.destroy();
        reject(err);
      };
      input.on('error', (err) => fail(this.#corrupt(e, err)));
      inflate.on('error', (err) => fail(this.#corrupt(e, err)));
      inflate.on('data', (chunk: Buffer) => {
        inflated += chunk.length;
        if (inflated > stopAt) fail(this.#tooLarge(e, limit, inflated));
        else chunks.push(chunk);
      });
      inflate.on('end', () => {
        if (settled) return;
        settled = true;
        resolve();
      });
      input.pipe(inflate);
    });
    return this.#verify(e, Buffer.concat(chunks, inflated));
  }

  /** The synchronous twin of read(), for FileSource. inflateRawSync stops at maxOutputLength. */
  readSync(name: string, limit: number): Uint8Array {
    const e = this.#entry(name, limit);
    const start = this.#dataStart(e);
    const stored = this.#src.readSync(start, e.compressedSize);
    if (e.method === 0) return this.#verify(e, stored);
    let out: Buffer;
    try {
      out = inflateRawSync(stored, { maxOutputLength: Math.max(1, e.size) });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw this.#tooLarge(e, limit, Math.max(1, e.size) + 1);
      throw this.#corrupt(e, err);
    }
    return this.#verify(e, out);
  }

  /** A FileSource over one top-level folder, or null when no entry lives under it (production hasZipDir). */
  subtree(prefix: string, limit: number): FileSource | null {
    const files = new Map<string, string>();
    let any = false;
    for (const e of this.#byName.values()) {
      if (!e.name.startsWith(prefix)) continue;
      any = true;
      if (!e.directory) files.set(e.name.slice(prefix.length), e.name);
    }
    if (!any) return null;
    const names = [...files.keys()].sort();
    return {
      read: (path) => {
        if (this.#closed || !isCleanRelativePath(path)) return null;
        const full = files.get(path);
        return full === undefined ? null : this.readSync(full, limit);
      },
      list: () => [...names],
    };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#src.close();
  }

  #entry(name: string, limit: number): RawEntry {
    if (this.#closed) throw new PackageError(`${this.label}: the package was closed`, { code: 'PACKAGE_CLOSED', entry: name });
    const e = this.#byName.get(name);
    if (!e || e.directory) throw new PackageError(`${this.label}: missing required entry "${name}"`, { code: 'PACKAGE_MISSING_ENTRY', entry: name });
    // Refuse from the central directory alone: nothing is inflated.
    if (e.size > limit) throw this.#tooLarge(e, limit);
    if (e.flags & 0x1) throw new PackageError(`${this.label}: entry "${name}" is encrypted; encrypted entries are refused`, { code: 'PACKAGE_ENCRYPTED', entry: name });
    if (e.method !== 0 && e.method !== 8) {
      throw new PackageError(`${this.label}: entry "${name}" uses compression method ${e.method}; only stored (0) and deflate (8) are supported`, {
        code: 'PACKAGE_COMPRESSION',
        entry: name,
      });
    }
    return e;
  }

  /** Where the entry's data starts, from its local header (which must name the same file). */
  #dataStart(e: RawEntry): number {
    if (e.dataStart !== undefined) return e.dataStart;
    try {
      const header = this.#src.readSync(e.localHeaderOffset, 30);
      if (header.readUInt32LE(0) !== 0x04034b50) throw new Error('invalid local file header signature');
      const nameLength = header.readUInt16LE(26);
      const extraLength = header.readUInt16LE(28);
      const localName = this.#src.readSync(e.localHeaderOffset + 30, nameLength);
      if (!localName.equals(e.rawName)) throw new Error('the local file header names a different file');
      const start = e.localHeaderOffset + 30 + nameLength + extraLength;
      if (start + e.compressedSize > this.#src.size) throw new Error('the entry data runs past the end of the file');
      e.dataStart = start;
      return start;
    } catch (err) {
      throw this.#corrupt(e, err);
    }
  }

  #verify(e: RawEntry, bytes: Buffer): Uint8Array {
    if (bytes.length !== e.size) throw this.#corrupt(e, new Error(`it inflates to ${bytes.length} bytes, not the declared ${e.size}`));
    if (crc32(bytes) !== e.crc) throw this.#corrupt(e, new Error('CRC-32 mismatch'));
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  #tooLarge(e: RawEntry, limit: number, inflated?: number): PackageError {
    const message =
      inflated === undefined
        ? `${this.label}: ${e.name} exceeds the ${limit}-byte limit (it declares ${e.size} bytes)`
        : `${this.label}: ${e.name} inflates past its declared ${e.size} bytes (stopped after ${inflated}; the limit is ${limit} bytes)`;
    return new PackageError(message, { code: 'PACKAGE_ENTRY_TOO_LARGE', entry: e.name, limit, inflatedBytes: inflated ?? 0 });
  }

  #corrupt(e: RawEntry, err: unknown): PackageError {
    if (err instanceof PackageError) return err;
    const why = err instanceof Error ? err.message : String(err);
    return new PackageError(`${this.label}: entry "${e.name}" is corrupt: ${why}`, { code: 'PACKAGE_CORRUPT', entry: e.name, cause: err });
  }
}

/** Lists and checks every entry: count, names, duplicates. Reads no entry data. */
async function readCentralDirectory(label: string, buf: Buffer | null, fd: number | null): Promise<RawEntry[]> {
  // decodeStrings off: names are checked as the bytes they are, not as yauzl would tidy them
  // (it turns backslashes into slashes and honours the Info-ZIP Unicode Path field).
  const opts: yauzl.Options = { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true };
  let zip: yauzl.ZipFile;
  try {
    zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
      const cb = (err: Error | null, z: yauzl.ZipFile) => (err ? reject(err) : resolve(z));
      if (buf) yauzl.fromBuffer(buf, opts, cb);
      else yauzl.fromFd(fd!, opts, cb);
    });
  } catch (err) {
    throw new PackageError(`${label}: not a valid .ocpkg: ${(err as Error).message}`, { code: 'PACKAGE_CORRUPT', cause: err });
  }
  // Checked before a single entry is read, so a central directory of millions costs nothing.
  if (zip.entryCount > MAX_ENTRIES) {
    throw new PackageError(`${label}: the package has ${zip.entryCount} entries; the limit is ${MAX_ENTRIES}`, {
      code: 'PACKAGE_TOO_MANY_ENTRIES',
      limit: MAX_ENTRIES,
    });
  }
  const entries: RawEntry[] = [];
  const seen = new Set<string>();
  await new Promise<void>((resolve, reject) => {
    let failed = false;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      reject(err);
    };
    zip.on('error', (err: Error) => fail(new PackageError(`${label}: not a valid .ocpkg: ${err.message}`, { code: 'PACKAGE_CORRUPT', cause: err })));
    zip.on('end', () => {
      if (!failed) resolve();
    });
    zip.on('entry', (entry: yauzl.Entry) => {
      if (failed) return;
      try {
        entries.push(checkEntry(label, entry, seen));
        zip.readEntry();
      } catch (err) {
        fail(err);
      }
    });
    zip.readEntry();
  });
  // For a buffer, let yauzl drop its reader; for a file, the descriptor is ours (yauzl's
  // close would close it under us), so it is left alone.
  if (buf) zip.close();
  return entries;
}

function checkEntry(label: string, entry: yauzl.Entry, seen: Set<string>): RawEntry {
  const rawName = entry.fileName as unknown as Buffer;
  let name: string;
  try {
    name = utf8.decode(rawName);
  } catch {
    throw new PackageError(`${label}: entry ${JSON.stringify(rawName.toString('latin1'))} is refused: the name is not valid UTF-8`, {
      code: 'PACKAGE_BAD_NAME',
      entry: rawName.toString('latin1'),
    });
  }
  const problem = pathProblem(name, { allowTrailingSlash: true });
  if (problem) {
    throw new PackageError(
      `${label}: entry ${JSON.stringify(name)} is refused: ${problem} (entry names must be relative, forward-slash paths without "..")`,
      { code: 'PACKAGE_BAD_NAME', entry: name },
    );
  }
  if (seen.has(name)) {
    throw new PackageError(`${label}: entry ${JSON.stringify(name)} appears more than once; duplicate entry names are refused`, {
      code: 'PACKAGE_DUPLICATE_ENTRY',
      entry: name,
    });
  }
  seen.add(name);
  return {
    name,
    rawName,
    size: entry.uncompressedSize,
    compressedSize: entry.compressedSize,
    directory: name.endsWith('/'),
    method: entry.compressionMethod,
    flags: entry.generalPurposeBitFlag,
    crc: entry.crc32,
    localHeaderOffset: entry.relativeOffsetOfLocalHeader,
  };
}
