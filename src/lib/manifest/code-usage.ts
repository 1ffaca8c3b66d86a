/**
 * What a built plugin script uses, found without running it: the `owncast.*` API calls (and
 * the permission each needs) and the handlers its definition declares (`filterChatMessage`,
 * `onHttpRequest`, ...). A tokenizer over esbuild's output (or a hand-written plugin.js), not
 * a parser: it skips strings, template text, comments and regular expressions, and matches
 * `owncast.<namespace>.<method>` chains (also as `import_plugin_sdk.owncast.chat.send`) and
 * handler names in member position. Code that aliases a namespace (`const c = owncast.chat`)
 * is seen as using the namespace, without knowing which method.
 *
 * Kept free of heavy imports: `lint-manifest` runs it and must start fast.
 */

/** One use of the plugin API. */
export interface ApiUse {
  /** As written, e.g. `owncast.chat.send`, `owncast.kv`, `Http.request`. */
  api: string
  /**
   * The permissions it may need. One for a known method; every permission of the namespace
   * when the method is not known (an aliased namespace). Empty: ambient (timers, config, log).
   */
  permissions: string[]
  /** True when `permissions` names exactly what the call needs (the method is known). */
  exact: boolean
  /** Offset of the first identifier of the chain in the scanned text. */
  offset: number
  /** The first argument, when the call's first argument is a string literal (`owncast.events.emit("a.b", ...)`). */
  argument?: string
}

/** A handler the plugin's definition declares, by its SDK name. */
export interface HandlerUse {
  name: string
  offset: number
}

export interface CodeUsage {
  uses: ApiUse[]
  handlers: HandlerUse[]
  /**
   * True when `owncast` itself is passed around or destructured (`const {kv} = owncast`,
   * `owncast[name]`): some uses cannot be seen, so "never used" cannot be claimed.
   */
  opaque: boolean
}

type NamespacePermissions = string | Record<string, string>

/** `owncast.<namespace>[.<method>]` → permission ('' = ambient). From the SDK runtime (src/lib/sdk/runtime/owncast.ts). */
export const API_PERMISSIONS: Readonly<Record<string, NamespacePermissions>> = {
  chat: {
    send: 'chat.send',
    sendAction: 'chat.send',
    system: 'chat.send',
    sendTo: 'chat.send',
    replyTo: 'chat.send',
    history: 'chat.history',
    clients: 'chat.history',
    deleteMessage: 'chat.moderate',
    kick: 'chat.moderate',
  },
  users: {
    list: 'users.read',
    get: 'users.read',
    setEnabled: 'users.moderate',
    banIP: 'users.moderate',
    register: 'users.register',
  },
  auth: 'auth.gate',
  storage: {upload: 'storage.upload', sql: 'storage.sql'},
  sql: 'storage.sql',
  fs: 'storage.fs',
  fediverse: 'fediverse.post',
  notifications: 'notifications.send',
  stream: 'server.read',
  server: 'server.read',
  videoConfig: {read: 'videoconfig.read', write: 'videoconfig.write'},
  kv: 'storage.kv',
  events: 'events.emit',
  actions: 'ui.modify',
  sse: 'http.sse',
  http: 'network.fetch',
  config: '',
  assets: '',
  log: '',
  timer: '',
}

/**
 * Handlers whose calls depend on a permission. `load`: the production host refuses to load a
 * plugin that declares the handler without the permission (register() agreement); otherwise
 * the handler is simply never called.
 */
export const HANDLER_PERMISSIONS: Readonly<Record<string, {permission: string; load: boolean; why: string}>> = {
  filterChatMessage: {permission: 'chat.filter', load: true, why: 'a filter on chat.message.received'},
  onFediverse: {permission: 'fediverse.inbound', load: true, why: 'a fediverse.activity subscription'},
  onFediverseFollow: {permission: 'fediverse.inbound', load: true, why: 'a fediverse.follow subscription'},
  onFediverseLike: {permission: 'fediverse.inbound', load: true, why: 'a fediverse.like subscription'},
  onFediverseRepost: {permission: 'fediverse.inbound', load: true, why: 'a fediverse.repost subscription'},
  onFediverseQuote: {permission: 'fediverse.inbound', load: true, why: 'a fediverse.quote subscription'},
  onFediverseMention: {permission: 'fediverse.inbound', load: true, why: 'a fediverse.mention subscription'},
  onFediverseReply: {permission: 'fediverse.inbound', load: true, why: 'a fediverse.reply subscription'},
  onSseConnect: {permission: 'http.sse', load: false, why: 'SSE streams exist only with http.sse'},
  onSseDisconnect: {permission: 'http.sse', load: false, why: 'SSE streams exist only with http.sse'},
  onHttpRequest: {permission: 'http.serve', load: false, why: 'the host routes /plugins/<slug>/ only with http.serve'},
  onAuthCheck: {permission: 'auth.gate', load: false, why: 'only an auth.gate plugin is asked'},
  onTabContent: {permission: 'ui.modify', load: false, why: 'the host asks only ui.modify plugins for content'},
  onPageContent: {permission: 'ui.modify', load: false, why: 'the host asks only ui.modify plugins for content'},
  onPageStyles: {permission: 'ui.modify', load: false, why: 'the host asks only ui.modify plugins for content'},
  onPageScripts: {permission: 'ui.modify', load: false, why: 'the host asks only ui.modify plugins for content'},
}

/** Every handler name of the SDK's PluginDef (for recognising a definition's members). */
const HANDLER_NAMES = new Set([
  ...Object.keys(HANDLER_PERMISSIONS),
  'onChatMessage',
  'onChatUserJoined',
  'onChatUserParted',
  'onChatUserRenamed',
  'onMessageModerated',
  'onStreamStarted',
  'onStreamStopped',
  'onStreamTitleChanged',
  'onTick',
])

/** The permissions an entry of {@link API_PERMISSIONS} can stand for. */
function allOf(entry: NamespacePermissions): string[] {
  const list = typeof entry === 'string' ? [entry] : Object.values(entry)
  return [...new Set(list.filter((p) => p !== ''))]
}

interface Token {
  kind: 'ident' | 'punct' | 'string' | 'other'
  text: string
  offset: number
}

const KEYWORDS_BEFORE_EXPRESSION = new Set([
  'return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await',
])
const isIdentStart = (c: string) => /[A-Za-z_$\u0080-\uffff]/.test(c)
const isIdentPart = (c: string) => /[A-Za-z0-9_$\u0080-\uffff]/.test(c)

/** Splits JavaScript into the tokens this scan needs (identifiers, punctuation, string literals). */
function tokenize(code: string): Token[] {
  const tokens: Token[] = []
  const templateDepth: number[] = []
  let braceDepth = 0
  let i = 0
  const last = () => tokens[tokens.length - 1]
  const regexAllowed = () => {
    const t = last()
    if (!t) return true
    if (t.kind === 'ident') return KEYWORDS_BEFORE_EXPRESSION.has(t.text)
    if (t.kind === 'string' || t.kind === 'other') return false
    return !/[)\]}]$/.test(t.text)
  }
  const skipTemplateText = () => {
    while (i < code.length) {
      const c = code[i]
      if (c === '\\') i += 2
      else if (c === '`') {
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

  while (i < code.length) {
    const c = code[i]!
    if (/\s/.test(c)) {
      i++
    } else if (c === '/' && code[i + 1] === '/') {
      while (i < code.length && code[i] !== '\n') i++
    } else if (c === '/' && code[i + 1] === '*') {
      const close = code.indexOf('*/', i + 2)
      i = close === -1 ? code.length : close + 2
    } else if (c === '"' || c === "'") {
      const start = i
      i++
      let value = ''
      while (i < code.length && code[i] !== c && code[i] !== '\n') {
        if (code[i] === '\\') {
          value += code[i + 1] ?? ''
          i += 2
        } else value += code[i++]
      }
      i++
      tokens.push({kind: 'string', text: value, offset: start})
    } else if (c === '`') {
      const start = i
      i++
      skipTemplateText()
      tokens.push({kind: 'other', text: '`', offset: start})
    } else if (c === '/' && regexAllowed()) {
      const start = i
      i++
      let inClass = false
      while (i < code.length) {
        const r = code[i]
        if (r === '\\') i++
        else if (r === '[') inClass = true
        else if (r === ']') inClass = false
        else if ((r === '/' && !inClass) || r === '\n') break
        i++
      }
      i++
      while (i < code.length && isIdentPart(code[i]!)) i++
      tokens.push({kind: 'other', text: 'regex', offset: start})
    } else if (isIdentStart(c)) {
      const start = i
      while (i < code.length && isIdentPart(code[i]!)) i++
      tokens.push({kind: 'ident', text: code.slice(start, i), offset: start})
    } else if (/\d/.test(c) || (c === '.' && /\d/.test(code[i + 1] ?? ''))) {
      const start = i
      while (i < code.length && /[\w.]/.test(code[i]!)) i++
      tokens.push({kind: 'other', text: code.slice(start, i), offset: start})
    } else {
      if (c === '{') braceDepth++
      if (c === '}') {
        braceDepth--
        if (templateDepth.length > 0 && templateDepth[templateDepth.length - 1] === braceDepth) {
          templateDepth.pop()
          const start = i
          i++
          skipTemplateText()
          tokens.push({kind: 'other', text: '`', offset: start})
          continue
        }
      }
      if (c === '?' && code[i + 1] === '.') {
        tokens.push({kind: 'punct', text: '?.', offset: i})
        i += 2
      } else if (c === '=' && (code[i + 1] === '=' || code[i + 1] === '>')) {
        tokens.push({kind: 'punct', text: code.slice(i, i + 2), offset: i})
        i += 2
      } else {
        tokens.push({kind: 'punct', text: c, offset: i})
        i++
      }
    }
  }
  return tokens
}

const isDot = (t: Token | undefined) => t?.kind === 'punct' && (t.text === '.' || t.text === '?.')

/** Scans a plugin script (plugin.js as built, or a hand-written one) for API uses and handlers. */
export function scanPluginCode(code: string): CodeUsage {
  const tokens = tokenize(code)
  const uses: ApiUse[] = []
  const handlers: HandlerUse[] = []
  const seenHandlers = new Set<string>()
  const replies: ApiUse[] = []
  let hasCommands = false
  let opaque = false
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!
    const name = t.kind === 'ident' || t.kind === 'string' ? t.text : undefined
    if (name === undefined) continue

    if (t.kind === 'ident' && t.text === 'owncast' && !isDot(tokens[k + 1])) {
      if (!isNameInList(tokens, k)) opaque = true
      continue
    }
    if (t.kind === 'ident' && t.text === 'owncast' && tokens[k + 2]?.kind === 'ident') {
      const ns = tokens[k + 2]!.text
      const entry = Object.hasOwn(API_PERMISSIONS, ns) ? API_PERMISSIONS[ns]! : undefined
      if (entry === undefined) continue
      const method = isDot(tokens[k + 3]) && tokens[k + 4]?.kind === 'ident' ? tokens[k + 4]!.text : undefined
      const arg = method !== undefined && tokens[k + 5]?.text === '(' && tokens[k + 6]?.kind === 'string' && [',', ')'].includes(tokens[k + 7]?.text ?? '')
        ? {argument: tokens[k + 6]!.text}
        : {}
      if (typeof entry === 'string') {
        uses.push({api: method ? `owncast.${ns}.${method}` : `owncast.${ns}`, permissions: entry ? [entry] : [], exact: true, offset: t.offset, ...arg})
      } else if (method !== undefined && Object.hasOwn(entry, method)) {
        uses.push({api: `owncast.${ns}.${method}`, permissions: [entry[method]!], exact: true, offset: t.offset, ...arg})
      } else {
        uses.push({api: `owncast.${ns}`, permissions: allOf(entry), exact: false, offset: t.offset})
      }
      continue
    }
    // Extism's global Http.request is what owncast.http.fetch calls: network.fetch either way.
    if (t.kind === 'ident' && t.text === 'Http' && !isDot(tokens[k - 1]) && isDot(tokens[k + 1]) && tokens[k + 2]?.text === 'request') {
      uses.push({api: 'Http.request', permissions: ['network.fetch'], exact: true, offset: t.offset})
      continue
    }
    // A command's ctx.reply / ctx.replyPrivately post through owncast.chat (chat.send).
    if (t.kind === 'ident' && (t.text === 'reply' || t.text === 'replyPrivately') && isDot(tokens[k - 1]) && tokens[k + 1]?.text === '(') {
      replies.push({api: `ctx.${t.text}`, permissions: ['chat.send'], exact: false, offset: t.offset})
      continue
    }
    if (name === 'commands' && isHandlerMember(tokens, k)) hasCommands = true
    if (HANDLER_NAMES.has(name) && !seenHandlers.has(name) && isHandlerMember(tokens, k)) {
      seenHandlers.add(name)
      handlers.push({name, offset: t.offset})
    }
  }
  // With a commands table, `.reply(` is a command context's: sure enough to say chat.send is missing.
  for (const r of replies) uses.push({...r, exact: hasCommands})
  uses.sort((a, b) => a.offset - b.offset)
  return {uses, handlers, opaque}
}

/** `{owncast}`, `{definePlugin, owncast}`: the name alone in a destructuring or import list. */
function isNameInList(tokens: Token[], k: number): boolean {
  const before = tokens[k - 1]
  const after = tokens[k + 1]
  const opens = before?.kind === 'punct' && (before.text === '{' || before.text === ',')
  const closes = after?.kind === 'punct' && (after.text === '}' || after.text === ',')
  if (opens && closes) return true
  // `{ owncast: oc } = ...` renames it: the alias's uses are not seen.
  return false
}

/** `{ name: ...`, `, name(...`, `async name(`, `x.name = ...`: the token at `k` names a member being defined. */
function isHandlerMember(tokens: Token[], k: number): boolean {
  const before = tokens[k - 1]
  const after = tokens[k + 1]
  if (!after || after.kind !== 'punct') return false
  if (before?.kind === 'punct' && (before.text === '{' || before.text === ',')) return after.text === ':' || after.text === '('
  if (before?.kind === 'ident' && (before.text === 'async' || before.text === 'get')) return after.text === '('
  if (before?.kind === 'punct' && before.text === '*') return after.text === '('
  if (isDot(before)) return after.text === '='
  return false
}
