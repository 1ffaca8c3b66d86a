/**
 * Finds `require(...)` and `import(...)` calls in bundled JavaScript (esbuild's output), skipping
 * strings, template literals, comments and regular expression literals. It is a tokenizer, not a
 * parser: enough to check the bundle, which esbuild has already parsed and printed.
 */

export interface CallSite {
  callee: 'require' | 'import'
  /** Offset of the callee identifier in the text. */
  offset: number
  /** The argument when it is a single string literal, e.g. `"@owncast/plugin-sdk"`. */
  literal?: string
}

const KEYWORDS_BEFORE_EXPRESSION = new Set([
  'return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await',
])

const isIdentStart = (c: string) => /[A-Za-z_$\u0080-\uffff]/.test(c)
const isIdentPart = (c: string) => /[A-Za-z0-9_$\u0080-\uffff]/.test(c)

/** Returns every `require(` and `import(` call site in `code`, in order. */
export function findModuleCalls(code: string): CallSite[] {
  const sites: CallSite[] = []
  // The previous significant token: decides whether "/" starts a regex, and whether an
  // identifier is a member access (`x.require(...)`) or a declaration (`function require(`).
  let prev = ''
  let prevWasIdent = false
  const templateDepth: number[] = [] // brace depth at which each open template's ${ started
  let braceDepth = 0
  let i = 0

  const skipString = (quote: string) => {
    i++
    while (i < code.length && code[i] !== quote) {
      if (code[i] === '\\') i++
      i++
    }
    i++
  }
  /** Skips template text up to and including the closing backtick or a `${`. */
  const skipTemplateText = () => {
    while (i < code.length) {
      const c = code[i]
      if (c === '\\') {
        i += 2
      } else if (c === '`') {
        i++
        return
      } else if (c === '$' && code[i + 1] === '{') {
        i += 2
        templateDepth.push(braceDepth)
        braceDepth++
        return
      } else i++
    }
  }
  const skipSpaceAndComments = (from: number): number => {
    let j = from
    for (;;) {
      while (j < code.length && /\s/.test(code[j]!)) j++
      if (code.startsWith('//', j)) {
        while (j < code.length && code[j] !== '\n') j++
      } else if (code.startsWith('/*', j)) {
        const close = code.indexOf('*/', j + 2)
        j = close === -1 ? code.length : close + 2
      } else return j
    }
  }
  const regexAllowed = () =>
    prev === '' || (!prevWasIdent && !/[)\]]$/.test(prev) && !/^[\d.]/.test(prev)) || (prevWasIdent && KEYWORDS_BEFORE_EXPRESSION.has(prev))

  while (i < code.length) {
    const c = code[i]!
    if (/\s/.test(c)) {
      i++
      continue
    }
    if (c === '/' && code[i + 1] === '/') {
      while (i < code.length && code[i] !== '\n') i++
      continue
    }
    if (c === '/' && code[i + 1] === '*') {
      const close = code.indexOf('*/', i + 2)
      i = close === -1 ? code.length : close + 2
      continue
    }
    if (c === '"' || c === "'") {
      skipString(c)
      prev = 'str'
      prevWasIdent = true // a value: "/" after it is division
      continue
    }
    if (c === '`') {
      i++
      skipTemplateText()
      prev = '`'
      prevWasIdent = true
      continue
    }
    if (c === '/' && regexAllowed()) {
      i++
      let inClass = false
      while (i < code.length) {
        const r = code[i]
        if (r === '\\') i++
        else if (r === '[') inClass = true
        else if (r === ']') inClass = false
        else if (r === '/' && !inClass) break
        else if (r === '\n') break
        i++
      }
      i++
      while (i < code.length && isIdentPart(code[i]!)) i++ // flags
      prev = 'regex'
      prevWasIdent = true
      continue
    }
    if (isIdentStart(c)) {
      const start = i
      while (i < code.length && isIdentPart(code[i]!)) i++
      const word = code.slice(start, i)
      if ((word === 'require' || word === 'import') && prev !== '.' && prev !== '?.' && prev !== 'function') {
        const j = skipSpaceAndComments(i)
        if (code[j] === '(') {
          const site: CallSite = {callee: word, offset: start}
          const k = skipSpaceAndComments(j + 1)
          const q = code[k]
          if (q === '"' || q === "'") {
            const save = i
            i = k
            skipString(q)
            const end = i
            i = save
            if (code[skipSpaceAndComments(end)] === ')') {
              try {
                site.literal = JSON.parse(q === '"' ? code.slice(k, end) : `"${code.slice(k + 1, end - 1).replace(/"/g, '\\"')}"`)
              } catch {
                // leave literal undefined: treated as a non-literal argument
              }
            }
          }
          sites.push(site)
        }
      }
      prev = word
      prevWasIdent = true
      continue
    }
    if (/\d/.test(c) || (c === '.' && /\d/.test(code[i + 1] ?? ''))) {
      const start = i
      while (i < code.length && /[\w.]/.test(code[i]!)) i++
      prev = code.slice(start, i)
      prevWasIdent = false
      continue
    }
    // Punctuation.
    if (c === '{') braceDepth++
    if (c === '}') {
      braceDepth--
      if (templateDepth.length > 0 && templateDepth[templateDepth.length - 1] === braceDepth) {
        templateDepth.pop()
        i++
        skipTemplateText()
        prev = '`'
        prevWasIdent = true
        continue
      }
    }
    if (c === '?' && code[i + 1] === '.') {
      prev = '?.'
      i += 2
    } else {
      prev = c
      i++
    }
    prevWasIdent = false
  }
  return sites
}
