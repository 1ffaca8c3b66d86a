import {goFoldKey, type JsonNode, pointerToken, toPlainValue} from './json.js'
import type {Manifest} from './types.js'

/**
 * Decodes a parsed JSON document into a {@link Manifest} with the semantics of Go's
 * `json.Unmarshal` into the production `Manifest` struct: keys match fields exactly or
 * case-insensitively (Unicode simple folding: `ſ` is an `s`, the Kelvin sign a `k`), unknown keys
 * are ignored, and a value of the wrong type is an `UnmarshalTypeError` (the first one is
 * reported, but decoding goes on). A key that appears again decodes into what the first one
 * left, as Go does: `null` leaves a string, number, bool or struct as it was (and empties a
 * slice or map), a struct takes only the fields written again, a slice decodes element by
 * element into the elements already there, and a map keeps its other entries. Positions of
 * decoded values are recorded for error reporting.
 */

type Schema =
  | {kind: 'string'}
  | {kind: 'bool'}
  | {kind: 'int'; goType: 'int' | 'int64'}
  | {kind: 'any'}
  | {kind: 'slice'; elem: Schema; goType: string}
  | {kind: 'map'; elem: Schema; goType: string}
  | {kind: 'struct'; name: string; fields: Record<string, Schema>}
  /** An array of structs that newer hosts also accept as an object keyed by `keyField`. */
  | {kind: 'keyedSlice'; elem: Extract<Schema, {kind: 'struct'}>; keyField: string; goType: string}
  /** `extraPageContent`: an object, or the legacy string form (content only). */
  | {kind: 'extraPageContent'}

const str: Schema = {kind: 'string'}
const bool: Schema = {kind: 'bool'}
const strings: Schema = {kind: 'slice', elem: str, goType: '[]string'}
const struct = (name: string, fields: Record<string, Schema>) => ({kind: 'struct' as const, name, fields})

const subscription = struct('Subscription', {event: str, priority: {kind: 'int', goType: 'int'}})
const adminPage = struct('AdminPage', {title: str, path: str, icon: str})
const tab = struct('Tab', {title: str, slug: str, content: str})

export const MANIFEST_SCHEMA = struct('Manifest', {
  api: str,
  type: str,
  name: str,
  slug: str,
  version: str,
  description: str,
  bot: struct('BotConfig', {displayName: str}),
  subscriptions: struct('Subscriptions', {
    notify: {kind: 'slice', elem: subscription, goType: '[]plugins.Subscription'},
    filter: {kind: 'slice', elem: subscription, goType: '[]plugins.Subscription'},
  }),
  commands: {
    kind: 'slice',
    goType: '[]plugins.CommandInfo',
    elem: struct('CommandInfo', {
      name: str,
      prefix: str,
      description: str,
      usage: str,
      aliases: strings,
      modOnly: bool,
      caseSensitive: bool,
      cooldownMs: {kind: 'int', goType: 'int64'},
    }),
  },
  permissions: strings,
  config: {
    kind: 'map',
    goType: 'map[string]plugins.ConfigField',
    elem: struct('ConfigField', {type: str, default: {kind: 'any'}, description: str}),
  },
  admin: struct('AdminConfig', {
    pages: {kind: 'keyedSlice', elem: adminPage, keyField: 'path', goType: '[]plugins.AdminPage'},
  }),
  actions: {
    kind: 'slice',
    goType: '[]plugins.ActionButton',
    elem: struct('ActionButton', {
      title: str,
      url: str,
      html: str,
      icon: str,
      color: str,
      description: str,
      openExternally: bool,
    }),
  },
  network: struct('NetworkConfig', {allowedHosts: strings}),
  styles: strings,
  scripts: strings,
  extraPageContent: {kind: 'extraPageContent'},
  tabs: {kind: 'keyedSlice', elem: tab, keyField: 'slug', goType: '[]plugins.Tab'},
})

/** Where a decoded value came from: its JSON pointer (with the keys as written) and offset. */
export interface Origin {
  pointer: string
  offset: number
}

export interface DecodeIssue {
  message: string
  origin: Origin
  rule: string
}

export interface DecodeResult {
  manifest: Manifest
  /** Go `UnmarshalTypeError`s, in document order; the host reports the first. */
  typeErrors: DecodeIssue[]
  /** Accepted but suspicious: unknown keys, keys that only match case-insensitively, duplicates. */
  warnings: DecodeIssue[]
  /**
   * Finds where the value at a canonical path (Go field names, array indices) came from. For a
   * value that is absent, returns the nearest enclosing value that is present.
   */
  locate(path: ReadonlyArray<string | number>): Origin
}

function goTypeOf(schema: Schema): string {
  switch (schema.kind) {
    case 'string':
      return 'string'
    case 'bool':
      return 'bool'
    case 'int':
      return schema.goType
    case 'any':
      return 'interface {}'
    case 'struct':
      return `plugins.${schema.name}`
    case 'extraPageContent':
      return 'plugins.extraPageContentAlias'
    default:
      return schema.goType
  }
}

function jsonKindOf(node: JsonNode): string {
  switch (node.type) {
    case 'boolean':
      return 'bool'
    case 'number':
      return `number ${node.raw}`
    default:
      return node.type
  }
}

const INT64_MAX = 2n ** 63n - 1n
const INT64_MIN = -(2n ** 63n)

/** Levenshtein distance, for did-you-mean suggestions. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({length: b.length + 1}, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
      prev = tmp
    }
  }
  return row[b.length]!
}

/** The closest candidate within a small edit distance, if any. */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase())
    if (d < bestDistance) {
      best = c
      bestDistance = d
    }
  }
  return best
}

/** Decodes `root` (the whole document) into a manifest. */
export function decodeManifest(root: JsonNode): DecodeResult {
  const typeErrors: DecodeIssue[] = []
  const warnings: DecodeIssue[] = []
  const origins = new Map<string, Origin>()
  const rootOrigin: Origin = {pointer: '', offset: root.offset}
  origins.set('', rootOrigin)

  const record = (canonical: string, origin: Origin) => origins.set(canonical, origin)

  /**
   * Decodes `node` against `schema` into `prev`, the value already there (a key seen before),
   * as Go does. `structName` and `fieldPath` build Go's error context:
   * "Go struct field <structName>.<fieldPath> of type <T>".
   */
  const decode = (
    node: JsonNode,
    schema: Schema,
    canonical: string,
    pointer: string,
    structName: string | undefined,
    fieldPath: string[],
    prev: unknown = zeroOf(schema),
  ): unknown => {
    const keeps = schema.kind === 'string' || schema.kind === 'bool' || schema.kind === 'int' || schema.kind === 'struct'
    // null into a value Go cannot set to nil leaves it, and where it came from, as it was
    if (node.type === 'null' && keeps) {
      if (!origins.has(canonical)) record(canonical, {pointer, offset: node.offset})
      return prev
    }
    record(canonical, {pointer, offset: node.offset})
    const typeError = (what = jsonKindOf(node), goType = goTypeOf(schema)) => {
      const where =
        structName === undefined
          ? `Go value of type ${goType}`
          : `Go struct field ${structName}.${fieldPath.join('.')} of type ${goType}`
      typeErrors.push({message: `json: cannot unmarshal ${what} into ${where}`, origin: {pointer, offset: node.offset}, rule: 'json-type'})
      return prev
    }
    if (node.type === 'null' && schema.kind !== 'any') return zeroOf(schema)

    switch (schema.kind) {
      case 'any':
        return plain(node)
      case 'string':
        return node.type === 'string' ? node.value : typeError()
      case 'bool':
        return node.type === 'boolean' ? node.value : typeError()
      case 'int': {
        if (node.type !== 'number') return typeError()
        if (!/^-?\d+$/.test(node.raw)) return typeError()
        const big = BigInt(node.raw)
        if (big > INT64_MAX || big < INT64_MIN) return typeError()
        return Number(big)
      }
      case 'slice': {
        if (node.type !== 'array') return typeError()
        const before = prev as unknown[]
        return node.items.map((item, index) =>
          decode(item, schema.elem, `${canonical}/${index}`, `${pointer}/${index}`, structName, fieldPath, index < before.length ? before[index] : undefined),
        )
      }
      case 'keyedSlice': {
        if (node.type === 'array') {
          const before = prev as unknown[]
          return node.items.map((item, index) =>
            decode(item, schema.elem, `${canonical}/${index}`, `${pointer}/${index}`, structName, fieldPath, index < before.length ? before[index] : undefined),
          )
        }
        if (node.type !== 'object') return typeError()
        // Object form (documented for newer hosts): keyed by path / slug, in lexicographic key order.
        warnings.push({
          message: `${fieldPath.join('.')} is written as an object; hosts up to the current production manifest parser expect an array of objects with "${schema.keyField}" fields`,
          origin: {pointer, offset: node.offset},
          rule: 'object-form',
        })
        const members = lastWins(node.members).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
        return members.map((m, index) => {
          const memberPointer = `${pointer}/${pointerToken(m.key)}`
          const item = decode(m.value, schema.elem, `${canonical}/${index}`, memberPointer, structName, fieldPath) as Record<
            string,
            unknown
          >
          item[schema.keyField] = m.key
          record(`${canonical}/${index}/${schema.keyField}`, {pointer: memberPointer, offset: m.keyOffset})
          return item
        })
      }
      case 'map': {
        if (node.type !== 'object') return typeError()
        // Go reuses the map: entries not written again stay
        const out: Record<string, unknown> = {...(prev as Record<string, unknown>)}
        for (const m of node.members) {
          const value = decode(
            m.value,
            schema.elem,
            `${canonical}/${pointerToken(m.key)}`,
            `${pointer}/${pointerToken(m.key)}`,
            structName,
            [...fieldPath, m.key],
          )
          Object.defineProperty(out, m.key, {value, enumerable: true, writable: true, configurable: true})
        }
        return out
      }
      case 'extraPageContent': {
        if (node.type === 'string') {
          record(`${canonical}/content`, {pointer, offset: node.offset})
          return {slug: '', content: node.value}
        }
        if (node.type !== 'object') return typeError()
        return decode(node, struct('extraPageContentAlias', {slug: str, content: str}), canonical, pointer, structName, fieldPath)
      }
      case 'struct': {
        if (node.type !== 'object') return typeError()
        const out = {...(prev as Record<string, unknown>)}
        const names = Object.keys(schema.fields)
        const seen = new Set<string>()
        for (const m of node.members) {
          const field = names.find((n) => n === m.key) ?? names.find((n) => goFoldKey(n) === goFoldKey(m.key))
          const memberPointer = `${pointer}/${pointerToken(m.key)}`
          if (field === undefined) {
            // Editors' schema reference (the files `new` writes carry one): the host ignores it, and so do we.
            if (m.key === '$schema' && pointer === '') continue
            const hint = suggest(m.key, names)
            warnings.push({
              message: `unknown key "${m.key}" is ignored by the host${hint ? `; did you mean "${hint}"?` : ''}`,
              origin: {pointer: memberPointer, offset: m.keyOffset},
              rule: 'unknown-key',
            })
            continue
          }
          if (field !== m.key) {
            warnings.push({
              message: `key "${m.key}" is read as "${field}" (the host matches keys case-insensitively); write "${field}"`,
              origin: {pointer: memberPointer, offset: m.keyOffset},
              rule: 'key-case',
            })
          }
          if (seen.has(field)) {
            warnings.push({
              message: `"${field}" appears more than once; the host uses the last one`,
              origin: {pointer: memberPointer, offset: m.keyOffset},
              rule: 'duplicate-key',
            })
          }
          seen.add(field)
          out[field] = decode(m.value, schema.fields[field]!, `${canonical}/${field}`, memberPointer, schema.name, [...fieldPath, field], out[field])
        }
        return out
      }
    }
  }

  // At the top level Go has no struct context: "Go value of type plugins.Manifest".
  const manifest = decode(root, MANIFEST_SCHEMA, '', '', undefined, []) as Manifest
  return {
    manifest,
    typeErrors,
    warnings,
    locate(path) {
      const parts = path.map((p) => pointerToken(p))
      for (let n = parts.length; n >= 0; n--) {
        const hit = origins.get(n === 0 ? '' : `/${parts.slice(0, n).join('/')}`)
        if (hit) return hit
      }
      return rootOrigin
    },
  }
}

function lastWins<T extends {key: string}>(members: T[]): T[] {
  const byKey = new Map<string, T>()
  for (const m of members) byKey.set(m.key, m)
  return [...byKey.values()]
}

/** An interface{} value: null is nil (undefined), at any depth. */
function plain(node: JsonNode): unknown {
  return toPlainValue(node, undefined)
}

function zeroOf(schema: Schema): unknown {
  switch (schema.kind) {
    case 'string':
      return ''
    case 'bool':
      return false
    case 'int':
      return 0
    case 'any':
      return undefined
    case 'slice':
    case 'keyedSlice':
      return []
    case 'map':
      return {}
    case 'extraPageContent':
      return null
    case 'struct': {
      const out: Record<string, unknown> = {}
      for (const [name, field] of Object.entries(schema.fields)) out[name] = zeroOf(field)
      return out
    }
  }
}
