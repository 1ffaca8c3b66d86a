// The reference runner matches fixture URLs with gobwas/glob compiled without separators
// (J.7), so `*` runs over anything, `/` and `?` included. Its syntax: `*` (and `**`) any run
// of characters, `?` one character, `[abc]` / `[a-z]` a class and `[!...]` its complement,
// `{a,b}` alternatives (which may hold patterns), `\` escapes the next character.

const cache = new Map<string, RegExp>();

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** Whether `url` matches the glob `pattern` as a whole. */
export function urlGlobMatches(pattern: string, url: string): boolean {
  let re = cache.get(pattern);
  if (!re) {
    re = new RegExp(`^${translate(pattern)}$`, 's');
    cache.set(pattern, re);
  }
  return re.test(url);
}

function translate(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '\\' && i + 1 < glob.length) {
      out += escapeRegex(glob[++i]!);
    } else if (c === '*') {
      while (glob[i + 1] === '*') i++;
      out += '.*';
    } else if (c === '?') {
      out += '.';
    } else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) {
        out += '\\[';
        continue;
      }
      let body = glob.slice(i + 1, close);
      const negate = body.startsWith('!');
      if (negate) body = body.slice(1);
      out += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = close;
    } else if (c === '{') {
      const close = closingBrace(glob, i);
      if (close < 0) {
        out += '\\{';
        continue;
      }
      out += `(?:${splitAlternatives(glob.slice(i + 1, close)).map(translate).join('|')})`;
      i = close;
    } else {
      out += escapeRegex(c);
    }
  }
  return out;
}

function closingBrace(glob: string, open: number): number {
  let depth = 0;
  for (let i = open; i < glob.length; i++) {
    if (glob[i] === '\\') i++;
    else if (glob[i] === '{') depth++;
    else if (glob[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function splitAlternatives(body: string): string[] {
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
