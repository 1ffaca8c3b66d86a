// Walking a parsed scenario file with the position of every value at hand: each read either
// yields a plain value or records an issue at the value's JSON pointer and offset, so the
// loader can report every problem of a file at once, each pointing at its line.

import { pointerToken, toPlainValue, type JsonNode } from '../../manifest/json.js';
import type { Json } from '../scenario.js';

export interface Issue {
  severity: 'error' | 'warning';
  message: string;
  pointer: string;
  /** Offset of the value (or key) in the file's text. */
  offset: number;
}

type Kind = JsonNode['type'];

const KIND_NAMES: Record<Kind, string> = {
  object: 'an object',
  array: 'an array',
  string: 'a string',
  number: 'a number',
  boolean: 'a boolean',
  null: 'null',
};

/** A value of the file and where it is; reads record their problems in the shared issue list. */
export class Reader {
  constructor(
    readonly node: JsonNode,
    readonly pointer: string,
    readonly issues: Issue[],
    /** Where this value's key starts (for "unknown key" warnings), else the value itself. */
    readonly keyOffset: number = node.offset,
  ) {}

  get kind(): Kind {
    return this.node.type;
  }

  error(message: string, at: number = this.node.offset): undefined {
    this.issues.push({ severity: 'error', message, pointer: this.pointer, offset: at });
    return undefined;
  }

  warn(message: string, at: number = this.keyOffset): void {
    this.issues.push({ severity: 'warning', message, pointer: this.pointer, offset: at });
  }

  /** Records "must be X, not Y" unless the value has one of `kinds`. */
  expectKind(what: string, ...kinds: Kind[]): boolean {
    if (kinds.includes(this.kind)) return true;
    this.error(`must be ${what}, not ${KIND_NAMES[this.kind]}`);
    return false;
  }

  /** The member `key` of an object (the last one when the key is repeated, as Go decodes it). */
  member(key: string): Reader | undefined {
    if (this.node.type !== 'object') return undefined;
    for (let i = this.node.members.length - 1; i >= 0; i--) {
      const m = this.node.members[i]!;
      if (m.key === key) return new Reader(m.value, `${this.pointer}/${pointerToken(key)}`, this.issues, m.keyOffset);
    }
    return undefined;
  }

  /** A member that is present and not null (the reference treats null as left out). */
  present(key: string): Reader | undefined {
    const m = this.member(key);
    return m && m.kind !== 'null' ? m : undefined;
  }

  /** Object members in order (repeated keys: the last). */
  entries(): [string, Reader][] {
    if (this.node.type !== 'object') return [];
    const seen = new Map<string, Reader>();
    for (const m of this.node.members) seen.set(m.key, new Reader(m.value, `${this.pointer}/${pointerToken(m.key)}`, this.issues, m.keyOffset));
    return [...seen];
  }

  items(): Reader[] {
    if (this.node.type !== 'array') return [];
    return this.node.items.map((item, i) => new Reader(item, `${this.pointer}/${i}`, this.issues));
  }

  /**
   * Warns about keys outside `known`, with a suggestion when one is close: the reference
   * ignores unknown keys silently, so a typo would otherwise pass as an unchecked assertion.
   */
  unknownKeys(known: readonly string[], where: string): void {
    for (const [key, value] of this.entries()) {
      if (known.includes(key)) continue;
      const near = closest(key, known);
      value.warn(`unknown key "${key}" in ${where} (ignored)${near ? `; did you mean "${near}"?` : ''}`);
    }
  }

  string(): string | undefined {
    return this.expectKind('a string', 'string') ? (this.node as { value: string }).value : undefined;
  }

  boolean(): boolean | undefined {
    return this.expectKind('true or false', 'boolean') ? (this.node as { value: boolean }).value : undefined;
  }

  number(): number | undefined {
    return this.expectKind('a number', 'number') ? (this.node as { value: number }).value : undefined;
  }

  /** A whole number in [min, max]; `raw` keeps its digits (uint64 ids beyond 2^53). */
  integer(min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number | undefined {
    if (!this.expectKind('a whole number', 'number')) return undefined;
    const n = (this.node as { value: number }).value;
    if (!Number.isInteger(n)) return this.error('must be a whole number');
    if (n < min || n > max) return this.error(`must be between ${min} and ${max}`);
    return n;
  }

  /** The number's digits as written (for uint64 values). */
  rawNumber(): string | undefined {
    return this.node.type === 'number' ? this.node.raw : undefined;
  }

  /** Any JSON value, as plain data. */
  json(): Json {
    return toPlainValue(this.node) as Json;
  }

  array<T>(each: (item: Reader, index: number) => T | undefined, what = 'an array'): T[] | undefined {
    if (!this.expectKind(what, 'array')) return undefined;
    const out: T[] = [];
    let ok = true;
    for (const [i, item] of this.items().entries()) {
      const v = each(item, i);
      if (v === undefined) ok = false;
      else out.push(v);
    }
    return ok ? out : undefined;
  }

  record<T>(each: (value: Reader, key: string) => T | undefined, what = 'an object'): Record<string, T> | undefined {
    if (!this.expectKind(what, 'object')) return undefined;
    const out: Record<string, T> = {};
    let ok = true;
    for (const [key, value] of this.entries()) {
      const v = each(value, key);
      if (v === undefined) ok = false;
      else Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
    }
    return ok ? out : undefined;
  }
}

/** The known key nearest to `key` (a few edits for its length, or a case-only difference), else null. */
export function closest(key: string, known: readonly string[]): string | null {
  let best: string | null = null;
  // one edit per three characters: "kvs" → "kv", "paylod" → "payload", but not "bogus" → "logs"
  let bestDistance = Math.max(1, Math.floor(key.length / 3)) + 1;
  for (const candidate of known) {
    if (candidate.toLowerCase() === key.toLowerCase()) return candidate;
    const d = editDistance(key, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}
