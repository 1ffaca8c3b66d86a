// An independent model of what the production host decides about a manifest, written from
// the rule table (reference-production-host.md §4) and Go's documented encoding/json rules,
// not from src/lib/manifest: it decodes the top-level members as Go's json.Unmarshal does
// (exact key first, then a case-insensitive match under Unicode simple folding; null is a
// no-op for strings, bools, numbers and structs and nil for slices and maps; a repeated
// struct key decodes into the struct already there; a repeated slice decodes element by
// element into the elements already there; a repeated map keeps its earlier entries), then
// applies the host's checks in the host's order and returns the first rule that fails.
//
// Only shapes the generators produce are modelled: nested objects carry exact keys and no
// duplicates; admin page globs are labelled valid or not by the generator that wrote them.

/** One top-level member as written: key, JSON value (undefined = leave out). */
export type Member = [key: string, value: unknown];

export type OracleVerdict = { ok: true } | { ok: false; rule: string };

// ---- Go strings ----------------------------------------------------------------------------

/** unicode.IsSpace: the Latin-1 spaces, NEL and NBSP, and the White_Space property above. */
const GO_SPACES = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008,
  0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);

/** strings.TrimSpace(s) == "" */
export function goBlank(s: string): boolean {
  for (const ch of s) if (!GO_SPACES.has(ch.codePointAt(0)!)) return false;
  return true;
}

/** Whether a key as written selects the (ASCII) field name under Go's EqualFold. */
export function goKeyMatches(key: string, field: string): boolean {
  const runes = [...key];
  if (runes.length !== field.length) return false;
  return runes.every((r, i) => {
    const f = field[i]!.toLowerCase();
    if (r.length === 1 && r.charCodeAt(0) < 0x80) return r.toLowerCase() === f;
    if (r === '\u017f') return f === 's'; // LATIN SMALL LETTER LONG S folds with s
    if (r === '\u212a') return f === 'k'; // KELVIN SIGN folds with k
    return false;
  });
}

/** A JSON string as Go decodes it: an unpaired surrogate (written as an escape) is U+FFFD. */
export function goString(s: string): string {
  return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';

/** ^[a-z][a-z0-9-]{0,63}$, without a regular expression. */
export function slugOk(s: string): boolean {
  if (s.length < 1 || s.length > 64 || !LOWER.includes(s[0]!)) return false;
  for (const c of s.slice(1)) if (!LOWER.includes(c) && !DIGITS.includes(c) && c !== '-') return false;
  return true;
}

/** The host's slug derivation, from its description: null when it fails. */
export function deriveSlug(name: string): string | null {
  let out = '';
  for (const ch of name) {
    const lower = ch >= 'A' && ch <= 'Z' ? String.fromCharCode(ch.charCodeAt(0) + 32) : ch;
    if (lower.length === 1 && LOWER.includes(lower)) out += lower;
    else if (ch.length === 1 && DIGITS.includes(ch)) out += ch;
    else if (out !== '' && !out.endsWith('-')) out += '-';
  }
  while (out.endsWith('-')) out = out.slice(0, -1);
  return out !== '' && slugOk(out) ? out : null;
}

// ---- Go decoding ---------------------------------------------------------------------------

type Kind =
  | 'string'
  | 'bool'
  | 'int'
  | 'any'
  | { struct: Record<string, Kind> }
  | { slice: Kind }
  | { map: Kind }
  | { keyed: Record<string, Kind>; key: string }
  | 'epc';

const S: Kind = 'string';
const page: Record<string, Kind> = { title: S, path: S, icon: S };
const tab: Record<string, Kind> = { title: S, slug: S, content: S };
const sub: Kind = { struct: { event: S, priority: 'int' } };

const MANIFEST: Record<string, Kind> = {
  api: S,
  type: S,
  name: S,
  slug: S,
  version: S,
  description: S,
  bot: { struct: { displayName: S } },
  subscriptions: { struct: { notify: { slice: sub }, filter: { slice: sub } } },
  commands: {
    slice: {
      struct: { name: S, prefix: S, description: S, usage: S, aliases: { slice: S }, modOnly: 'bool', caseSensitive: 'bool', cooldownMs: 'int' },
    },
  },
  permissions: { slice: S },
  config: { map: { struct: { type: S, default: 'any', description: S } } },
  admin: { struct: { pages: { keyed: page, key: 'path' } } },
  actions: {
    slice: { struct: { title: S, url: S, html: S, icon: S, color: S, description: S, openExternally: 'bool' } },
  },
  network: { struct: { allowedHosts: { slice: S } } },
  styles: { slice: S },
  scripts: { slice: S },
  extraPageContent: 'epc',
  tabs: { keyed: tab, key: 'slug' },
};

class TypeMismatch extends Error {}

type Obj = Record<string, unknown>;

function zero(kind: Kind): unknown {
  if (kind === 'string') return '';
  if (kind === 'bool') return false;
  if (kind === 'int') return 0;
  if (kind === 'any' || kind === 'epc') return null;
  if ('struct' in kind) return Object.fromEntries(Object.entries(kind.struct).map(([k, v]) => [k, zero(v)]));
  if ('map' in kind) return {};
  return [];
}

function fieldOf(fields: Record<string, Kind>, key: string): string | undefined {
  const names = Object.keys(fields);
  return names.find((n) => n === key) ?? names.find((n) => goKeyMatches(key, n));
}

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Decodes JSON value `v` into a Go value of `kind` that currently holds `prev`. */
function decodeInto(prev: unknown, v: unknown, kind: Kind, errors: string[]): unknown {
  const mismatch = () => {
    errors.push('json-type');
    return prev;
  };
  if (v === null) {
    if (kind === 'string' || kind === 'bool' || kind === 'int') return prev;
    if (kind === 'any' || kind === 'epc') return null;
    if ('struct' in kind) return prev;
    return zero(kind); // slices and maps become nil
  }
  if (kind === 'any') return v;
  if (kind === 'string') return typeof v === 'string' ? goString(v) : mismatch();
  if (kind === 'bool') return typeof v === 'boolean' ? v : mismatch();
  if (kind === 'int') return typeof v === 'number' && Number.isSafeInteger(v) ? v : mismatch();
  if (kind === 'epc') {
    if (typeof v === 'string') return { slug: '', content: goString(v) };
    if (!isObject(v)) return mismatch();
    return decodeInto(zero({ struct: { slug: S, content: S } }), v, { struct: { slug: S, content: S } }, errors);
  }
  if ('struct' in kind) {
    if (!isObject(v)) return mismatch();
    const out = { ...(prev as Obj) };
    for (const [key, value] of Object.entries(v)) {
      const field = fieldOf(kind.struct, key);
      if (field !== undefined) out[field] = decodeInto(out[field], value, kind.struct[field]!, errors);
    }
    return out;
  }
  if ('map' in kind) {
    if (!isObject(v)) return mismatch();
    const out: Obj = { ...(prev as Obj) };
    for (const [key, value] of Object.entries(v)) {
      Object.defineProperty(out, goString(key), { value: decodeInto(zero(kind.map), value, kind.map, errors), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  if ('keyed' in kind && isObject(v)) {
    // the newer object form: keyed by path / slug, in key order
    return Object.keys(v)
      .sort()
      .map((key) => {
        const item = decodeInto(zero({ struct: kind.keyed }), v[key], { struct: kind.keyed }, errors) as Obj;
        item[kind.key] = goString(key);
        return item;
      });
  }
  if (!Array.isArray(v)) return mismatch();
  const elem: Kind = 'slice' in kind ? kind.slice : { struct: (kind as { keyed: Record<string, Kind> }).keyed };
  const before = prev as unknown[];
  return v.map((item, i) => decodeInto(i < before.length ? before[i] : zero(elem), item, elem, errors));
}

/** The manifest the host ends up with, or the first type error. */
export function goDecodeManifest(members: readonly Member[]): { manifest: Obj; typeError: boolean } {
  const errors: string[] = [];
  const manifest = zero({ struct: MANIFEST }) as Obj;
  for (const [key, value] of members) {
    if (value === undefined) continue;
    const field = fieldOf(MANIFEST, key);
    if (field !== undefined) manifest[field] = decodeInto(manifest[field], value, MANIFEST[field]!, errors);
  }
  return { manifest, typeError: errors.length > 0 };
}

// ---- the host's checks ----------------------------------------------------------------------

/** Admin page paths whose glob the generator knows to be broken. */
export const BROKEN_GLOBS = new Set(['/a[b', '/{a,b', '/x\\', '/}', '/a}b', '/{x', '/[']);

type Action = { title: string; url: string; html: string; icon: string };

export function oracle(members: readonly Member[]): OracleVerdict {
  const { manifest: m, typeError } = goDecodeManifest(members);
  if (typeError) return { ok: false, rule: 'json-type' };
  const fail = (rule: string): OracleVerdict => ({ ok: false, rule });
  const perms = m.permissions as string[];
  const has = (p: string) => perms.includes(p);

  if (m.api !== '1') return fail('api-version');
  if (m.name === '') return fail('name-required');
  if (m.version === '') return fail('version-required');
  let slug = m.slug as string;
  if (slug === '') {
    const derived = deriveSlug(m.name as string);
    if (derived === null) return fail('slug-derive');
    slug = derived;
  }
  if (!slugOk(slug)) return fail('slug-invalid');

  for (const key of Object.keys(m.config as Obj)) if (key.startsWith('__')) return fail('config-reserved');

  for (const p of (m.admin as { pages: { title: string; path: string }[] }).pages) {
    if (p.title === '' || p.path === '' || !p.path.startsWith('/')) return fail('admin-page');
    if (BROKEN_GLOBS.has(p.path)) return fail('admin-page-glob');
  }

  const hosts = (m.network as { allowedHosts: string[] }).allowedHosts;
  if (has('network.fetch') && hosts.length === 0) return fail('network-hosts');
  if (hosts.some(goBlank)) return fail('network-hosts');

  const own = `/plugins/${slug}/`;
  const actions = m.actions as Action[];
  if (actions.length > 0 && !has('ui.modify')) return fail('ui-modify');
  for (const a of actions) {
    if (a.title === '') return fail('action');
    if ((a.url === '') === (a.html === '')) return fail('action');
    if (a.url === '') continue;
    const url = a.url.startsWith('/') && !a.url.startsWith('/plugins/') ? own + a.url.slice(1) : a.url;
    if (url.startsWith(own) && !has('http.serve')) return fail('action-url');
    if (url.startsWith('/plugins/') && !url.startsWith(own)) return fail('action-url');
  }
  for (const a of actions) {
    if (a.icon === '' || a.icon.startsWith('http://') || a.icon.startsWith('https://')) continue;
    const icon = a.icon.startsWith('/') && !a.icon.startsWith('/plugins/') ? own + a.icon.slice(1) : a.icon;
    if (icon.startsWith(own) && !has('http.serve')) return fail('action-icon');
    if (icon.startsWith('/plugins/') && !icon.startsWith(own)) return fail('action-icon');
  }

  /** Whether a styles/scripts/content entry is refused. */
  const badAsset = (raw: string, ext: string): boolean => {
    if (goBlank(raw) || raw.startsWith('http://') || raw.startsWith('https://')) return true;
    const path = raw.startsWith('/plugins/') ? raw : raw.startsWith('/') ? own + raw.slice(1) : own + raw;
    return !path.startsWith(own) || !path.toLowerCase().endsWith(ext);
  };
  for (const [field, ext] of [
    ['styles', '.css'],
    ['scripts', '.js'],
  ] as const) {
    const list = m[field] as string[];
    if (list.length > 0 && !has('ui.modify')) return fail('ui-modify');
    if (list.some((raw) => badAsset(raw, ext))) return fail('asset-path');
  }

  const epc = m.extraPageContent as { slug: string; content: string } | null;
  if (epc !== null) {
    if (!has('ui.modify')) return fail('ui-modify');
    if (epc.content !== '') {
      if (!goBlank(epc.slug) && !slugOk(epc.slug)) return fail('content-slug');
      if (badAsset(epc.content, '.html')) return fail('asset-path');
    } else if (goBlank(epc.slug) || !slugOk(epc.slug)) return fail('content-slug');
  }

  const tabs = m.tabs as { title: string; slug: string; content: string }[];
  if (tabs.length > 0 && !has('ui.modify')) return fail('ui-modify');
  const titles = new Set<string>();
  const slugs = new Set<string>();
  for (const t of tabs) {
    if (goBlank(t.title) || titles.has(t.title)) return fail('tab');
    titles.add(t.title);
    let tabSlug = t.slug;
    if (goBlank(tabSlug)) {
      if (t.content === '') return fail('tab');
      const derived = deriveSlug(t.title);
      if (derived === null) return fail('tab');
      tabSlug = derived;
    } else if (!slugOk(tabSlug)) return fail('content-slug');
    if (slugs.has(tabSlug)) return fail('tab');
    slugs.add(tabSlug);
    if (t.content !== '' && badAsset(t.content, '.html')) return fail('asset-path');
  }
  return { ok: true };
}
