// schemas/manifest.schema.json against the manifest validator (src/lib/manifest): the same
// fields and permissions, every example's and every template's manifest valid under both, and
// manifests the validator refuses refused by the schema too, rule by rule.
import {readFileSync, readdirSync} from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {MANIFEST_SCHEMA} from '../../src/lib/manifest/decode.js'
import {KNOWN_PERMISSIONS} from '../../src/lib/manifest/permissions.js'
import {SLUG_PATTERN_SOURCE} from '../../src/lib/manifest/slug.js'
import {parseManifest} from '../../src/lib/manifest/validate.js'
import {TEMPLATE_NAMES} from '../../src/lib/scaffold/templates.js'
import {ROOT} from '../cli/helpers.js'
import {refsOf, validate} from '../testing/json-schema.js'

const schema = JSON.parse(readFileSync(path.join(ROOT, 'schemas', 'manifest.schema.json'), 'utf8')) as Record<string, unknown>
const definitions = schema.definitions as Record<string, unknown>
const properties = schema.properties as Record<string, Record<string, unknown>>

/** A template's manifest with its placeholders filled as `new my-plugin` fills them. */
const templateManifest = (template: string) =>
  readFileSync(path.join(ROOT, 'templates', template, 'plugin.manifest.json'), 'utf8')
    .replaceAll('__PLUGIN_SLUG__', 'my-plugin')
    .replaceAll('__PLUGIN_NAME__', 'My Plugin')

const examples = readdirSync(path.join(ROOT, 'examples')).filter((name) => {
  try {
    readFileSync(path.join(ROOT, 'examples', name, 'plugin.manifest.json'))
    return true
  } catch {
    return false
  }
})

describe('the manifest schema', () => {
  it('is checked by a validator that enforces the keywords it relies on', () => {
    const items = {type: 'array', contains: {enum: ['x']}, minItems: 1, uniqueItems: true}
    expect(validate(items, ['x'])).toEqual([])
    expect(validate(items, ['y'])).toEqual([': contains no matching item'])
    expect(validate(items, [])).toHaveLength(2)
    expect(validate(items, ['x', 'x'])).toEqual([': items are not unique'])
    const conditional = {if: {required: ['a']}, then: {required: ['b']}, else: {minProperties: 2}}
    expect(validate(conditional, {a: 1, b: 2})).toEqual([])
    expect(validate(conditional, {a: 1})).toEqual([': missing "b"'])
    expect(validate(conditional, {c: 1})).toEqual([': fewer than 2 properties'])
    expect(validate({const: {k: [1]}}, {k: [1]})).toEqual([])
    expect(validate({const: 'a'}, 'b')).toHaveLength(1)
  })

  it('is draft-07 and every $ref resolves', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#')
    const refs = refsOf(schema)
    expect(refs.length).toBeGreaterThan(5)
    for (const ref of refs) expect(definitions[ref.replace('#/definitions/', '')], ref).toBeDefined()
  })

  it('names the fields the host decodes, and $schema', () => {
    const decoded = Object.keys((MANIFEST_SCHEMA as {fields: Record<string, unknown>}).fields)
    expect(Object.keys(properties).sort()).toEqual(['$schema', ...decoded].sort())
  })

  it('lists every permission the toolchain knows, each with a description', () => {
    const items = properties.permissions!.items as {enum: string[]; enumDescriptions: string[]}
    expect([...items.enum].sort()).toEqual([...KNOWN_PERMISSIONS].sort())
    expect(items.enumDescriptions).toHaveLength(items.enum.length)
  })

  it("uses the host's slug pattern", () => {
    expect(properties.slug!.pattern).toBe(`^(?:${SLUG_PATTERN_SOURCE.slice(1, -1)})?$`)
  })
})

describe('manifests that load are valid under the schema', () => {
  const cases = [
    ...examples.map((name) => ({name: `examples/${name}`, source: readFileSync(path.join(ROOT, 'examples', name, 'plugin.manifest.json'), 'utf8')})),
    ...TEMPLATE_NAMES.map((name) => ({name: `templates/${name}`, source: templateManifest(name)})),
  ]

  it('covers the examples and the templates', () => {
    expect(examples.length).toBeGreaterThanOrEqual(20)
    expect(cases.length).toBe(examples.length + TEMPLATE_NAMES.length)
  })

  for (const c of cases) {
    it(c.name, () => {
      const parsed = parseManifest(c.source)
      // the example or template is one the host loads, so the schema must accept it
      expect(parsed.errors).toEqual([])
      expect(validate(schema, JSON.parse(c.source))).toEqual([])
    })
  }
})

/** A manifest the host accepts, with `fields` on top. */
const base = (fields: Record<string, unknown> = {}) => ({api: '1', name: 'Schema Test', slug: 'schema-test', version: '1.0.0', description: 'd', ...fields})

describe('what the host refuses, the schema refuses', () => {
  // Each case: a manifest the validator rejects with `rule`; the schema must find a problem too.
  const refused: {name: string; rule: string; manifest: unknown}[] = [
    {name: 'api 2', rule: 'api-version', manifest: base({api: '2'})},
    {name: 'api missing', rule: 'api-version', manifest: {name: 'x', version: '1'}},
    {name: 'an empty name', rule: 'name-required', manifest: base({name: ''})},
    {name: 'no version', rule: 'version-required', manifest: {api: '1', name: 'x'}},
    {name: 'a slug with capitals', rule: 'slug-invalid', manifest: base({slug: 'Bad_Slug'})},
    {name: 'a slug starting with a digit', rule: 'slug-invalid', manifest: base({slug: '1bot'})},
    {name: 'a slug of 65 characters', rule: 'slug-invalid', manifest: base({slug: `a${'b'.repeat(64)}`})},
    {name: 'a number for api', rule: 'json-type', manifest: base({api: 1})},
    {name: 'permissions as a string', rule: 'json-type', manifest: base({permissions: 'chat.send'})},
    {name: 'a reserved config key', rule: 'config-reserved', manifest: base({config: {__slug: {type: 'string'}}})},
    {name: 'an admin page without a title', rule: 'admin-page', manifest: base({admin: {pages: [{path: '/admin'}]}})},
    {name: 'an admin page with a relative path', rule: 'admin-page', manifest: base({admin: {pages: [{title: 'A', path: 'admin'}]}})},
    {name: 'network.fetch without allowedHosts', rule: 'network-hosts', manifest: base({permissions: ['network.fetch']})},
    {name: 'network.fetch with no hosts', rule: 'network-hosts', manifest: base({permissions: ['network.fetch'], network: {allowedHosts: []}})},
    {name: 'a blank allowed host', rule: 'network-hosts', manifest: base({network: {allowedHosts: ['  ']}})},
    {name: 'actions without ui.modify', rule: 'ui-modify', manifest: base({actions: [{title: 'Site', url: 'https://example.com'}]})},
    {name: 'styles without ui.modify', rule: 'ui-modify', manifest: base({permissions: ['chat.send'], styles: ['a.css']})},
    {name: 'scripts without ui.modify', rule: 'ui-modify', manifest: base({scripts: ['a.js']})},
    {name: 'extraPageContent without ui.modify', rule: 'ui-modify', manifest: base({extraPageContent: 'x.html'})},
    {name: 'tabs without ui.modify', rule: 'ui-modify', manifest: base({tabs: [{title: 'T', content: 't.html'}]})},
    {name: 'an action without a title', rule: 'action', manifest: base({permissions: ['ui.modify'], actions: [{url: 'https://e.com'}]})},
    {name: 'an action with url and html', rule: 'action', manifest: base({permissions: ['ui.modify'], actions: [{title: 'B', url: 'https://e.com', html: '<b>x</b>'}]})},
    {name: 'an action with neither url nor html', rule: 'action', manifest: base({permissions: ['ui.modify'], actions: [{title: 'C'}]})},
    {name: 'a style that is an absolute URL', rule: 'asset-path', manifest: base({permissions: ['ui.modify'], styles: ['https://cdn.example/a.css']})},
    {name: 'a style that is not .css', rule: 'asset-path', manifest: base({permissions: ['ui.modify'], styles: ['theme.scss']})},
    {name: 'a blank script', rule: 'asset-path', manifest: base({permissions: ['ui.modify'], scripts: [' ']})},
    {name: 'extraPageContent that is not .html', rule: 'asset-path', manifest: base({permissions: ['ui.modify'], extraPageContent: {content: 'x.txt'}})},
    {name: 'extraPageContent with neither slug nor content', rule: 'content-slug', manifest: base({permissions: ['ui.modify'], extraPageContent: {}})},
    {name: 'extraPageContent with a bad slug', rule: 'content-slug', manifest: base({permissions: ['ui.modify'], extraPageContent: {slug: 'Bad Slug'}})},
    {name: 'a tab without a title', rule: 'tab', manifest: base({permissions: ['ui.modify'], tabs: [{title: ' ', slug: 'x'}]})},
    {name: 'a tab with neither slug nor content', rule: 'tab', manifest: base({permissions: ['ui.modify'], tabs: [{title: 'T'}]})},
    {name: 'a tab with a bad slug', rule: 'content-slug', manifest: base({permissions: ['ui.modify'], tabs: [{title: 'T', slug: 'No!'}]})},
  ]

  for (const c of refused) {
    it(`${c.name} (${c.rule})`, () => {
      const parsed = parseManifest(JSON.stringify(c.manifest, null, 2))
      expect(parsed.errors.map((e) => e.rule)).toContain(c.rule)
      expect(validate(schema, c.manifest)).not.toEqual([])
    })
  }

  it('accepts what the host accepts beside them: legacy and object forms, empty UI lists, the ignored fields', () => {
    const accepted = [
      base({permissions: ['ui.modify'], extraPageContent: 'banner.html'}),
      base({permissions: ['ui.modify'], extraPageContent: {slug: 'now-playing'}}),
      base({permissions: ['ui.modify'], tabs: {stats: {title: 'Stats'}}, admin: {pages: {'/admin': {title: 'Admin'}}}}),
      base({actions: [], styles: [], tabs: []}),
      base({permissions: ['ui.modify', 'http.serve'], actions: [{title: 'A', url: '/page', icon: '/i.png'}, {title: 'B', html: '<b>hi</b>', url: ''}]}),
      base({permissions: ['network.fetch'], network: {allowedHosts: ['*']}}),
      {api: '1', name: 'Derived Slug', version: '1.0.0'},
      base({type: 'js', subscriptions: {notify: [{event: 'tick', priority: 1}]}, commands: [{name: 'x', cooldownMs: 5}]}),
      base({$schema: './node_modules/owncast-plugin/schemas/manifest.schema.json', config: {n: {type: 'number', default: 3, description: 'n'}}}),
    ]
    for (const m of accepted) {
      expect(parseManifest(JSON.stringify(m)).errors, JSON.stringify(m)).toEqual([])
      expect(validate(schema, m), JSON.stringify(m)).toEqual([])
    }
  })

  it('flags what lint-manifest warns about: unknown keys and permissions', () => {
    const unknownKey = base({permisions: ['chat.send']})
    const unknownPermission = base({permissions: ['chat.sned']})
    expect(parseManifest(JSON.stringify(unknownKey)).warnings.map((w) => w.rule)).toEqual(['unknown-key'])
    expect(parseManifest(JSON.stringify(unknownPermission)).warnings.map((w) => w.rule)).toEqual(['unknown-permission'])
    expect(validate(schema, unknownKey)).not.toEqual([])
    expect(validate(schema, unknownPermission)).not.toEqual([])
  })
})
