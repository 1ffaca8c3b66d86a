// A corpus of broken manifests, one or more per lint rule, with their findings snapshotted
// (rule, severity, message, pointer, line:column, notes). The last test proves the corpus
// covers every rule in LINT_RULES, so a new rule cannot land without a case here.
import {describe, expect, it} from 'vitest'
import {LINT_RULES, lintManifest, type LintFiles, type LintOptions, type LintRule} from '../../src/lib/manifest/lint.js'
import {codeFromScript} from '../../src/lib/manifest/lint-target.js'

/** A manifest written the way authors write them: two-space JSON, one key per line. */
const doc = (fields: Record<string, unknown>) => `${JSON.stringify({api: '1', name: 'Corpus', version: '1.0.0', description: 'A test plugin.', ...fields}, null, 2)}\n`

const files = (assets: string[], pub: string[] = []): LintFiles => ({
  asset: (p) => assets.includes(p),
  publicFile: (p) => pub.includes(p),
  hasPublic: pub.length > 0,
})

/** A built plugin.js as esbuild writes one for a TypeScript plugin. */
const bundle = (body: string) => codeFromScript('dist/plugin.js', `"use strict";\nvar import_plugin_sdk = require("@owncast/plugin-sdk");\n(0, import_plugin_sdk.definePlugin)({\n${body}\n});\n`)

interface Case {
  name: string
  /** The rules this case is there for (each must be among its findings). */
  rules: LintRule[]
  source: string
  options?: LintOptions
}

const corpus: Case[] = [
  {name: 'not JSON: a trailing comma', rules: ['json-syntax'], source: '{\n  "api": "1",\n  "name": "x",\n}\n'},
  {name: 'not JSON: a byte order mark', rules: ['json-syntax'], source: '\uFEFF{"api": "1", "name": "x", "version": "1.0.0"}'},
  {name: 'not JSON: empty file', rules: ['json-syntax'], source: ''},
  {name: 'wrong type: api as a number', rules: ['json-type'], source: '{\n  "api": 1,\n  "name": "x",\n  "version": "1.0.0"\n}\n'},
  {name: 'wrong type: permissions as a string', rules: ['json-type'], source: doc({permissions: 'chat.send'})},
  {name: 'wrong type: the document is an array', rules: ['json-type'], source: '[]\n'},
  {name: 'api 2, empty name and version (reported in host order)', rules: ['api-version', 'name-required', 'version-required'], source: doc({api: '2', name: '', version: ''})},
  {name: 'api missing', rules: ['api-version'], source: '{\n  "name": "x",\n  "version": "1.0.0",\n  "description": "d"\n}\n'},
  {name: 'a name no slug can be derived from', rules: ['slug-derive'], source: doc({name: '123 Plugin'})},
  {name: 'a slug with capitals and an underscore', rules: ['slug-invalid'], source: doc({slug: 'Bad_Slug'})},
  {name: 'a reserved config key', rules: ['config-reserved'], source: doc({config: {__slug: {type: 'string'}, greeting: {type: 'string', default: 'hi'}}})},
  {name: 'admin pages: no title, relative path', rules: ['admin-page'], source: doc({admin: {pages: [{path: '/admin'}, {title: 'Two', path: 'admin'}]}})},
  {name: 'admin page: an unclosed glob class', rules: ['admin-page-glob'], source: doc({permissions: ['http.serve'], admin: {pages: [{title: 'x', path: '/admin[x'}]}})},
  {name: 'network.fetch without allowedHosts', rules: ['network-hosts'], source: doc({permissions: ['network.fetch'], network: {allowedHosts: []}})},
  {name: 'a blank allowed host', rules: ['network-hosts'], source: doc({permissions: ['network.fetch'], network: {allowedHosts: ['api.example.com', '  ']}})},
  {
    name: 'UI fields without ui.modify',
    rules: ['ui-modify'],
    source: doc({actions: [{title: 'Site', url: 'https://example.com'}], styles: ['a.css'], scripts: ['a.js'], extraPageContent: 'x.html', tabs: [{title: 'T', content: 't.html'}]}),
  },
  {name: 'actions: no title; both url and html', rules: ['action'], source: doc({permissions: ['ui.modify'], actions: [{url: 'https://e.com'}, {title: 'Both', url: 'https://e.com', html: '<b>x</b>'}]})},
  {
    name: 'action urls: own namespace without http.serve, another plugin',
    rules: ['action-url'],
    source: doc({permissions: ['ui.modify'], actions: [{title: 'Mine', url: '/dashboard'}, {title: 'Theirs', url: '/plugins/other/page'}]}),
  },
  {
    name: 'action icons: own namespace without http.serve, another plugin',
    rules: ['action-icon'],
    source: doc({permissions: ['ui.modify'], actions: [{title: 'A', url: 'https://e.com', icon: '/star.png'}, {title: 'B', url: 'https://e.com', icon: '/plugins/other/s.png'}]}),
  },
  {
    name: 'asset paths: absolute URL, other namespace, wrong extension, blank',
    rules: ['asset-path'],
    source: doc({permissions: ['ui.modify'], styles: ['https://cdn.example.com/t.css', '/plugins/other/x.css'], scripts: ['app.ts', ' '], extraPageContent: 'banner.htm'}),
  },
  {
    name: 'content slugs: extraPageContent without slug, tab slug invalid',
    rules: ['content-slug'],
    source: doc({permissions: ['ui.modify'], extraPageContent: {}, tabs: [{title: 'Stats', slug: 'Stats Tab'}]}),
  },
  {
    name: 'tabs: blank title, duplicate title, no slug and no content, duplicate slug',
    rules: ['tab'],
    source: doc({permissions: ['ui.modify'], tabs: [{title: ' '}, {title: 'A', slug: 'a'}, {title: 'A', slug: 'b'}, {title: 'C'}, {title: 'D', slug: 'a'}]}),
  },
  {
    name: 'a filter and a fediverse handler without their permissions (static scan of the build)',
    rules: ['register-permission'],
    source: doc({permissions: ['chat.send']}),
    options: {code: bundle('  filterChatMessage(msg) { return import_plugin_sdk.filter.pass(); },\n  onFediverseFollow(e) { import_plugin_sdk.owncast.chat.send("thanks"); }')},
  },
  {
    name: 'register() in the sandbox subscribed a filter without chat.filter',
    rules: ['register-permission'],
    source: doc({permissions: []}),
    options: {
      registration: {
        subscriptions: {notify: [], filter: [{event: 'chat.message.received'}]},
        version: '1.0.0',
        refusal:
          'manifest/runtime mismatch: plugin subscribes to filterChatMessage but does not declare the "chat.filter" permission. Add "chat.filter" to the manifest\'s permissions so an admin can see at install time that this plugin reads or modifies every chat message',
      },
    },
  },
  {
    name: 'register() reports another slug (a build from an older manifest)',
    rules: ['register-agreement'],
    source: doc({slug: 'corpus'}),
    options: {registration: {subscriptions: {notify: [], filter: []}, version: '1.0.0', refusal: 'manifest/runtime mismatch: slug mismatch: manifest="corpus" register="old-name"'}},
  },
  {
    name: 'register() claims a permission the manifest lacks',
    rules: ['register-agreement'],
    source: doc({permissions: ['chat.send']}),
    options: {registration: {subscriptions: {notify: [], filter: []}, version: '1.0.0', refusal: 'manifest/runtime mismatch: plugin requested permission "storage.kv" at runtime not declared in manifest'}},
  },
  {
    name: 'keys: a typo, wrong case, a duplicate',
    rules: ['unknown-key', 'key-case', 'duplicate-key'],
    source: '{\n  "api": "1",\n  "Name": "Corpus",\n  "version": "1.0.0",\n  "version": "1.0.1",\n  "descripton": "typo",\n  "description": "ok"\n}\n',
  },
  {name: 'admin.pages and tabs as objects (newer hosts)', rules: ['object-form'], source: doc({permissions: ['ui.modify', 'http.serve'], admin: {pages: {'/admin': {title: 'Admin'}}}, tabs: {stats: {title: 'Stats'}}})},
  {name: 'unknown permissions, one close to a real one', rules: ['unknown-permission'], source: doc({permissions: ['chat.sned', 'teleport']})},
  {
    name: 'type, subscriptions and commands in the file',
    rules: ['ignored-field'],
    source: doc({type: 'javascript', subscriptions: {notify: [{event: 'chat.message.received'}]}, commands: [{name: 'ping'}]}),
  },
  {name: 'version with two parts', rules: ['version-semver'], source: doc({version: '1.0'})},
  {name: 'version with a v prefix', rules: ['version-semver'], source: doc({version: 'v2.1.0'})},
  {name: 'version as a word', rules: ['version-semver'], source: doc({version: 'latest'})},
  {name: 'no description', rules: ['description-missing'], source: '{\n  "api": "1",\n  "name": "Corpus",\n  "version": "1.0.0"\n}\n'},
  {name: 'a blank description', rules: ['description-missing'], source: doc({description: '   '})},
  {
    name: 'files the manifest names that are missing; an action link with no public/ file and no handler',
    rules: ['asset-missing'],
    source: doc({
      permissions: ['ui.modify', 'http.serve'],
      styles: ['theme.css', 'present.css'],
      scripts: ['/plugins/corpus/../escape.js'],
      extraPageContent: 'banner.html',
      tabs: [{title: 'Stats', content: 'tabs/stats.html'}],
      actions: [{title: 'Overlay', url: '/overlay.html'}, {title: 'Home', url: '/', icon: '/icon.svg'}],
    }),
    options: {files: files(['present.css'], ['icon.svg']), code: bundle('  onChatMessage(msg) {}')},
  },
  {
    name: 'permissions: unused ones, calls that need missing ones',
    rules: ['permission-unused', 'permission-missing'],
    source: doc({permissions: ['chat.send', 'storage.kv', 'users.read', 'network.fetch'], network: {allowedHosts: ['*']}}),
    options: {
      code: bundle(
        '  onChatMessage(msg) {\n    import_plugin_sdk.owncast.chat.send("hi");\n    import_plugin_sdk.owncast.chat.deleteMessage(msg.id);\n    import_plugin_sdk.owncast.chat.deleteMessage("again");\n    import_plugin_sdk.owncast.fs.write("a.txt", "x");\n    import_plugin_sdk.owncast.log.info("ambient");\n  }',
      ),
    },
  },
  {
    name: 'handlers that are never called without their permission',
    rules: ['handler-permission'],
    source: doc({permissions: []}),
    options: {
      code: bundle(
        '  onHttpRequest: (req) => ({status: 200}),\n  onSseConnect(e) {},\n  async onAuthCheck(req) { return import_plugin_sdk.authCheck.ok(); },\n  onTabContent() { return "<p>x</p>"; },\n  onPageStyles() { return "body{}"; }',
      ),
    },
  },
  {
    name: 'register() subscribed to sse.connect without http.sse (a wasm: no script to scan)',
    rules: ['handler-permission'],
    source: doc({permissions: []}),
    options: {registration: {subscriptions: {notify: [{event: 'sse.connect'}], filter: []}, version: '1.0.0'}},
  },
  {
    name: 'emits no plugin can receive: an unqualified name, a host event',
    rules: ['emit-target'],
    source: doc({permissions: ['events.emit']}),
    options: {
      code: bundle(
        '  onChatMessage(msg) {\n    import_plugin_sdk.owncast.events.emit("ping", {});\n    import_plugin_sdk.owncast.events.emit("chat.message.received", msg);\n    import_plugin_sdk.owncast.events.emit("corpus.ping");\n  }',
      ),
    },
  },
  {
    name: 'register() reports another version',
    rules: ['version-mismatch'],
    source: doc({version: '1.1.0'}),
    options: {registration: {subscriptions: {notify: [], filter: []}, version: '1.0.0'}},
  },
  {name: 'a loose .js beside its manifest', rules: ['loose-js'], source: doc({}), options: {looseJs: true}},
  {
    name: 'a clean plugin: no findings',
    rules: [],
    source: doc({permissions: ['chat.send', 'ui.modify', 'http.serve'], styles: ['theme.css'], actions: [{title: 'Overlay', url: '/overlay.html'}]}),
    options: {files: files(['theme.css'], ['overlay.html']), code: bundle('  onChatMessage(msg) { import_plugin_sdk.owncast.chat.send("hi"); }')},
  },
]

/** A finding without the noise of its severity (implied by the rule) for the snapshot. */
const compact = (options: LintOptions | undefined, source: string) =>
  lintManifest(source, options).findings.map((f) => ({
    at: `${f.line}:${f.column} ${f.pointer || '(root)'}`,
    rule: `${f.severity} ${f.rule}`,
    message: f.message,
    ...(f.notes ? {notes: f.notes} : {}),
  }))

describe('lint-manifest: the corpus of broken manifests', () => {
  for (const c of corpus) {
    it(c.name, () => {
      const result = lintManifest(c.source, c.options)
      for (const rule of c.rules) expect(result.findings.map((f) => f.rule)).toContain(rule)
      for (const f of result.findings) {
        // every finding is one of the documented rules, with that rule's severity
        expect(LINT_RULES[f.rule as LintRule]?.severity).toBe(f.severity)
        expect(f.line).toBeGreaterThanOrEqual(1)
        expect(f.column).toBeGreaterThanOrEqual(1)
      }
      expect(result.ok).toBe(result.errors.length === 0)
      expect(compact(c.options, c.source)).toMatchSnapshot()
    })
  }

  it('covers every rule', () => {
    const covered = new Set(corpus.flatMap((c) => c.rules))
    expect(Object.keys(LINT_RULES).filter((r) => !covered.has(r as LintRule))).toEqual([])
  })

  it('production rules are errors and keep the host order; everything else is a warning', () => {
    const r = lintManifest(doc({api: '0', permissions: ['network.fetch', 'chat.sned'], styles: ['x.css'], version: '1'}))
    expect(r.errors.map((e) => e.rule)).toEqual(['api-version', 'network-hosts', 'ui-modify'])
    expect(r.warnings.map((w) => w.rule)).toEqual(['version-semver', 'unknown-permission'])
    expect(r.ok).toBe(false)
    expect(r.manifest).toBeUndefined()
  })

  it('never rejects what the host accepts: a manifest with only warnings is ok', () => {
    const r = lintManifest(doc({version: 'latest', permissions: ['teleport'], colour: 'red'}))
    expect(r.ok).toBe(true)
    expect(r.errors).toEqual([])
    expect(r.manifest?.slug).toBe('corpus')
    expect(r.warnings.map((w) => w.rule).sort()).toEqual(['unknown-key', 'unknown-permission', 'version-semver'])
  })

  it('a $schema reference at the top is not an unknown key; anywhere else it is', () => {
    expect(lintManifest(doc({$schema: 'https://example.com/plugin.manifest.schema.json'})).findings).toEqual([])
    expect(lintManifest(doc({bot: {$schema: 'x'}})).findings.map((f) => [f.rule, f.pointer])).toEqual([['unknown-key', '/bot/$schema']])
  })

  it('says what it could check', () => {
    expect(lintManifest(doc({})).checked).toEqual({files: false, code: false, registration: false})
    expect(lintManifest(doc({}), {files: files([]), code: bundle('')}).checked).toEqual({files: true, code: true, registration: false})
  })
})
