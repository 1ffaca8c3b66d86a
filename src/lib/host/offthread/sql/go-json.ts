// JSON as Go's encoding/json reads and writes it, for the SQL wire format: production parses
// a plugin's SQL request with a json.Decoder (UseNumber) and answers with json.Marshal, so
// the same request must fail with the same words here, and a result must cost the same
// bytes against the 1 MiB budget.

/** A decoded JSON value. Numbers keep their literal text (Go's json.Number). */
export type GoJson =
  | { kind: 'object'; entries: [string, GoJson][] }
  | { kind: 'array'; items: GoJson[] }
  | { kind: 'string'; value: string }
  | { kind: 'number'; raw: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'null' };

/** A syntax error, worded as Go's decoder words it ("unexpected EOF", "invalid character 'x' …"). */
export class GoJsonSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GoJsonSyntaxError';
  }
}

// encoding/json's scanner refuses nesting deeper than this.
const MAX_NESTING_DEPTH = 10000;

const isWs = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

// strconv.IsPrint for the Latin-1 range Go can show in a quoted byte.
const latin1Printable = (c: number) => (c >= 0x20 && c < 0x7f) || (c >= 0xa1 && c <= 0xff && c !== 0xad);

/**
 * Go's quoteChar: the scanner reports the offending *byte*, so a non-ASCII character shows
 * as its first UTF-8 byte read as a Latin-1 rune, escaped the way strconv.Quote escapes it.
 */
export function goQuoteChar(ch: string): string {
  if (ch === "'") return `'\\''`;
  if (ch === '"') return `'"'`;
  const cp = ch.codePointAt(0) ?? 0;
  const byte = cp < 0x80 ? cp : Buffer.from(ch, 'utf8')[0]!;
  const named: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 0x5c: '\\\\' };
  if (named[byte]) return `'${named[byte]}'`;
  if (latin1Printable(byte)) return `'${String.fromCharCode(byte)}'`;
  if (byte < 0x80) return `'\\x${byte.toString(16).padStart(2, '0')}'`;
  return `'\\u${byte.toString(16).padStart(4, '0')}'`;
}

type Frame =
  | { kind: 'object'; entries: [string, GoJson][]; key: string }
  | { kind: 'array'; items: GoJson[] };

/**
 * Reads the first JSON value of `text` as json.Decoder.Decode does and returns it with the
 * offset just past it; what follows is the caller's business (trailing data). Iterative, so
 * the 10 000 levels Go accepts cannot overflow the JS stack.
 */
export function decodeFirstGoJson(text: string): { value: GoJson; end: number } {
  const n = text.length;
  let i = 0;
  const stack: Frame[] = [];

  const fail = (context: string): never => {
    if (i >= n) throw new GoJsonSyntaxError('unexpected EOF');
    throw new GoJsonSyntaxError(`invalid character ${goQuoteChar(String.fromCodePoint(text.codePointAt(i)!))} ${context}`);
  };
  const skipWs = () => {
    while (i < n && isWs(text.charCodeAt(i))) i++;
  };
  const hex4 = (): number => {
    let v = 0;
    for (let k = 0; k < 4; k++) {
      const c = text.charCodeAt(i);
      const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
      if (i >= n || d < 0) fail('in \\u hexadecimal character escape');
      v = v * 16 + d;
      i++;
    }
    return v;
  };
  // The low half of a surrogate pair, consumed only when it is one; otherwise -1 and the
  // second \uXXXX is decoded again on its own.
  const lowSurrogate = (): number => {
    const digits = text.slice(i, i + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(digits)) return -1;
    const v = Number.parseInt(digits, 16);
    if (v < 0xdc00 || v >= 0xe000) return -1;
    i += 4;
    return v;
  };
  const readString = (): string => {
    i++; // the opening quote
    let out = '';
    let chunk = i;
    for (;;) {
      if (i >= n) fail('');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(chunk, i);
        i++;
        return out;
      }
      if (c < 0x20) fail('in string literal');
      if (c !== 0x5c) {
        i++;
        continue;
      }
      out += text.slice(chunk, i);
      i++;
      if (i >= n) fail('');
      const e = text[i]!;
      const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (e in simple) {
        out += simple[e];
        i++;
      } else if (e === 'u') {
        i++;
        let cp = hex4();
        if (cp >= 0xd800 && cp < 0xe000) {
          // A valid pair becomes one character; anything else is U+FFFD (Go's unquote).
          let lo = -1;
          if (cp < 0xdc00 && text[i] === '\\' && text[i + 1] === 'u') {
            i += 2;
            lo = lowSurrogate();
            if (lo < 0) i -= 2;
          }
          cp = lo < 0 ? 0xfffd : 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        }
        out += String.fromCodePoint(cp);
      } else {
        fail('in string escape code');
      }
      chunk = i;
    }
  };
  const readNumber = (): GoJson => {
    const start = i;
    if (text.charCodeAt(i) === 0x2d) {
      i++;
      if (!isDigit(text.charCodeAt(i))) fail('in numeric literal');
    }
    if (text.charCodeAt(i) === 0x30) i++;
    else while (isDigit(text.charCodeAt(i))) i++;
    if (text.charCodeAt(i) === 0x2e) {
      i++;
      if (!isDigit(text.charCodeAt(i))) fail('after decimal point in numeric literal');
      while (isDigit(text.charCodeAt(i))) i++;
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (!isDigit(text.charCodeAt(i))) fail('in exponent of numeric literal');
      while (isDigit(text.charCodeAt(i))) i++;
    }
    return { kind: 'number', raw: text.slice(start, i) };
  };
  const readLiteral = (word: string, value: GoJson): GoJson => {
    i++;
    for (let k = 1; k < word.length; k++, i++) {
      if (text[i] !== word[k]) fail(`in literal ${word} (expecting ${goQuoteChar(word[k]!)})`);
    }
    return value;
  };
  const push = (frame: Frame) => {
    if (stack.length + 1 > MAX_NESTING_DEPTH) fail('exceeded max depth');
    stack.push(frame);
  };
  const readKey = (): string => {
    skipWs();
    if (text[i] !== '"') fail('looking for beginning of object key string');
    const key = readString();
    skipWs();
    if (text[i] !== ':') fail('after object key');
    i++;
    return key;
  };
  // Starts a value: returns it when it is complete, or null when a container was opened.
  const startValue = (): GoJson | null => {
    skipWs();
    const c = text[i];
    switch (c) {
      case '{': {
        push({ kind: 'object', entries: [], key: '' });
        i++;
        skipWs();
        if (text[i] === '}') {
          i++;
          stack.pop();
          return { kind: 'object', entries: [] };
        }
        (stack[stack.length - 1] as Frame & { kind: 'object' }).key = readKey();
        return null;
      }
      case '[':
        push({ kind: 'array', items: [] });
        i++;
        skipWs();
        if (text[i] === ']') {
          i++;
          stack.pop();
          return { kind: 'array', items: [] };
        }
        return null;
      case '"':
        return { kind: 'string', value: readString() };
      case 't':
        return readLiteral('true', { kind: 'bool', value: true });
      case 'f':
        return readLiteral('false', { kind: 'bool', value: false });
      case 'n':
        return readLiteral('null', { kind: 'null' });
      default:
        if (c === '-' || isDigit(text.charCodeAt(i))) return readNumber();
        return fail('looking for beginning of value');
    }
  };

  skipWs();
  if (i >= n) throw new GoJsonSyntaxError('EOF');
  for (;;) {
    let value = startValue();
    // Hand each finished value to its container; a container that closes is itself a
    // finished value for the one around it.
    while (value !== null) {
      const top = stack[stack.length - 1];
      if (!top) return { value, end: i };
      skipWs();
      if (top.kind === 'array') {
        top.items.push(value);
        if (text[i] === ',') {
          i++;
          value = null;
        } else if (text[i] === ']') {
          i++;
          stack.pop();
          value = { kind: 'array', items: top.items };
        } else fail('after array element');
      } else {
        top.entries.push([top.key, value]);
        if (text[i] === ',') {
          i++;
          top.key = readKey();
          value = null;
        } else if (text[i] === '}') {
          i++;
          stack.pop();
          value = { kind: 'object', entries: top.entries };
        } else fail('after object key:value pair');
      }
    }
  }
}

/** Whether anything but JSON whitespace follows `from` (Go's decoder then reports trailing data). */
export function hasTrailingData(text: string, from: number): boolean {
  for (let i = from; i < text.length; i++) if (!isWs(text.charCodeAt(i))) return true;
  return false;
}

/** Go's strings.TrimSpace: unicode.IsSpace on both ends (U+0085 yes, U+FEFF no, unlike String.trim). */
export function goTrimSpace(s: string): string {
  const space = (c: number) =>
    (c >= 0x09 && c <= 0x0d) ||
    c === 0x20 ||
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000;
  let a = 0;
  let b = s.length;
  while (a < b && space(s.charCodeAt(a))) a++;
  while (b > a && space(s.charCodeAt(b - 1))) b--;
  return s.slice(a, b);
}

/** Go's strings.ToLower: simple (one-to-one) case mapping, so 'İ' becomes 'i', not 'i̇'. */
export function goToLower(s: string): string {
  let ascii = true;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) ascii = false;
  if (ascii) return s.toLowerCase();
  let out = '';
  for (const ch of s) {
    if (ch === '\u0130') out += 'i';
    else {
      const lower = ch.toLowerCase();
      out += [...lower].length === 1 ? lower : ch;
    }
  }
  return out;
}

const HTML_UNSAFE = /[<>&\u2028\u2029]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Replaces unpaired surrogates with U+FFFD, as Go sees text that was not valid UTF-8. */
export function wellFormed(s: string): string {
  return s.replace(LONE_SURROGATE, '\ufffd');
}

/**
 * A string as json.Marshal writes it: JSON.stringify's escapes (the same short forms and
 * lower-case \u00XX), plus Go's HTML-safe escapes for < > & and the JS line separators.
 * Unpaired surrogates (invalid UTF-8 to Go) come out as \ufffd, as Go writes them.
 */
export function goJsonString(s: string): string {
  let json = JSON.stringify(s);
  LONE_SURROGATE.lastIndex = 0;
  if (LONE_SURROGATE.test(s)) {
    json = '"' + s.split(LONE_SURROGATE).map((part) => JSON.stringify(part).slice(1, -1)).join('\\ufffd') + '"';
  }
  HTML_UNSAFE.lastIndex = 0;
  return HTML_UNSAFE.test(json)
    ? json.replace(HTML_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    : json;
}

/** The byte length of goJsonString(s), counted without building it. */
export function goJsonStringSize(s: string): number {
  let size = 2;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      if (c === 0x22 || c === 0x5c || c === 0x08 || c === 0x0c || c === 0x0a || c === 0x0d || c === 0x09) size += 2;
      else if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26) size += 6;
      else size += 1;
    } else if (c < 0x800) size += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      size += 4;
      i++;
    } else if (c >= 0xd800 && c < 0xe000) size += 6; // a lone surrogate: Go writes \ufffd
    else if (c === 0x2028 || c === 0x2029) size += 6;
    else size += 3;
  }
  return size;
}

/**
 * A float64 as json.Marshal writes it (ES number formatting agrees with Go's 'f'/'e' choice
 * and exponent form; only -0 differs). Infinity has no JSON form: Go fails the whole encode.
 */
export function goJsonFloat(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`json: unsupported value: ${Number.isNaN(x) ? 'NaN' : x > 0 ? '+Inf' : '-Inf'}`);
  return Object.is(x, -0) ? '-0' : String(x);
}
