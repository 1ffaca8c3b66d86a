import {describe, expect, it} from 'vitest'
import {KNOWN_PERMISSIONS, manifestToJson, parseManifest} from '../../src/lib/manifest/index.js'

const base = {api: '1', name: 'stats', version: '1.0'}
const parse = (doc: object) => parseManifest(JSON.stringify(doc))
const firstError = (doc: object) => parse(doc).errors[0]?.message

describe('parseManifest: the production host order and messages', () => {
  it('accepts a minimal manifest and derives the slug from the name', () => {
    const r = parseManifest('{"api": "1", "name": "Echo Bot", "version": "1.2.3", "permissions": ["chat.send", "storage.kv"]}')
    expect(r.ok).toBe(true)
    expect(r.errors).toEqual([])
    expect(r.manifest).toMatchObject({name: 'Echo Bot', slug: 'echo-bot', version: '1.2.3', permissions: ['chat.send', 'storage.kv']})
  })

  it('1. malformed JSON: Go scanner message, with line and column', () => {
    const r = parseManifest('{\n  "api": "1",\n  "name": "x",\n}\n')
    expect(r.errors).toEqual([
      {severity: 'error', rule: 'json-syntax', pointer: '', line: 4, column: 1, message: `parse manifest json: invalid character '}' looking for beginning of object key string`},
    ])
    expect(parseManifest('').errors[0]?.message).toBe('parse manifest json: unexpected end of JSON input')
    expect(parseManifest('{"api": "1"} x').errors[0]?.message).toBe(`parse manifest json: invalid character 'x' after top-level value`)
    expect(parseManifest('{"api": tru}').errors[0]?.message).toBe(`parse manifest json: invalid character '}' in literal true (expecting 'e')`)
  })

  it('1. a value of the wrong type is a Go UnmarshalTypeError', () => {
    const r = parseManifest('{\n  "api": 1,\n  "name": "x",\n  "version": "1"\n}')
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0]).toMatchObject({
      pointer: '/api',
      line: 2,
      column: 10,
      message: 'parse manifest json: json: cannot unmarshal number 1 into Go struct field Manifest.api of type string',
    })
    expect(firstError({...base, permissions: 'chat.send'})).toBe(
      'parse manifest json: json: cannot unmarshal string into Go struct field Manifest.permissions of type []string',
    )
    expect(firstError({...base, actions: [{title: 'x', openExternally: 'yes'}]})).toBe(
      'parse manifest json: json: cannot unmarshal string into Go struct field ActionButton.actions.openExternally of type bool',
    )
    expect(parseManifest('[]').errors[0]?.message).toBe('parse manifest json: json: cannot unmarshal array into Go value of type plugins.Manifest')
  })

  it('decodes like Go: null keeps the zero value, keys match case-insensitively, the last duplicate wins', () => {
    const r = parseManifest('{"api": "1", "name": "first", "Name": "Second", "version": "1", "description": null}')
    expect(r.ok).toBe(true)
    expect(r.manifest?.name).toBe('Second')
    expect(r.manifest?.description).toBe('')
    expect(r.warnings.map((w) => w.rule)).toEqual(['key-case', 'duplicate-key'])
  })

  it('2-4. api, name and version, reported in that order', () => {
    const r = parse({api: '2', name: '', version: ''})
    expect(r.errors.map((e) => e.message)).toEqual([
      'unsupported api version "2" (host supports "1")',
      'manifest.name is required',
      'manifest.version is required',
    ])
    expect(firstError({name: 'x', version: '1'})).toBe('unsupported api version "" (host supports "1")')
  })

  it('5. slug: derived, or explicit and checked against the pattern', () => {
    expect(parse({...base, name: 'Café Helper'}).manifest?.slug).toBe('caf-helper')
    expect(parse({...base, name: '  --My   Cool Plugin!! '}).manifest?.slug).toBe('my-cool-plugin')
    expect(firstError({...base, name: '123 Plugin'})).toBe(
      'could not auto-generate a slug from manifest.name "123 Plugin": slugified value "123-plugin" does not match the required pattern; set manifest.slug explicitly',
    )
    expect(firstError({...base, name: '!!!'})).toBe(
      'could not auto-generate a slug from manifest.name "!!!": slugified value is empty; set manifest.slug explicitly',
    )
    expect(firstError({...base, name: 'a'.repeat(65)})).toMatch(/^could not auto-generate a slug/)
    expect(firstError({...base, slug: 'Bad_Slug'})).toBe('manifest.slug "Bad_Slug" is invalid; must match ^[a-z][a-z0-9-]{0,63}$')
    expect(parse({...base, name: 'Anything at all', slug: 'pinned'}).manifest?.slug).toBe('pinned')
  })

  it('6. config keys starting with "__" are reserved', () => {
    expect(firstError({...base, config: {__slug: {type: 'string'}}})).toBe(
      'manifest.config key "__slug" is reserved (keys starting with "__" are used internally)',
    )
  })

  it('7. admin pages need a title and a rooted path; no ui.modify needed', () => {
    expect(parse({...base, admin: {pages: [{title: 'x', path: '/admin/*'}]}}).ok).toBe(true)
    expect(firstError({...base, admin: {pages: [{path: '/admin'}]}})).toBe('manifest.admin.pages[0].title is required')
    expect(firstError({...base, admin: {pages: [{title: 'x'}]}})).toBe('manifest.admin.pages[0].path is required')
    expect(firstError({...base, admin: {pages: [{title: 'x', path: 'admin'}]}})).toBe('manifest.admin.pages[0].path "admin" must start with "/"')
    expect(firstError({...base, admin: {pages: [{title: 'x', path: '/admin[x'}]}})).toMatch(/^manifest.admin.pages: invalid path glob/)
  })

  it('8. network.fetch needs allowedHosts, and no host may be blank', () => {
    expect(firstError({...base, permissions: ['network.fetch']})).toMatch(/^manifest declares network.fetch but no network.allowedHosts; /)
    expect(parse({...base, permissions: ['network.fetch'], network: {allowedHosts: ['*']}}).ok).toBe(true)
    expect(firstError({...base, network: {allowedHosts: ['ok.example', ' ']}})).toBe('manifest.network.allowedHosts[1] is empty')
  })

  it('9. actions: ui.modify, title, url xor html, rewrite into the namespace, http.serve, other plugins', () => {
    const perms = ['http.serve', 'ui.modify']
    const action = (a: object, permissions = perms) => parse({...base, permissions, actions: [a]})
    expect(action({title: 'D', url: '/dashboard'}).manifest?.actions[0]?.url).toBe('/plugins/stats/dashboard')
    expect(action({title: 'D', url: '/'}).manifest?.actions[0]?.url).toBe('/plugins/stats/')
    expect(action({title: 'D', url: '/plugins/stats/foo'}).manifest?.actions[0]?.url).toBe('/plugins/stats/foo')
    expect(action({title: 'E', url: 'https://example.com/help'}, ['ui.modify']).manifest?.actions[0]?.url).toBe('https://example.com/help')
    expect(action({title: 'I', html: '<p>hi</p>'}, ['ui.modify']).ok).toBe(true)
    expect(action({title: 'D', url: '/d', icon: '/star.png'}).manifest?.actions[0]?.icon).toBe('/plugins/stats/star.png')
    expect(action({title: 'E', url: 'https://e.com', icon: 'https://cdn.e.com/s.png'}, ['ui.modify']).manifest?.actions[0]?.icon).toBe('https://cdn.e.com/s.png')

    expect(action({title: 'x', url: 'https://e.com'}, []).errors[0]?.message).toMatch(/^manifest.actions is set but the manifest does not declare the "ui.modify" permission/)
    expect(action({url: 'https://e.com'}).errors[0]?.message).toBe('manifest.actions[0].title is required')
    expect(action({title: 'x'}).errors[0]?.message).toBe('manifest.actions[0]: exactly one of url or html is required')
    expect(action({title: 'x', url: 'https://e.com', html: '<p/>'}).errors[0]?.message).toBe('manifest.actions[0]: exactly one of url or html is required')
    expect(action({title: 'D', url: '/dashboard'}, ['ui.modify']).errors[0]?.message).toBe(
      'manifest.actions[0].url targets this plugin (/plugins/stats/dashboard) but http.serve permission is not declared',
    )
    expect(action({title: 'O', url: '/plugins/other-plugin/page'}, ['ui.modify']).errors[0]?.message).toBe(
      "manifest.actions[0].url points at another plugin's namespace: /plugins/other-plugin/page",
    )
    expect(action({title: 'E', url: 'https://e.com', icon: '/star.png'}, ['ui.modify']).errors[0]?.message).toBe(
      'manifest.actions[0].icon: targets this plugin (/plugins/stats/star.png) but http.serve permission is not declared',
    )
    expect(action({title: 'E', url: 'https://e.com', icon: '/plugins/other/s.png'}, ['ui.modify']).errors[0]?.message).toBe(
      "manifest.actions[0].icon: points at another plugin's namespace: /plugins/other/s.png",
    )
  })

  it('10-11. styles and scripts: ui.modify, rewritten paths, no absolute URLs, extension checked, http.serve not needed', () => {
    const r = parse({...base, permissions: ['ui.modify'], styles: ['theme.css', '/extra.CSS', '/plugins/stats/another.css'], scripts: ['app.js']})
    expect(r.manifest?.styles).toEqual(['/plugins/stats/theme.css', '/plugins/stats/extra.CSS', '/plugins/stats/another.css'])
    expect(r.manifest?.scripts).toEqual(['/plugins/stats/app.js'])
    expect(firstError({...base, styles: ['theme.css']})).toMatch(/^manifest.styles is set but the manifest does not declare the "ui.modify" permission/)
    expect(firstError({...base, permissions: ['ui.modify'], styles: ['https://fonts.example.com/t.css']})).toBe(
      'manifest.styles[0]: cannot be an absolute URL ("https://fonts.example.com/t.css"); bundle the file under assets/ and reference it by path',
    )
    expect(firstError({...base, permissions: ['ui.modify'], styles: ['/plugins/other/t.css']})).toBe(
      "manifest.styles[0]: points at another plugin's namespace: /plugins/other/t.css",
    )
    expect(firstError({...base, permissions: ['ui.modify'], scripts: ['app.ts']})).toBe('manifest.scripts[0]: must end in .js (got "app.ts")')
    expect(firstError({...base, permissions: ['ui.modify'], scripts: [' ']})).toBe('manifest.scripts[0]: entry is empty')
  })

  it('12. extraPageContent: object or legacy string form', () => {
    const ui = {...base, permissions: ['ui.modify']}
    expect(parse({...ui, extraPageContent: 'banner.html'}).manifest?.extraPageContent).toEqual({slug: '', content: '/plugins/stats/banner.html'})
    expect(parse({...ui, extraPageContent: {slug: 'banner'}}).manifest?.extraPageContent).toEqual({slug: 'banner', content: ''})
    expect(firstError({...ui, extraPageContent: {}})).toBe('manifest.extraPageContent.slug is required')
    expect(firstError({...ui, extraPageContent: {slug: 'Bad Slug', content: 'x.html'}})).toBe(
      'manifest.extraPageContent.slug "Bad Slug" must be lowercase letters, digits, and hyphens starting with a letter (max 64 chars)',
    )
    expect(firstError({...ui, extraPageContent: 'x.htm'})).toBe('manifest.extraPageContent.content: must end in .html (got "x.htm")')
    expect(firstError({...base, extraPageContent: 'x.html'})).toMatch(/^manifest.extraPageContent is set but the manifest does not declare the "ui.modify"/)
  })

  it('13. tabs: titles unique, slugs derived or checked, content rewritten', () => {
    const ui = {...base, permissions: ['ui.modify']}
    const r = parse({...ui, tabs: [{title: 'Top Fans', content: 'fans.html'}, {title: 'Live', slug: 'live'}]})
    expect(r.manifest?.tabs).toEqual([
      {title: 'Top Fans', slug: 'top-fans', content: '/plugins/stats/fans.html'},
      {title: 'Live', slug: 'live', content: ''},
    ])
    expect(firstError({...ui, tabs: [{title: ' '}]})).toBe('manifest.tabs[0].title is required')
    expect(firstError({...ui, tabs: [{title: 'A', slug: 'a'}, {title: 'A', slug: 'b'}]})).toBe(
      'manifest.tabs[1].title "A" is a duplicate; tab titles must be unique within a plugin',
    )
    expect(firstError({...ui, tabs: [{title: 'A'}]})).toBe('manifest.tabs[0].slug is required')
    expect(firstError({...ui, tabs: [{title: 'A', slug: 'x'}, {title: 'B', slug: 'x'}]})).toBe(
      'manifest.tabs[1].slug "x" is a duplicate; tab slugs must be unique within a plugin',
    )
    expect(firstError({...base, tabs: [{title: 'A', slug: 'a'}]})).toMatch(/^manifest.tabs is set but/)
  })

  it('accepts the object form of admin.pages and tabs (newer hosts), with a warning', () => {
    const r = parse({...base, permissions: ['ui.modify'], admin: {pages: {'/b': {title: 'B'}, '/a': {title: 'A'}}}, tabs: {stats: {title: 'Stats'}}})
    expect(r.ok).toBe(true)
    expect(r.manifest?.admin.pages).toEqual([
      {title: 'A', path: '/a', icon: ''},
      {title: 'B', path: '/b', icon: ''},
    ])
    expect(r.manifest?.tabs).toEqual([{title: 'Stats', slug: 'stats', content: ''}])
    expect(r.warnings.filter((w) => w.rule === 'object-form')).toHaveLength(2)
  })

  it('never rejects what the host accepts: unknown permissions and keys are warnings', () => {
    const r = parseManifest('{\n  "api": "1",\n  "name": "x",\n  "version": "1",\n  "permissions": ["chat.sned"],\n  "descripton": "typo"\n}')
    expect(r.ok).toBe(true)
    expect(r.warnings).toEqual([
      {severity: 'warning', rule: 'unknown-key', pointer: '/descripton', line: 6, column: 3, message: 'unknown key "descripton" is ignored by the host; did you mean "description"?'},
      {severity: 'warning', rule: 'unknown-permission', pointer: '/permissions/0', line: 5, column: 19, message: 'unknown permission "chat.sned" is ignored by the host; did you mean "chat.send"?'},
    ])
  })

  it('keeps checking after the first error, but errors[0] is what the host reports', () => {
    const r = parse({...base, api: '0', permissions: ['network.fetch'], styles: ['x.css']})
    expect(r.errors.map((e) => e.rule)).toEqual(['api-version', 'network-hosts', 'ui-modify'])
  })

  it('knows the 23 permissions of the production host', () => {
    expect(KNOWN_PERMISSIONS).toHaveLength(23)
    expect(KNOWN_PERMISSIONS).toContain('fediverse.inbound')
    expect(KNOWN_PERMISSIONS).toContain('storage.sql')
    expect(new Set(KNOWN_PERMISSIONS).size).toBe(23)
  })

  it('serializes the normalized manifest the way Go marshals it', () => {
    const r = parse({...base, permissions: ['ui.modify', 'http.serve'], actions: [{title: 'D', url: '/d'}]})
    expect(manifestToJson(r.manifest!)).toEqual({
      api: '1',
      name: 'stats',
      slug: 'stats',
      version: '1.0',
      bot: {},
      subscriptions: {},
      permissions: ['ui.modify', 'http.serve'],
      admin: {},
      actions: [{title: 'D', url: '/plugins/stats/d'}],
      network: {},
    })
  })
})
