// Admin page paths are globs in production's dialect (gobwas/glob compiled with no separators,
// so `*` also crosses `/`): `*` and `**` any run of characters, `?` one character, `[abc]`,
// `[a-z]`, `[!a-z]` classes, `{a,b}` alternatives (which may nest and hold other patterns),
// `\x` a literal x. A glob the manifest validator let through always compiles.

const escapeRegExp = (ch: string) => ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** The glob as an anchored RegExp matching whole strings. */
export function globToRegExp(glob: string): RegExp {
  let i = 0;

  // One pattern up to the end, or (inside braces) up to the "," or "}" that ends it.
  const sequence = (inBraces: boolean): string => {
    let out = '';
    while (i < glob.length) {
      const ch = glob[i]!;
      if (inBraces && (ch === ',' || ch === '}')) return out;
      i++;
      if (ch === '\\') {
        out += escapeRegExp(glob[i] ?? '\\');
        i++;
      } else if (ch === '*') {
        while (glob[i] === '*') i++;
        out += '[\\s\\S]*';
      } else if (ch === '?') {
        out += '[\\s\\S]';
      } else if (ch === '[') {
        out += charClass();
      } else if (ch === '{') {
        out += alternatives();
      } else {
        out += escapeRegExp(ch);
      }
    }
    return out;
  };

  const charClass = (): string => {
    let negate = false;
    if (glob[i] === '!') {
      negate = true;
      i++;
    }
    let body = '';
    while (i < glob.length && glob[i] !== ']') {
      let ch = glob[i++]!;
      if (ch === '\\' && i < glob.length) ch = glob[i++]!;
      if (glob[i] === '-' && glob[i + 1] !== undefined && glob[i + 1] !== ']') {
        let hi = glob[i + 1]!;
        i += 2;
        if (hi === '\\' && i < glob.length) hi = glob[i++]!;
        body += `${escapeRegExp(ch)}-${escapeRegExp(hi)}`;
      } else {
        body += escapeRegExp(ch);
      }
    }
    i++; // the closing "]"
    return `[${negate ? '^' : ''}${body}]`;
  };

  const alternatives = (): string => {
    const options: string[] = [];
    for (;;) {
      options.push(sequence(true));
      const ch = glob[i++];
      if (ch !== ',') break; // "}" or the end
    }
    return `(?:${options.join('|')})`;
  };

  return new RegExp(`^${sequence(false)}$`);
}
