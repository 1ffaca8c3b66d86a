// Independent models for the plugin HTTP router's properties, written from the production
// description (reference-production-host.md §5: "path cleaned after percent-decoding ...
// trailing slash preserved"; admin paths "matched case-insensitively by glob or as a
// <path>/ prefix"; gobwas globs compiled without separators) and Go's documented behaviour,
// not from src/lib/devserver/http.
import { posix } from 'node:path';

import fc from 'fast-check';

/** What the router should make of a request target: the cleaned path and the raw query, or a 400. */
export function oracleTarget(raw: string): { ok: true; path: string; query: string } | { ok: false } {
  let rest = raw;
  const absolute = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(rest);
  if (absolute) {
    rest = rest.slice(absolute[0].length);
    const cut = rest.search(/[/?#]/);
    rest = cut < 0 ? '/' : rest.slice(cut);
    if (!rest.startsWith('/')) rest = `/${rest}`;
  }
  rest = rest.split('#')[0]!;
  const q = rest.indexOf('?');
  const rawPath = q < 0 ? rest : rest.slice(0, q);
  const query = q < 0 ? '' : rest.slice(q + 1);
  // Go's PathUnescape: %XX with two hex digits, anything else after % is an error; bytes, then UTF-8
  const bytes: number[] = [];
  for (let i = 0; i < rawPath.length; ) {
    if (rawPath[i] === '%') {
      const hex = rawPath.slice(i + 1, i + 3);
      if (hex.length < 2 || !/^[0-9a-f]{2}$/i.test(hex)) return { ok: false };
      bytes.push(parseInt(hex, 16));
      i += 3;
    } else {
      const cp = rawPath.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      bytes.push(...new TextEncoder().encode(ch));
      i += ch.length;
    }
  }
  const decoded = new TextDecoder().decode(Uint8Array.from(bytes));
  if (decoded.includes('\0')) return { ok: false };
  // Go's ServeMux cleanPath: rooted path.Clean, the trailing slash kept
  let path = posix.normalize(decoded.startsWith('/') ? decoded : `/${decoded}`);
  if (decoded.endsWith('/') && path !== '/' && !path.endsWith('/')) path += '/';
  if (!decoded.endsWith('/') && path !== '/' && path.endsWith('/')) path = path.slice(0, -1);
  return { ok: true, path, query };
}

// ---- gobwas globs, by backtracking ----------------------------------------------------------

type Node = { lit: string } | { any: true } | { one: true } | { cls: { neg: boolean; ranges: [string, string][] } } | { alt: Node[][] };

function parseGlob(glob: string): Node[] {
  let i = 0;
  const seq = (inAlt: boolean): Node[] => {
    const out: Node[] = [];
    while (i < glob.length) {
      const c = glob[i]!;
      if (inAlt && (c === ',' || c === '}')) break;
      i++;
      if (c === '\\') out.push({ lit: glob[i++] ?? '\\' });
      else if (c === '*') out.push({ any: true });
      else if (c === '?') out.push({ one: true });
      else if (c === '[') {
        const neg = glob[i] === '!';
        if (neg) i++;
        const ranges: [string, string][] = [];
        while (i < glob.length && glob[i] !== ']') {
          const lo = glob[i++]!;
          if (glob[i] === '-' && glob[i + 1] !== undefined && glob[i + 1] !== ']') {
            ranges.push([lo, glob[i + 1]!]);
            i += 2;
          } else ranges.push([lo, lo]);
        }
        i++;
        out.push({ cls: { neg, ranges } });
      } else if (c === '{') {
        const options: Node[][] = [];
        for (;;) {
          options.push(seq(true));
          if (glob[i++] !== ',') break;
        }
        out.push({ alt: options });
      } else out.push({ lit: c });
    }
    return out;
  };
  return seq(false);
}

/** Whether `text` matches the whole glob (`*` crosses "/": no separators). */
export function globMatches(glob: string, text: string): boolean {
  const chars = [...text];
  const match = (nodes: Node[], n: number, at: number, k: (at: number) => boolean): boolean => {
    if (n === nodes.length) return k(at);
    const node = nodes[n]!;
    if ('lit' in node) return chars[at] === node.lit && match(nodes, n + 1, at + 1, k);
    if ('one' in node) return at < chars.length && match(nodes, n + 1, at + 1, k);
    if ('cls' in node) {
      const c = chars[at];
      if (c === undefined) return false;
      const inside = node.cls.ranges.some(([lo, hi]) => c >= lo && c <= hi);
      return inside !== node.cls.neg && match(nodes, n + 1, at + 1, k);
    }
    if ('any' in node) {
      for (let j = at; j <= chars.length; j++) if (match(nodes, n + 1, j, k)) return true;
      return false;
    }
    return node.alt.some((option) => match(option, 0, at, (after) => match(nodes, n + 1, after, k)));
  };
  return match(parseGlob(glob), 0, 0, (at) => at === chars.length);
}

/** Production's admin rule for one cleaned path: a page glob matches it, or it lies under "<page>/". */
export function oracleAdmin(pages: readonly string[], path: string): boolean {
  const p = path.toLowerCase();
  return pages.some((page) => globMatches(page.toLowerCase(), p) || p.startsWith(`${page.toLowerCase()}/`));
}

// ---- generators ----------------------------------------------------------------------------------

const globPart = fc.oneof(
  { arbitrary: fc.string({ unit: fc.constantFrom(...'abcxyz.-_'), minLength: 1, maxLength: 4 }), weight: 6 },
  { arbitrary: fc.constantFrom('*', '?', '[a-c]', '[!x]', '{ab,cd}', '*.html', '**'), weight: 2 },
);
/** Admin page paths: rooted, a few segments of literals and glob syntax, sometimes with a trailing slash. */
export const adminPagePath = fc
  .tuple(fc.array(fc.array(globPart, { minLength: 1, maxLength: 3 }).map((p) => p.join('')), { minLength: 1, maxLength: 3 }), fc.nat(5))
  .map(([segments, t]) => `/${segments.join('/')}${t === 0 ? '/' : ''}`);

/** One concrete path a glob matches (an attacker's starting point). */
export function instance(glob: string, pick: (n: number) => number): string {
  const render = (nodes: Node[]): string =>
    nodes
      .map((node) => {
        if ('lit' in node) return node.lit;
        if ('one' in node) return 'q';
        if ('any' in node) return ['', 'a', 'b/c', 'x.html', 'Z'][pick(5)]!;
        if ('cls' in node) return node.cls.neg ? 'y' : node.cls.ranges[0]![0];
        return render(node.alt[pick(node.alt.length)]!);
      })
      .join('');
  return render(parseGlob(glob));
}

const ENCODE = (ch: string, upper: boolean) =>
  [...new TextEncoder().encode(ch)].map((b) => `%${b.toString(16).padStart(2, '0')[upper ? 'toUpperCase' : 'toLowerCase']()}`).join('');

/** Ways to write a path that should mean the same (or try to): what an attacker varies. */
export type Twist =
  | { kind: 'case'; at: number }
  | { kind: 'encode'; at: number; upper: boolean }
  | { kind: 'double'; at: number }
  | { kind: 'dot'; at: number; form: string }
  | { kind: 'slash'; at: number; form: string }
  | { kind: 'tail'; form: string };

export const twist: fc.Arbitrary<Twist> = fc.oneof(
  fc.record({ kind: fc.constant('case' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('encode' as const), at: fc.nat(), upper: fc.boolean() }),
  fc.record({ kind: fc.constant('double' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('dot' as const), at: fc.nat(), form: fc.constantFrom('/./', '/x/../', '//', '/%2e/', '/%2E%2e/../', '/.%2e/') }),
  fc.record({ kind: fc.constant('slash' as const), at: fc.nat(), form: fc.constantFrom('%2f', '%2F', '\\', '%5c', '%252f', '/\u2215', '%c0%af') }),
  fc.record({ kind: fc.constant('tail' as const), form: fc.constantFrom('/', '/.', '/./', '//', '/..', '?x=1', '#f', '%00', '%', '%zz', '/%2e', '\u00e9', '%e9') }),
);

/** Applies twists to a path (a string of code points). */
export function applyTwists(path: string, twists: readonly Twist[]): string {
  let p = path;
  for (const t of twists) {
    if (t.kind === 'tail') {
      p += t.form;
      continue;
    }
    const chars = [...p];
    if (chars.length === 0) continue;
    const at = t.at % chars.length;
    const ch = chars[at]!;
    if (t.kind === 'case') chars[at] = ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase();
    else if (t.kind === 'encode') chars[at] = ENCODE(ch, t.upper);
    else if (t.kind === 'double') chars[at] = ENCODE(ch, true).replaceAll('%', '%25');
    else {
      const slashes = chars.flatMap((c, i) => (c === '/' ? [i] : []));
      if (slashes.length === 0) continue;
      chars[slashes[t.at % slashes.length]!] = t.form;
    }
    p = chars.join('');
  }
  return p;
}
