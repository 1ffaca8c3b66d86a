// manifest.network.allowedHosts: which hostnames a plugin with network.fetch may reach.
// Patterns are globs on the hostname alone (port and path play no part), as Extism matches
// them: `*` runs across dots (`*.example.com` takes `a.b.example.com` but not
// `example.com`), `?` is one character, `[a-z]` a class, `{a,b}` alternatives. An empty
// list allows nothing, and `*` must be written to allow everything. Unlike Extism's
// minimatch, a leading `!` is an ordinary character, not "everything except": a typo must
// not open the network. Matching ignores case (hostnames have none).

const cache = new Map<string, RegExp | null>();

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** Index of the `}` closing the `{` at `open`, or -1. */
function closingBrace(glob: string, open: number): number {
  let depth = 0;
  for (let i = open; i < glob.length; i++) {
    if (glob[i] === '\\') i++;
    else if (glob[i] === '{') depth++;
    else if (glob[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

/** Splits the inside of a brace group at its top-level commas. */
function alternatives(body: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (c === ',' && depth === 0) {
      out.push(body.slice(start, i));
      start = i + 1;
    }
  }
  out.push(body.slice(start));
  return out;
}

function source(glob: string): string {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      while (glob[i + 1] === '*') i++;
      re += '.*';
    } else if (c === '?') re += '.';
    else if (c === '\\' && i + 1 < glob.length) re += escape(glob[++i]!);
    else if (c === '[') {
      // A ']' right after the opening (or its negation) is a member, not the end.
      let j = i + 1;
      if (glob[j] === '!' || glob[j] === '^') j++;
      if (glob[j] === ']') j++;
      const end = glob.indexOf(']', j);
      if (end < 0) {
        re += '\\[';
        continue;
      }
      let body = glob.slice(i + 1, end);
      const negate = body[0] === '!' || body[0] === '^';
      if (negate) body = body.slice(1);
      re += `[${negate ? '^' : ''}${body.replace(/[\\\]^[]/g, '\\$&')}]`;
      i = end;
    } else if (c === '{') {
      const end = closingBrace(glob, i);
      const alts = end < 0 ? [] : alternatives(glob.slice(i + 1, end));
      if (alts.length < 2) {
        re += '\\{';
        continue;
      }
      re += `(?:${alts.map(source).join('|')})`;
      i = end;
    } else re += escape(c);
  }
  return re;
}

function compile(glob: string): RegExp | null {
  let re = cache.get(glob);
  if (re === undefined) {
    try {
      re = glob.trim() === '' ? null : new RegExp(`^(?:${source(glob.toLowerCase())})$`, 's');
    } catch {
      re = null; // a class like [z-a]: matches nothing, as an invalid glob does
    }
    if (cache.size > 1000) cache.clear();
    cache.set(glob, re);
  }
  return re;
}

/** Whether `hostname` (a URL's hostname, IPv6 with brackets) is allowed by any pattern. */
export function hostAllowed(hostname: string, patterns: readonly string[]): boolean {
  const host = hostname.toLowerCase();
  // a blank pattern matches nothing, not even an empty hostname
  return patterns.some((p) => p.trim() !== '' && (p.toLowerCase() === host || compile(p)?.test(host) === true));
}
