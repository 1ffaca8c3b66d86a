// A tiny, deterministic zip writer for tests: it writes exactly the bytes asked for,
// including the hostile ones a real packer refuses to write (lying sizes, "../" names,
// duplicates, NUL bytes, backslashes). Not a general-purpose packer.
import { constants, crc32, deflateRawSync } from 'node:zlib';

export interface ZipEntryInput {
  /** The name bytes as written (a string is UTF-8). */
  name: string | Buffer;
  data?: Uint8Array | string;
  /** 0 stored, 8 deflate (default 8 for files with data, 0 otherwise). */
  method?: 0 | 8;
  /** Pre-compressed deflate data with its true size (for bombs); crc defaults to 0. */
  raw?: { compressed: Buffer; size: number; crc?: number };
  /** Written as the uncompressed size instead of the real one (a lie). */
  declaredSize?: number;
  /** Written as the CRC-32 instead of the real one. */
  crc?: number;
  /** A different name in the local header than in the central directory. */
  localName?: string;
  /** Written as the compression method instead of the real one (an unsupported method). */
  declaredMethod?: number;
  /** Extra general-purpose flag bits (1: encrypted). */
  flags?: number;
}

const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01, fixed so output is reproducible

export function writeZip(entries: ZipEntryInput[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = typeof e.name === 'string' ? Buffer.from(e.name, 'utf8') : e.name;
    const localName = e.localName === undefined ? name : Buffer.from(e.localName, 'utf8');
    const isDir = name.length > 0 && name[name.length - 1] === 0x2f;
    const content = e.data === undefined ? Buffer.alloc(0) : Buffer.from(typeof e.data === 'string' ? Buffer.from(e.data) : e.data);
    let method: number;
    let compressed: Buffer;
    let size: number;
    let crc: number;
    if (e.raw) {
      method = 8;
      compressed = e.raw.compressed;
      size = e.raw.size;
      crc = e.raw.crc ?? 0;
    } else {
      method = e.method ?? (content.length > 0 ? 8 : 0);
      compressed = method === 8 ? deflateRawSync(content, { level: 6 }) : content;
      size = content.length;
      crc = crc32(content);
    }
    size = e.declaredSize ?? size;
    crc = e.crc ?? crc;
    method = e.declaredMethod ?? method;
    const flags = 0x800 | (e.flags ?? 0); // names are UTF-8

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(localName.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, localName, compressed);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, so the mode bits below mean something
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(0, 30);
    central.writeUInt16LE(0, 32);
    central.writeUInt16LE(0, 34);
    central.writeUInt16LE(0, 36);
    central.writeUInt32LE((isDir ? (0o40755 << 16) | 0x10 : 0o100644 << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);

    offset += local.length + localName.length + compressed.length;
  }
  const cd = Buffer.concat(centrals);
  // More entries than the 16-bit count holds: a ZIP64 end of central directory record and its
  // locator carry the real count, and the classic record says 0xffff (as zip tools write it).
  const zip64: Buffer[] = [];
  if (entries.length > 0xffff) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4);
    record.writeUInt16LE(45, 12);
    record.writeUInt16LE(45, 14);
    record.writeBigUInt64LE(BigInt(entries.length), 24);
    record.writeBigUInt64LE(BigInt(entries.length), 32);
    record.writeBigUInt64LE(BigInt(cd.length), 40);
    record.writeBigUInt64LE(BigInt(offset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(offset + cd.length), 8);
    locator.writeUInt32LE(1, 16);
    zip64.push(record, locator);
  }
  const count = Math.min(entries.length, 0xffff);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(count, 8);
  eocd.writeUInt16LE(count, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, ...zip64, eocd]);
}

/**
 * Deflate data that inflates to `mib` MiB of zeros, built without allocating them: one
 * full-flushed MiB (about 1 KiB compressed) repeated, then an empty final block.
 */
export function zeroBomb(mib: number): { compressed: Buffer; size: number } {
  const chunk = deflateRawSync(Buffer.alloc(1024 * 1024), { finishFlush: constants.Z_FULL_FLUSH });
  const parts: Buffer[] = [];
  for (let i = 0; i < mib; i++) parts.push(chunk);
  parts.push(Buffer.from([0x03, 0x00]));
  return { compressed: Buffer.concat(parts), size: mib * 1024 * 1024 };
}

/** A minimal valid package: manifest, plugin.js and whatever else is given. */
export function packageZip(manifest: object | string, code: string, extra: ZipEntryInput[] = []): Buffer {
  const manifestJson = typeof manifest === 'string' ? manifest : JSON.stringify(manifest, null, 2);
  return writeZip([{ name: 'plugin.manifest.json', data: manifestJson }, { name: 'plugin.js', data: code }, ...extra]);
}
