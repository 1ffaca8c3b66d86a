// A small reader for the parts of a wasm binary the toolchain reports on: imports and
// exports with their function signatures, and custom sections. Node's
// WebAssembly.Module.imports() gives names only, not types.

export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref';

export interface FuncType {
  params: ValType[];
  results: ValType[];
}

export interface WasmImport {
  module: string;
  name: string;
  kind: 'function' | 'table' | 'memory' | 'global' | 'tag';
  /** For functions. */
  type?: FuncType;
}

export interface WasmExport {
  name: string;
  kind: 'function' | 'table' | 'memory' | 'global' | 'tag';
  index: number;
}

export interface WasmSummary {
  imports: WasmImport[];
  exports: WasmExport[];
  /** `offset`: where the section's payload starts in the module's bytes. */
  customSections: { name: string; size: number; offset: number }[];
  /** Declared memory limits (pages of 64 KiB), defined or imported. */
  memory?: { min: number; max?: number };
}

const VALTYPES: Record<number, ValType> = {
  0x7f: 'i32',
  0x7e: 'i64',
  0x7d: 'f32',
  0x7c: 'f64',
  0x7b: 'v128',
  0x70: 'funcref',
  0x6f: 'externref',
};
const KINDS = ['function', 'table', 'memory', 'global', 'tag'] as const;

class Reader {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}
  byte(): number {
    if (this.pos >= this.bytes.length) throw new Error('unexpected end of wasm binary');
    return this.bytes[this.pos++];
  }
  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result >>> 0;
      shift += 7;
      if (shift > 35) throw new Error('bad LEB128 in wasm binary');
    }
  }
  name(): string {
    const len = this.u32();
    const s = new TextDecoder().decode(this.bytes.subarray(this.pos, this.pos + len));
    this.pos += len;
    return s;
  }
  limits(): { min: number; max?: number } {
    const flags = this.byte();
    const min = this.u32();
    return flags & 1 ? { min, max: this.u32() } : { min };
  }
}

/** Reads imports (with function types), exports, memory limits and custom section names. */
export function readWasmSummary(bytes: Uint8Array): WasmSummary {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new Error('not a WebAssembly binary (bad magic number)');
  }
  const r = new Reader(bytes);
  r.pos = 8;
  const types: FuncType[] = [];
  const summary: WasmSummary = { imports: [], exports: [], customSections: [] };
  while (r.pos < bytes.length) {
    const id = r.byte();
    const size = r.u32();
    const end = r.pos + size;
    if (id === 0) {
      const start = r.pos;
      const name = r.name();
      summary.customSections.push({ name, size: size - (r.pos - start), offset: r.pos });
    } else if (id === 1) {
      for (let n = r.u32(); n > 0; n--) {
        if (r.byte() !== 0x60) throw new Error('unsupported type form in wasm binary');
        const params = Array.from({ length: r.u32() }, () => VALTYPES[r.byte()] ?? 'i32');
        const results = Array.from({ length: r.u32() }, () => VALTYPES[r.byte()] ?? 'i32');
        types.push({ params, results });
      }
    } else if (id === 2) {
      for (let n = r.u32(); n > 0; n--) {
        const module = r.name();
        const name = r.name();
        const kindByte = r.byte();
        const kind = KINDS[kindByte] ?? 'function';
        const imp: WasmImport = { module, name, kind };
        if (kindByte === 0) imp.type = types[r.u32()];
        else if (kindByte === 1) {
          r.byte();
          r.limits();
        } else if (kindByte === 2) summary.memory = r.limits();
        else if (kindByte === 3) {
          r.byte();
          r.byte();
        } else if (kindByte === 4) {
          r.byte();
          r.u32();
        }
        summary.imports.push(imp);
      }
    } else if (id === 5) {
      if (r.u32() > 0) summary.memory = r.limits();
    } else if (id === 7) {
      for (let n = r.u32(); n > 0; n--) {
        const name = r.name();
        const kind = KINDS[r.byte()] ?? 'function';
        summary.exports.push({ name, kind, index: r.u32() });
      }
    }
    r.pos = end;
  }
  return summary;
}

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

/** A copy of the module without the named exports (everything else byte-for-byte). */
export function withoutExports(bytes: Uint8Array, names: readonly string[]): Uint8Array {
  const drop = new Set(names);
  const r = new Reader(bytes);
  r.pos = 8;
  const parts: Uint8Array[] = [bytes.subarray(0, 8)];
  while (r.pos < bytes.length) {
    const start = r.pos;
    const id = r.byte();
    const size = r.u32();
    const bodyStart = r.pos;
    const end = bodyStart + size;
    if (id !== 7) {
      parts.push(bytes.subarray(start, end));
      r.pos = end;
      continue;
    }
    const kept: Uint8Array[] = [];
    let count = 0;
    for (let n = r.u32(); n > 0; n--) {
      const entryStart = r.pos;
      const name = r.name();
      r.byte();
      r.u32();
      if (!drop.has(name)) {
        kept.push(bytes.subarray(entryStart, r.pos));
        count++;
      }
    }
    const body = [...uleb(count), ...kept.flatMap((k) => [...k])];
    parts.push(new Uint8Array([7, ...uleb(body.length), ...body]));
    r.pos = end;
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** An unsigned LEB128 number's bytes. */
export function uleb128(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** The module with a custom section appended (custom sections may follow every other section). */
export function appendCustomSection(module: Uint8Array, name: string, payload: Uint8Array): Uint8Array {
  const nameBytes = new TextEncoder().encode(name);
  const body = [...uleb128(nameBytes.length), ...nameBytes];
  const header = [0, ...uleb128(body.length + payload.length), ...body];
  const out = new Uint8Array(module.length + header.length + payload.length);
  out.set(module, 0);
  out.set(header, module.length);
  out.set(payload, module.length + header.length);
  return out;
}
