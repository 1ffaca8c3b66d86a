// Reading a JSON document whose every value knows where it is (manifest/json.ts parseJson),
// collecting errors with their JSON pointer and offset, so a script's mistakes can be shown
// at their line and column.

import { pointerToken, type JsonMember, type JsonNode } from '../manifest/json.js';

export interface ReadError {
  message: string;
  pointer: string;
  offset: number;
}

/** A node and where it is, with helpers that record an error and answer undefined on a type mismatch. */
export class JsonReader {
  constructor(
    readonly node: JsonNode,
    readonly pointer: string,
    private readonly errors: ReadError[],
  ) {}

  error(message: string, at: { offset: number; pointer?: string } = this.node): undefined {
    this.errors.push({ message, pointer: at.pointer ?? this.pointer, offset: at.offset });
    return undefined;
  }

  /** The member readers of an object; an error (and undefined) when the node is something else. */
  object(what: string): Map<string, JsonReader> | undefined {
    if (this.node.type !== 'object') return this.error(`${this.label()} must be ${what}, not ${describe(this.node)}`);
    const out = new Map<string, JsonReader>();
    for (const m of this.node.members) {
      if (out.has(m.key)) this.error(`${this.label()} has "${m.key}" twice`, { offset: m.keyOffset, pointer: this.child(m.key) });
      out.set(m.key, new JsonReader(m.value, this.child(m.key), this.errors));
    }
    return out;
  }

  /** Reports keys outside `allowed`, at the key, with a did-you-mean. */
  unknownKeys(allowed: readonly string[], what: string): void {
    if (this.node.type !== 'object') return;
    for (const m of this.node.members as JsonMember[]) {
      if (allowed.includes(m.key)) continue;
      const near = closest(m.key, allowed);
      this.error(`unknown key "${m.key}" in ${what}${near ? ` (did you mean "${near}"?)` : ''}; known keys: ${allowed.join(', ')}`, {
        offset: m.keyOffset,
        pointer: this.child(m.key),
      });
    }
  }

  array(what: string): JsonReader[] | undefined {
    if (this.node.type !== 'array') return this.error(`${this.label()} must be ${what}, not ${describe(this.node)}`);
    return this.node.items.map((item, i) => new JsonReader(item, this.child(i), this.errors));
  }

  string(what = 'a string'): string | undefined {
    if (this.node.type !== 'string') return this.error(`${this.label()} must be ${what}, not ${describe(this.node)}`);
    return this.node.value;
  }

  nonEmptyString(what = 'a non-empty string'): string | undefined {
    const s = this.string(what);
    if (s === '') return this.error(`${this.label()} must be ${what}`);
    return s;
  }

  number(what = 'a number'): number | undefined {
    if (this.node.type !== 'number') return this.error(`${this.label()} must be ${what}, not ${describe(this.node)}`);
    return this.node.value;
  }

  boolean(): boolean | undefined {
    if (this.node.type !== 'boolean') return this.error(`${this.label()} must be true or false, not ${describe(this.node)}`);
    return this.node.value;
  }

  /** The value as plain JSON (for payloads passed on as written). */
  value(): unknown {
    return plain(this.node);
  }

  /** `"events[3].at"`-style name for messages. */
  label(): string {
    if (this.pointer === '') return 'the script';
    return this.pointer
      .slice(1)
      .split('/')
      .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce((acc, t) => (/^\d+$/.test(t) ? `${acc}[${t}]` : acc ? `${acc}.${t}` : t), '');
  }

  private child(token: string | number): string {
    return `${this.pointer}/${pointerToken(token)}`;
  }
}

function describe(node: JsonNode): string {
  switch (node.type) {
    case 'object':
      return 'an object';
    case 'array':
      return 'an array';
    case 'string':
      return `the string ${JSON.stringify(node.value.length > 40 ? `${node.value.slice(0, 40)}…` : node.value)}`;
    case 'number':
      return `the number ${node.raw}`;
    case 'boolean':
      return String(node.value);
    case 'null':
      return 'null';
  }
}

function plain(node: JsonNode): unknown {
  switch (node.type) {
    case 'object':
      return Object.fromEntries(node.members.map((m) => [m.key, plain(m.value)]));
    case 'array':
      return node.items.map(plain);
    case 'null':
      return null;
    default:
      return node.value;
  }
}

/** The allowed word nearest to `word` when it is close enough to be a typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
