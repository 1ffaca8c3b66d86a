/**
 * A strict JSON parser (RFC 8259, as Go's encoding/json accepts it) that keeps the position of
 * every value and every object key, so errors can point at a line and column. Duplicate keys are
 * kept in order (Go's decoder lets the last one win). Syntax error messages follow Go's scanner
 * ("invalid character 'x' after object key"), because that is what the production host prints.
 */

interface NodeBase {
  /** Offset (UTF-16 code units) of the first character of the value. */
  offset: number
  /** Offset just past the value. */
  end: number
}

export interface JsonMember {
  key: string
  /** Offset of the key's opening quote. */
  keyOffset: number
  value: JsonNode
}

export type JsonNode =
  | (NodeBase & {type: 'object'; members: JsonMember[]})
  | (NodeBase & {type: 'array'; items: JsonNode[]})
  | (NodeBase & {type: 'string'; value: string})
  | (NodeBase & {type: 'number'; value: number; raw: string})
  | (NodeBase & {type: 'boolean'; value: boolean})
  | (NodeBase & {type: 'null'})

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message)
    this.name = 'JsonSyntaxError'
  }
}

/** Maps offsets to 1-based line and column (columns count UTF-16 code units, as editors do). */
export class LineIndex {
  private readonly starts: number[] = [0]

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) this.starts.push(i + 1)
    }
  }

  position(offset: number): {line: number; column: number} {
    let lo = 0
    let hi = this.starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (this.starts[mid]! <= offset) lo = mid
      else hi = mid - 1
    }
    return {line: lo + 1, column: offset - this.starts[lo]! + 1}
  }

  /** The text of a 1-based line, without its line terminator. */
  lineText(line: number): string {
    const start = this.starts[line - 1]
    if (start === undefined) return ''
    const next = this.starts[line]
    return this.text.slice(start, next === undefined ? undefined : next - 1).replace(/\r$/, '')
  }

  get lineCount(): number {
    return this.starts.length
  }
}

/** Quotes a character the way Go's scanner does in its messages. */
function quoteChar(ch: string): string {
  if (ch === "'") return "'\\''"
  if (ch === '"') return `'"'`
  return `'${JSON.stringify(ch).slice(1, -1)}'`
}

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9'
const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r'

/** encoding/json's scanner refuses nesting deeper than this (scanner.go maxNestingDepth). */
export const MAX_NESTING_DEPTH = 10_000

type OpenObject = NodeBase & {type: 'object'; members: JsonMember[]}
type OpenArray = NodeBase & {type: 'array'; items: JsonNode[]}
/** A container being parsed; for an object, the key whose value comes next. */
type Frame = {node: OpenArray} | {node: OpenObject; key: string; keyOffset: number}

/**
 * Parses `text` as one JSON value. Throws {@link JsonSyntaxError} with the offset of the problem.
 * Iterative, so that nesting costs no call stack: as deep as Go's limit parses, deeper is Go's
 * "exceeded max depth" at the bracket that goes one level too far.
 */
export function parseJson(text: string): JsonNode {
  let i = 0

  const fail = (message: string, at = i): never => {
    throw new JsonSyntaxError(message, at)
  }
  const unexpected = (context: string): never => {
    if (i >= text.length) fail('unexpected end of JSON input')
    const ch = String.fromCodePoint(text.codePointAt(i)!)
    return fail(`invalid character ${quoteChar(ch)} ${context}`)
  }
  const skipSpace = () => {
    while (isSpace(text[i])) i++
  }
  const hex4 = (at: number): number => {
    const digits = text.slice(at, at + 4)
    return /^[0-9a-fA-F]{4}$/.test(digits) ? Number.parseInt(digits, 16) : -1
  }

  const parseString = (): string => {
    i++ // opening quote
    let out = ''
    let chunk = i
    for (;;) {
      if (i >= text.length) fail('unexpected end of JSON input')
      const c = text.charCodeAt(i)
      if (c === 0x22) {
        out += text.slice(chunk, i)
        i++
        return out
      }
      if (c < 0x20) unexpected('in string literal')
      if (c === 0x5c) {
        out += text.slice(chunk, i)
        i++
        if (i >= text.length) fail('unexpected end of JSON input')
        const e = text[i]!
        const simple: Record<string, string> = {'"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t'}
        if (e in simple) {
          out += simple[e]
          i++
        } else if (e === 'u') {
          i++
          let code = 0
          for (let k = 0; k < 4; k++) {
            if (i >= text.length) fail('unexpected end of JSON input')
            const h = text[i]!
            if (!/[0-9a-fA-F]/.test(h)) unexpected('in \\u hexadecimal character escape')
            code = code * 16 + Number.parseInt(h, 16)
            i++
          }
          if (code >= 0xd800 && code < 0xe000) {
            // Go's unquote: a high surrogate with a low one escaped right after is one
            // character; any other surrogate is U+FFFD (Go strings hold no lone surrogates)
            const low = text[i] === '\\' && text[i + 1] === 'u' ? hex4(i + 2) : -1
            if (code < 0xdc00 && low >= 0xdc00 && low < 0xe000) {
              out += String.fromCharCode(code, low)
              i += 6
            } else out += '\ufffd'
          } else out += String.fromCharCode(code)
        } else {
          unexpected('in string escape code')
        }
        chunk = i
        continue
      }
      i++
    }
  }

  const parseNumber = (): JsonNode => {
    const start = i
    if (text[i] === '-') {
      i++
      if (i >= text.length) fail('unexpected end of JSON input')
      if (!isDigit(text[i])) unexpected('in numeric literal')
    }
    if (text[i] === '0') i++
    else while (isDigit(text[i])) i++
    if (text[i] === '.') {
      i++
      if (i >= text.length) fail('unexpected end of JSON input')
      if (!isDigit(text[i])) unexpected('after decimal point in numeric literal')
      while (isDigit(text[i])) i++
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++
      if (text[i] === '+' || text[i] === '-') i++
      if (i >= text.length) fail('unexpected end of JSON input')
      if (!isDigit(text[i])) unexpected('in exponent of numeric literal')
      while (isDigit(text[i])) i++
    }
    const raw = text.slice(start, i)
    return {type: 'number', value: Number(raw), raw, offset: start, end: i}
  }

  const parseLiteral = (word: 'true' | 'false' | 'null'): JsonNode => {
    const start = i
    for (let k = 0; k < word.length; k++, i++) {
      if (i >= text.length) fail('unexpected end of JSON input')
      if (text[i] !== word[k]) unexpected(`in literal ${word} (expecting ${quoteChar(word[k]!)})`)
    }
    if (word === 'null') return {type: 'null', offset: start, end: i}
    return {type: 'boolean', value: word === 'true', offset: start, end: i}
  }

  /** Reads `"key":` of an object member into the frame (the value comes next). */
  const readKey = (frame: Extract<Frame, {key: string}>) => {
    skipSpace()
    if (text[i] !== '"') unexpected('looking for beginning of object key string')
    frame.keyOffset = i
    frame.key = parseString()
    skipSpace()
    if (text[i] !== ':') unexpected('after object key')
    i++
  }

  const stack: Frame[] = []
  for (;;) {
    // A value starts here: a scalar completes at once, a non-empty container opens a frame.
    skipSpace()
    const c = text[i]
    let node: JsonNode
    if (c === '{' || c === '[') {
      if (stack.length >= MAX_NESTING_DEPTH) unexpected('exceeded max depth')
      const start = i
      i++
      skipSpace()
      if (c === '{') {
        const object: OpenObject = {type: 'object', members: [], offset: start, end: start}
        if (text[i] !== '}') {
          const frame = {node: object, key: '', keyOffset: 0}
          stack.push(frame)
          readKey(frame)
          continue
        }
        i++
        object.end = i
        node = object
      } else {
        const array: OpenArray = {type: 'array', items: [], offset: start, end: start}
        if (text[i] !== ']') {
          stack.push({node: array})
          continue
        }
        i++
        array.end = i
        node = array
      }
    } else if (c === '"') {
      const start = i
      const value = parseString()
      node = {type: 'string', value, offset: start, end: i}
    } else if (c === '-' || isDigit(c)) node = parseNumber()
    else if (c === 't') node = parseLiteral('true')
    else if (c === 'f') node = parseLiteral('false')
    else if (c === 'n') node = parseLiteral('null')
    else return unexpected('looking for beginning of value')

    // The value is complete: add it to its container, then close every container it completes.
    for (;;) {
      const top = stack[stack.length - 1]
      if (top === undefined) {
        skipSpace()
        if (i < text.length) unexpected('after top-level value')
        return node
      }
      if ('key' in top) top.node.members.push({key: top.key, keyOffset: top.keyOffset, value: node})
      else top.node.items.push(node)
      skipSpace()
      if (text[i] === ',') {
        i++
        if ('key' in top) readKey(top)
        break
      }
      if (text[i] === ('key' in top ? '}' : ']')) {
        i++
        top.node.end = i
        stack.pop()
        node = top.node
        continue
      }
      unexpected('key' in top ? 'after object key:value pair' : 'after array element')
    }
  }
}

/**
 * An object key folded as Go's encoding/json matches it with a struct field after an exact miss
 * (Unicode simple case folding, bytes.EqualFold): compare `goFoldKey(key)` with the field name in
 * lower case. Field names are ASCII, and the only other letters that fold to ASCII ones are LONG S
 * (U+017F, an s) and KELVIN SIGN (U+212A, a k); every other key folds to no field name. One fold
 * for everything decoded as Go does: manifests, host-function arguments (host/functions/wire.ts),
 * SQL requests (host/offthread/sql/request.ts).
 */
export function goFoldKey(key: string): string {
  return key.replace(/\u017f/g, 's').replace(/\u212a/g, 'k').toLowerCase()
}

/** Escapes one reference token of a JSON pointer (RFC 6901). */
export function pointerToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1')
}

/**
 * Converts a parsed node back to a plain JavaScript value (last duplicate key wins). `nullAs`
 * is what a JSON null becomes (default null). Iterative, like the parser.
 */
export function toPlainValue(node: JsonNode, nullAs: unknown = null): unknown {
  const pending: [JsonNode, Record<string, unknown> | unknown[]][] = []
  const convert = (n: JsonNode): unknown => {
    switch (n.type) {
      case 'object': {
        const out: Record<string, unknown> = {}
        pending.push([n, out])
        return out
      }
      case 'array': {
        const out: unknown[] = []
        pending.push([n, out])
        return out
      }
      case 'null':
        return nullAs
      default:
        return n.value
    }
  }
  const root = convert(node)
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [n, out] = next
    if (n.type === 'object') {
      for (const m of n.members) {
        Object.defineProperty(out, m.key, {value: convert(m.value), enumerable: true, writable: true, configurable: true})
      }
    } else if (n.type === 'array') {
      for (const item of n.items) (out as unknown[]).push(convert(item))
    }
  }
  return root
}

/**
 * JSON.stringify(value) (no replacer, no indent), the same text, at any depth. The native one
 * recurses and overflows the stack past a few thousand levels, where values from JSON text may
 * nest 10 000 deep (Go's limit: scenario files, dev-API bodies); this one answers the native
 * result when it can and walks the value with its own stack when the native one runs out.
 * Like the native one it throws a TypeError for a BigInt or a cycle, and is undefined for
 * undefined, a function or a symbol.
 */
export function stringifyJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value)
  } catch (err) {
    if (!(err instanceof RangeError)) throw err
  }
  return stringifyJsonIteratively(value)
}

type WriteFrame = {close: string; first: boolean; container: object}
type WriteTask =
  | {kind: 'member'; frame: WriteFrame; holder: object; key: string; array: boolean}
  | {kind: 'close'; frame: WriteFrame}

/** {@link stringifyJson} without the native fast path (exported for its tests). */
export function stringifyJsonIteratively(value: unknown): string | undefined {
  const out: string[] = []
  const tasks: WriteTask[] = []
  const open = new Set<object>()
  /** Writes a resolved value: a primitive at once, a container by pushing its members. */
  const write = (v: unknown): void => {
    if (v === null) out.push('null')
    else if (typeof v !== 'object') out.push(JSON.stringify(v)) // strings, finite or not numbers, booleans; a bigint throws as natively
    else {
      if (open.has(v)) throw new TypeError('Converting circular structure to JSON')
      open.add(v)
      const array = Array.isArray(v)
      const frame: WriteFrame = {close: array ? ']' : '}', first: true, container: v}
      out.push(array ? '[' : '{')
      tasks.push({kind: 'close', frame})
      const keys = array ? Array.from({length: (v as unknown[]).length}, (_, i) => String(i)) : Object.keys(v)
      for (let i = keys.length - 1; i >= 0; i--) tasks.push({kind: 'member', frame, holder: v, key: keys[i]!, array})
    }
  }
  const root = resolve({'': value}, '')
  if (root === undefined) return undefined
  write(root)
  for (let task = tasks.pop(); task; task = tasks.pop()) {
    if (task.kind === 'close') {
      out.push(task.frame.close)
      open.delete(task.frame.container)
      continue
    }
    const {frame, holder, key, array} = task
    const v = resolve(holder, key)
    if (v === undefined && !array) continue // an object omits the member, an array writes null
    out.push(frame.first ? '' : ',')
    frame.first = false
    if (!array) out.push(`${JSON.stringify(key)}:`)
    if (v === undefined) out.push('null')
    else write(v)
  }
  return out.join('')
}

/**
 * holder[key] as JSON.stringify sees it (SerializeJSONProperty's first steps): toJSON applied,
 * Number, String, Boolean and BigInt objects unwrapped; undefined when it is not written
 * (undefined, a function, a symbol).
 */
function resolve(holder: object, key: string): unknown {
  let v = (holder as Record<string, unknown>)[key]
  if ((typeof v === 'object' && v !== null) || typeof v === 'bigint') {
    const toJSON = (v as {toJSON?: unknown}).toJSON
    if (typeof toJSON === 'function') v = toJSON.call(v, key) as unknown
  }
  if (v instanceof Number) v = Number(v)
  else if (v instanceof String) v = String(v)
  else if (v instanceof Boolean) v = v.valueOf()
  else if (v instanceof BigInt) v = v.valueOf()
  if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return undefined
  return v
}
