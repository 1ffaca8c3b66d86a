// Manifest validation and lint under generated input (issue 8 item 1; DESIGN §3.11):
// - any text and any JSON value: parseManifest and lintManifest return findings, never throw;
//   every finding's line:column lies inside the text, and a finding about a value points at
//   the first character of that value (or key), whose JSON pointer exists in the document;
// - nesting deeper than Go's 10 000 levels is a syntax error, anything shallower is not;
// - generated manifests that vary the host's rules (test/fuzz/support/manifest-oracle.ts, an
//   independent model of Go's decoding and the rule table): the same verdict as the model, and
//   errors[0] is the rule the model says the host trips first;
// - lint is stricter but never rejects what validation accepts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { parseJson, type JsonNode } from '../../src/lib/manifest/json.js';
import { LINT_RULES, lintManifest, type LintOptions } from '../../src/lib/manifest/lint.js';
import { KNOWN_PERMISSIONS } from '../../src/lib/manifest/permissions.js';
import type { ManifestIssue } from '../../src/lib/manifest/types.js';
import { parseManifest } from '../../src/lib/manifest/validate.js';
import { checkProperty, FUZZ_TIMEOUT } from './support/fuzz.js';
import { offsetOf, pointerExists, VALUE_START } from './support/json.js';
import { BROKEN_GLOBS, goString, oracle, type Member } from './support/manifest-oracle.js';

// ---- where findings point ------------------------------------------------------------------

/** A plain value with every string and key as Go decodes it (unpaired surrogates → U+FFFD). */
function goValue(v: unknown): unknown {
  if (typeof v === 'string') return goString(v);
  if (Array.isArray(v)) return v.map(goValue);
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) Object.defineProperty(out, goString(k), { value: goValue(x), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return v;
}

/** Every finding inside the text; findings about values point at a value or key that the pointer names. */
function expectLocated(text: string, issues: readonly ManifestIssue[]): void {
  const lines = text.split('\n');
  let tree: JsonNode | undefined;
  try {
    tree = parseJson(text);
  } catch {
    tree = undefined;
  }
  for (const f of issues) {
    expect(f.line, f.message).toBeGreaterThanOrEqual(1);
    expect(f.line, f.message).toBeLessThanOrEqual(lines.length);
    expect(f.column, f.message).toBeGreaterThanOrEqual(1);
    expect(f.column, f.message).toBeLessThanOrEqual(lines[f.line - 1]!.length + 1);
    expect(f.rule in LINT_RULES, f.rule).toBe(true);
    expect(f.severity).toBe(LINT_RULES[f.rule as keyof typeof LINT_RULES].severity);
    if (f.rule === 'json-syntax') continue;
    const at = offsetOf(text, f.line, f.column);
    expect(VALUE_START.has(text[at] ?? ''), `${f.rule} at ${f.line}:${f.column} points at ${JSON.stringify(text.slice(at, at + 10))}`).toBe(true);
    expect(pointerExists(tree, f.pointer), `${f.rule}: pointer ${f.pointer}`).toBe(true);
  }
}

// ---- arbitrary text and JSON -----------------------------------------------------------------

const VALID = JSON.stringify({ api: '1', name: 'Echo Bot', version: '1.0.0', permissions: ['chat.send'], network: { allowedHosts: ['a.b'] } }, null, 2);

/** Text near a manifest: a valid one with a few characters inserted, deleted or replaced. */
const mutatedText = fc
  .array(fc.tuple(fc.nat(VALID.length), fc.nat(3), fc.string({ unit: 'binary', maxLength: 3 })), { minLength: 1, maxLength: 4 })
  .map((edits) => edits.reduce((t, [at, del, ins]) => t.slice(0, at) + ins + t.slice(at + del), VALID));

const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: fc.constantFrom(...'{}[]":,\\ \n\t0-1eE.+truefalsn\u0000\ud800\ufeff'), maxLength: 200 }),
  mutatedText,
);

const MANIFEST_KEYS = ['api', 'name', 'slug', 'version', 'description', 'type', 'bot', 'subscriptions', 'commands', 'permissions', 'config', 'admin', 'actions', 'network', 'styles', 'scripts', 'extraPageContent', 'tabs'];

/** Objects whose keys are manifest keys (any case) with any JSON values: the type errors. */
const manifestShapedJson = fc.dictionary(
  fc.oneof(fc.constantFrom(...MANIFEST_KEYS), fc.constantFrom(...MANIFEST_KEYS).map((k) => k.toUpperCase()), fc.string({ maxLength: 6 })),
  fc.jsonValue({ maxDepth: 3 }),
  { maxKeys: 8 },
);

const jsonText = fc
  .tuple(fc.oneof(fc.jsonValue({ maxDepth: 4 }), manifestShapedJson), fc.constantFrom(undefined, 0, 2, '\t'))
  .map(([value, indent]) => ({ value, text: JSON.stringify(value, null, indent) ?? 'null' }));

const lintOptions: fc.Arbitrary<LintOptions> = fc.record(
  {
    files: fc.record({ hasPublic: fc.boolean(), seed: fc.integer() }).map(({ hasPublic, seed }) => ({
      hasPublic,
      asset: (p: string) => (p.length + seed) % 2 === 0,
      publicFile: (p: string) => (p.length + seed) % 3 === 0,
    })),
    looseJs: fc.boolean(),
    registration: fc.record({
      subscriptions: fc.constant({ notify: [], filter: [] }),
      version: fc.constantFrom('', '1.0.0', '2.0.0'),
    }),
  },
  { requiredKeys: [] },
);

describe('manifest: arbitrary input', () => {
  it(
    'any text: findings only, located inside the text',
    async () => {
      await checkProperty(
        { target: 'manifest', name: 'any text: parse and lint return located findings, never throw', runs: 400 },
        fc.property(anyText, lintOptions, (text, options) => {
          const parsed = parseManifest(text);
          expect(parsed.ok).toBe(parsed.errors.length === 0);
          const linted = lintManifest(text, options);
          expect(linted.errors.slice(0, parsed.errors.length)).toEqual(parsed.errors);
          if (parsed.data === undefined) {
            expect(parsed.errors).toHaveLength(1);
            expect(parsed.errors[0]!.rule).toBe('json-syntax');
            expectLocated(text, parsed.errors);
          } else {
            expectLocated(text, [...linted.errors, ...linted.warnings]);
          }
        }),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    'any JSON value: never a syntax error, the document read back as JSON.parse reads it, findings point at values',
    async () => {
      await checkProperty(
        { target: 'manifest', name: 'any JSON value: no syntax error, data = JSON.parse, findings at values', runs: 300, fuzzShare: 0.4 },
        fc.property(jsonText, lintOptions, ({ text }, options) => {
          const parsed = parseManifest(text);
          expect(parsed.errors.filter((e) => e.rule === 'json-syntax')).toEqual([]);
          expect(parsed.data).toEqual(goValue(JSON.parse(text)));
          const linted = lintManifest(text, options);
          expectLocated(text, [...linted.errors, ...linted.warnings]);
          if (parsed.ok) expect(linted.errors).toEqual([]);
        }),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    'nesting: up to 10 000 levels parse (as Go), deeper is a located syntax error, never a stack overflow',
    async () => {
      const nested = fc.record({
        depth: fc.oneof(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 9990, max: 10010 }), fc.integer({ min: 1, max: 60_000 })),
        open: fc.constantFrom('[', '{"a":'),
        where: fc.constantFrom('root', 'config default', 'permissions'),
      });
      await checkProperty(
        { target: 'manifest', name: 'deep nesting: Go max depth 10 000, never a crash', runs: 60, fuzzShare: 0.01 },
        fc.property(nested, ({ depth, open, where }) => {
          const deep = open === '[' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth - 1) + '{}' + '}'.repeat(depth - 1);
          const text =
            where === 'root'
              ? deep
              : where === 'permissions'
                ? `{"api":"1","name":"n","version":"1","permissions":${deep}}`
                : `{"api":"1","name":"n","version":"1","config":{"k":{"default":${deep}}}}`;
          // levels Go counts: the document's own object and the ones around the default
          const levels = depth + (where === 'root' ? 0 : where === 'permissions' ? 1 : 3);
          const parsed = parseManifest(text);
          const syntax = parsed.errors.find((e) => e.rule === 'json-syntax');
          if (levels > 10_000) {
            expect(syntax?.message).toMatch(/exceeded max depth/);
            expect(syntax!.line).toBe(1);
            expect(syntax!.column).toBeLessThanOrEqual(text.length);
          } else expect(syntax).toBeUndefined();
          const linted = lintManifest(text);
          expect(linted.ok).toBe(parsed.ok);
        }),
      );
    },
    FUZZ_TIMEOUT,
  );
});

// ---- generated manifests against the model --------------------------------------------------

const weighted = <T,>(common: fc.Arbitrary<T>, ...rare: fc.Arbitrary<T>[]) =>
  fc.oneof({ arbitrary: common, weight: 12 * rare.length }, ...rare.map((arbitrary) => ({ arbitrary, weight: 1 })));

/** Strings Go and JavaScript trim differently, unpaired surrogates, the blank and the odd. */
const tricky = fc.constantFrom('', ' ', '\t', '\u0085', '\ufeff', '\u00a0', '\u200b', '\u3000', '\ud800', '\udc00', '\ud83d\ude00', 'Ä', '!!');
const anyString = fc.oneof(tricky, fc.string({ unit: 'binary', maxLength: 8 }));

const name = weighted(fc.constantFrom('Echo Bot', 'stats', 'My Plugin 2', 'a-b'), fc.constantFrom('', '123 go', 'x'.repeat(70), 'Ünï', '-'), anyString);
const slug = weighted(fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/), fc.constantFrom('', 'Bad', '9x', 'a'.repeat(64), 'a'.repeat(65), 'echo-bot'), anyString);
const version = weighted(fc.constant('1.0.0'), fc.constantFrom('', ' ', 'v1'), anyString);
const api = weighted<unknown>(fc.constant('1'), fc.constantFrom('2', '', ' 1', 1, true, null));
const permissions = fc
  .tuple(fc.nat(5).map((n) => n > 0), fc.subarray(['ui.modify', 'http.serve', 'network.fetch', 'chat.send', 'foo.bar', ...KNOWN_PERMISSIONS.slice(0, 4)]))
  .map(([typical, extra]) => (typical ? ['ui.modify', 'http.serve', ...extra] : extra));
const config = fc.dictionary(
  weighted(fc.constantFrom('apiKey', 'greeting', '_x'), fc.constantFrom('__secret', '__'), anyString),
  fc.record({ type: fc.constant('string'), default: fc.jsonValue({ maxDepth: 2 }), description: anyString }, { requiredKeys: ['type'] }),
  { maxKeys: 3 },
);
const adminPath = weighted(fc.constantFrom('/admin', '/admin/*', '/r/{a,b}', '/[a-z]x', '/q?', '/'), fc.constantFrom('admin', '', ...BROKEN_GLOBS));
const admin = fc.record({ pages: fc.array(fc.record({ title: weighted(fc.constant('Admin'), fc.constant('')), path: adminPath }), { maxLength: 2 }) });
const network = fc.record({
  allowedHosts: fc.array(weighted(fc.constantFrom('api.example.com', '*.x.com', '*'), tricky), { maxLength: 3 }),
});
const url = fc.constantFrom('/page', 'page', 'https://x.y/', '/plugins/other/x', '/plugins/echo-bot/x', '/plugins/stats/', '/plugins/', '/plugins');
const icon = fc.constantFrom('', 'https://i/x.png', 'http://i/x.png', '/icon.png', '/plugins/other/i.png', 'icon.png');
const action = fc
  .record({ title: weighted(fc.constant('Go'), fc.constant('')), mode: weighted(fc.constant('url' as const), fc.constantFrom('html' as const, 'both' as const, 'none' as const)), url, html: fc.constant('<b>x</b>'), icon })
  .map(({ title, mode, url: u, html, icon: i }) => ({
    title,
    ...(mode === 'url' || mode === 'both' ? { url: u } : {}),
    ...(mode === 'html' || mode === 'both' ? { html } : {}),
    ...(i === '' ? {} : { icon: i }),
  }));
const asset = (ext: string) =>
  weighted(
    fc.constantFrom(`a${ext}`, `/b${ext}`, `C${ext.toUpperCase()}`, `/plugins/echo-bot/d${ext}`),
    fc.constantFrom('x.txt', '', ' ', `http://x/a${ext}`, `/plugins/other/a${ext}`, `/plugins/stats/s${ext}`),
    tricky,
  );
const content = weighted(fc.constantFrom('page.html', '/p.HTML'), fc.constantFrom('', 'x.txt', 'https://x/p.html'), tricky);
const contentSlug = weighted(fc.constantFrom('stats', 'more'), fc.constantFrom('', 'Bad', '9x'), tricky);
const extraPageContent = fc.oneof(
  fc.constant(null),
  content,
  fc.record({ slug: contentSlug, content: fc.oneof(fc.constant(''), content) }, { requiredKeys: [] }),
);
const tabs = fc.array(
  fc.record({ title: weighted(fc.constantFrom('Stats', 'More', 'Stats!'), tricky), slug: fc.oneof(fc.constant(''), contentSlug), content: fc.oneof(fc.constant(''), content) }, { requiredKeys: ['title'] }),
  { maxLength: 3 },
);

const FIELDS: Record<string, fc.Arbitrary<unknown>> = {
  api,
  name,
  slug,
  version,
  description: anyString,
  permissions,
  config,
  admin,
  network,
  actions: fc.array(action, { maxLength: 2 }),
  styles: fc.array(asset('.css'), { maxLength: 2 }),
  scripts: fc.array(asset('.js'), { maxLength: 2 }),
  extraPageContent,
  tabs,
};

/** Keys Go also reads as the field: other cases, and the two non-ASCII letters that fold to ASCII. */
const spellings: Record<string, string[]> = {
  name: ['Name', 'NAME'],
  slug: ['Slug', '\u017flug', 'SLUG'],
  version: ['Version'],
  permissions: ['Permissions', 'permi\u017f\u017fions'],
  network: ['Network', 'networ\u212a'],
  actions: ['Actions', 'action\u017f'],
  styles: ['\u017ftyles'],
  tabs: ['TABS', 'tab\u017f'],
  api: ['API', 'Api'],
};

const members: fc.Arbitrary<Member[]> = fc
  .record({
    // the usual fields: present most of the time (slug, description and the UI ones less often)
    present: fc.record(Object.fromEntries(Object.keys(FIELDS).map((k) => [k, fc.nat(9)]))),
    values: fc.record(FIELDS),
    again: fc.array(fc.tuple(fc.constantFrom(...Object.keys(FIELDS)), fc.boolean(), fc.nat(2)), { maxLength: 2 }),
    again2: fc.record(FIELDS),
    respell: fc.array(fc.tuple(fc.constantFrom(...Object.keys(spellings)), fc.nat(3)), { maxLength: 2 }),
    unknown: fc.array(fc.tuple(fc.constantFrom('$schema', 'nmae', 'foo', 'permisions'), fc.jsonValue({ maxDepth: 1 })), { maxLength: 2 }),
  })
  .map(({ present, values, again, again2, respell, unknown }) => {
    const rarely = new Set(['slug', 'extraPageContent', 'tabs', 'styles', 'scripts', 'actions', 'admin', 'config']);
    const out: Member[] = [];
    for (const key of Object.keys(FIELDS)) {
      const keep = rarely.has(key) ? present[key]! < 3 : present[key]! < 9;
      if (keep) out.push([key, values[key]]);
    }
    for (const [key, nullValue] of again) out.push([key, nullValue ? null : again2[key]]);
    for (const [key, which] of respell) {
      const i = out.findIndex(([k]) => k === key);
      const options = spellings[key]!;
      if (i >= 0) out[i] = [options[which % options.length]!, out[i]![1]];
    }
    out.push(...unknown);
    return out;
  });

function serialize(list: readonly Member[], pretty: boolean): string {
  const parts = list.filter(([, v]) => v !== undefined).map(([k, v]) => `${JSON.stringify(k)}:${pretty ? ' ' : ''}${JSON.stringify(v, null, pretty ? 2 : undefined)}`);
  return pretty ? `{\n  ${parts.join(',\n  ')}\n}\n` : `{${parts.join(',')}}`;
}

describe('manifest: generated manifests against an independent model of the host', () => {
  it('the generators reach both verdicts and most rules (the property is not vacuous)', () => {
    const verdicts = fc.sample(members, { numRuns: 2000, seed: 8 }).map(oracle);
    const accepted = verdicts.filter((v) => v.ok).length;
    expect(accepted).toBeGreaterThan(200);
    expect(accepted).toBeLessThan(1800);
    const rules = new Set(verdicts.flatMap((v) => (v.ok ? [] : [v.rule])));
    for (const rule of ['json-type', 'api-version', 'name-required', 'version-required', 'slug-derive', 'slug-invalid', 'config-reserved', 'admin-page', 'admin-page-glob', 'network-hosts', 'ui-modify', 'action', 'action-url', 'action-icon', 'asset-path', 'content-slug', 'tab']) {
      expect(rules, rule).toContain(rule);
    }
  });

  it(
    'the verdict and the first rule agree with the model; lint adds no error to an accepted manifest',
    async () => {
      await checkProperty(
        { target: 'manifest', name: 'generated manifests: verdict and first rule = model; lint never rejects what validation accepts', runs: 500, fuzzShare: 0.5 },
        fc.property(members, fc.boolean(), lintOptions, (list, pretty, options) => {
          const text = serialize(list, pretty);
          const expected = oracle(list);
          const parsed = parseManifest(text);
          const got = parsed.ok ? { ok: true } : { ok: false, rule: parsed.errors[0]!.rule };
          expect(got, `${text}\n${parsed.errors.map((e) => e.message).join('\n')}`).toEqual(expected);
          const linted = lintManifest(text, options);
          expect(linted.ok).toBe(parsed.ok);
          if (parsed.ok) expect(linted.errors).toEqual([]);
          expectLocated(text, [...linted.errors, ...linted.warnings]);
        }),
      );
    },
    FUZZ_TIMEOUT,
  );
});
