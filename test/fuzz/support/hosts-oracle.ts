// An independent model of manifest.network.allowedHosts, from its documentation
// (DESIGN §3.14, src/lib/host/offthread/http/allowed-hosts.ts's contract, Extism's measured
// semantics in shared/notes/dependencies.md §1.3): a pattern matches the destination hostname
// alone, case-insensitively, exactly or as a glob where `*` runs across dots, `?` is one
// character, `[..]` a class (`!` or `^` negates; a `]` first is a member; a reversed range makes
// the pattern match nothing), `{a,b}` alternatives (nested; fewer than two is a literal `{`),
// `\x` a literal x; an unclosed `[` or `{` is literal; a leading `!` is literal; a blank pattern
// matches nothing. And where each generated URL really goes, from its parts.
import { domainToASCII } from 'node:url';

import fc from 'fast-check';

type Node = { lit: string } | { any: true } | { one: true } | { cls: { neg: boolean; members: string[]; ranges: [string, string][] } } | { alt: Node[][] } | { never: true };

function parse(glob: string): Node[] {
  const out: Node[] = [];
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') out.push({ any: true });
    else if (c === '?') out.push({ one: true });
    else if (c === '\\' && i + 1 < glob.length) out.push({ lit: glob[++i]! });
    else if (c === '[') {
      let j = i + 1;
      const neg = glob[j] === '!' || glob[j] === '^';
      if (neg) j++;
      const bodyStart = j;
      if (glob[j] === ']') j++;
      const end = glob.indexOf(']', j);
      if (end < 0) {
        out.push({ lit: '[' });
        continue;
      }
      const body = [...glob.slice(bodyStart, end)];
      const members: string[] = [];
      const ranges: [string, string][] = [];
      let never = false;
      for (let k = 0; k < body.length; k++) {
        if (body[k + 1] === '-' && k + 2 < body.length) {
          if (body[k]! > body[k + 2]!) never = true;
          ranges.push([body[k]!, body[k + 2]!]);
          k += 2;
        } else members.push(body[k]!);
      }
      out.push(never ? { never: true } : { cls: { neg, members, ranges } });
      i = end;
    } else if (c === '{') {
      // the matching brace, counting nested ones
      let depth = 0;
      let end = -1;
      for (let k = i; k < glob.length; k++) {
        if (glob[k] === '\\') k++;
        else if (glob[k] === '{') depth++;
        else if (glob[k] === '}' && --depth === 0) {
          end = k;
          break;
        }
      }
      const options: string[] = [];
      if (end > 0) {
        let d = 0;
        let start = i + 1;
        for (let k = i + 1; k < end; k++) {
          if (glob[k] === '\\') k++;
          else if (glob[k] === '{') d++;
          else if (glob[k] === '}') d--;
          else if (glob[k] === ',' && d === 0) {
            options.push(glob.slice(start, k));
            start = k + 1;
          }
        }
        options.push(glob.slice(start, end));
      }
      if (options.length < 2) {
        out.push({ lit: '{' });
        continue;
      }
      out.push({ alt: options.map(parse) });
      i = end;
    } else out.push({ lit: c });
  }
  return out;
}

function matches(nodes: Node[], text: string): boolean {
  if (nodes.some((n) => 'never' in n || ('alt' in n && n.alt.some((o) => o.some((x) => 'never' in x))))) return false;
  const go = (ns: Node[], n: number, at: number, k: (at: number) => boolean): boolean => {
    if (n === ns.length) return k(at);
    const node = ns[n]!;
    if ('lit' in node) return text[at] === node.lit && go(ns, n + 1, at + 1, k);
    if ('one' in node) return at < text.length && go(ns, n + 1, at + 1, k);
    if ('any' in node) {
      for (let j = text.length; j >= at; j--) if (go(ns, n + 1, j, k)) return true;
      return false;
    }
    if ('cls' in node) {
      const c = text[at];
      if (c === undefined) return false;
      const hit = node.cls.members.includes(c) || node.cls.ranges.some(([lo, hi]) => c >= lo && c <= hi);
      return hit !== node.cls.neg && go(ns, n + 1, at + 1, k);
    }
    if ('alt' in node) return node.alt.some((option) => go(option, 0, at, (after) => go(ns, n + 1, after, k)));
    return false;
  };
  return go(nodes, 0, 0, (at) => at === text.length);
}

/** Whether a destination hostname (lower-case, IPv6 in brackets) is allowed by the patterns. */
export function hostsOracle(hostname: string, patterns: readonly string[]): boolean {
  const host = hostname.toLowerCase();
  return patterns.some((p) => {
    if (p.trim() === '') return false;
    const lower = p.toLowerCase();
    return lower === host || matches(parse(lower), host);
  });
}

// ---- where a URL goes ----------------------------------------------------------------------------

/** A destination written one of the ways URL parsers accept, with its canonical hostname. */
export interface Written {
  text: string;
  canonical: string;
}

const octet = fc.integer({ min: 0, max: 255 });

/** IPv4 in the forms WHATWG URL parsing accepts: dotted, fewer parts, hex, octal, one number, a trailing dot. */
const ipv4: fc.Arbitrary<Written> = fc.tuple(fc.tuple(octet, octet, octet, octet), fc.nat(6), fc.boolean()).map(([b, form, dot]) => {
  const n = ((b[0] << 24) >>> 0) + (b[1] << 16) + (b[2] << 8) + b[3];
  const canonical = b.join('.');
  const texts = [
    canonical,
    String(n),
    `0x${n.toString(16)}`,
    `0${n.toString(8)}`,
    `${b[0]}.${(b[1] << 16) + (b[2] << 8) + b[3]}`,
    `${b[0]}.${b[1]}.${(b[2] << 8) + b[3]}`,
    b.map((x, i) => (i % 2 ? `0x${x.toString(16)}` : `0${x.toString(8)}`)).join('.'),
  ];
  return { text: texts[form]! + (dot ? '.' : ''), canonical };
});

const ipv6: fc.Arbitrary<Written> = fc.constantFrom(
  { text: '[::1]', canonical: '[::1]' },
  { text: '[0:0:0:0:0:0:0:1]', canonical: '[::1]' },
  { text: '[::FFFF:127.0.0.1]', canonical: '[::ffff:7f00:1]' },
  { text: '[::ffff:7f00:1]', canonical: '[::ffff:7f00:1]' },
  { text: '[2001:DB8::0001]', canonical: '[2001:db8::1]' },
  { text: '[fe80::1]', canonical: '[fe80::1]' },
  { text: '[::]', canonical: '[::]' },
);

const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,6}[a-z0-9])?$/);
const names: fc.Arbitrary<Written> = fc
  .tuple(fc.array(label, { minLength: 1, maxLength: 3 }), fc.constantFrom('example.com', 'example.org', 'evil.net', 'localhost', 'com', 'bücher.example', 'ëxample.com', 'xn--bcher-kva.example', 'EXAMPLE.COM'), fc.nat(3), fc.boolean())
  .map(([labels, tail, style, dot]) => {
    const host = style === 0 ? tail : `${labels.join('.')}.${tail}`;
    const ascii = domainToASCII(host);
    const written = style === 2 ? host.toUpperCase() : host;
    return { text: written + (dot ? '.' : ''), canonical: ascii + (dot ? '.' : '') };
  });

export const destination: fc.Arbitrary<Written> = fc.oneof(names, names, ipv4, ipv6);

/** A request URL around a destination: scheme, a decoy in userinfo, a port, a path that names an allowed host. */
export const requestUrl = fc
  .record({
    dest: destination,
    scheme: fc.constantFrom('http', 'https', 'HTTPS', 'ftp', 'file', 'ws'),
    decoy: fc.constantFrom('', 'api.example.com@', 'user:pw@', 'api.example.com:80@', '%61pi.example.com@'),
    port: fc.constantFrom('', ':8080', ':443', ':0'),
    path: fc.constantFrom('/', '/x', '/?u=api.example.com', '#api.example.com', '/@api.example.com'),
  })
  .map(({ dest, scheme, decoy, port, path }) => ({ url: `${scheme}://${decoy}${dest.text}${port}${path}`, dest, scheme: scheme.toLowerCase() }));

/** Patterns near a destination: itself, its parents with a `*`, wildcards, classes, alternatives, and the odd ones. */
export function patternsNear(canonical: string): fc.Arbitrary<string[]> {
  const labels = canonical.replace(/\.$/, '').split('.');
  const parent = labels.slice(1).join('.');
  const near = fc.constantFrom(
    canonical,
    canonical.toUpperCase(),
    canonical.replace(/\.$/, ''),
    `${canonical}.`,
    `*.${parent}`,
    `*${parent}`,
    `*.${canonical}`,
    '*',
    `${labels[0]}.*`,
    canonical.replace(/[a-z0-9]/, '?'),
    canonical.replace(/[a-z]/, '[a-z]'),
    canonical.replace(/[a-z]/, '[!a-z]'),
    canonical.replace(/[a-z]/, '[z-a]'),
    `{${canonical},nothing.example}`,
    `{${canonical}}`,
    `!${canonical}`,
    `${canonical}:8080`,
    canonical.replace(/^\[|\]$/g, ''),
    ` ${canonical}`,
    '',
    '   ',
    '[',
    `\\${canonical}`,
    'api.example.com',
    '*.example.com',
    '127.0.0.1',
    '2130706433',
  );
  return fc.array(near, { maxLength: 3 });
}
