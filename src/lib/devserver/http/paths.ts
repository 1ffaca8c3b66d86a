// Request paths as production routes them (reference-production-host §5, DESIGN §3.7): the
// path is percent-decoded, then cleaned like Go's path.Clean (keeping a trailing slash), and
// everything (admin gate, static files, the plugin's envelope) sees that one cleaned path, so
// `..`, `%2e%2e` and `%2f` cannot make the gate and the file lookup disagree.

import type { AdminPage } from '../../manifest/index.js';
import { globToRegExp } from './glob.js';

/** Go's path.Clean: no empty, "." or ".." segments; ".." above the root stays at the root. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(seg);
  }
  const joined = out.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/** cleanPath, keeping a trailing slash (Go's ServeMux cleanPath): `/a/b/` stays a directory URL. */
export function cleanUrlPath(p: string): string {
  const cleaned = cleanPath(p.startsWith('/') ? p : `/${p}`);
  return p.endsWith('/') && cleaned !== '/' ? `${cleaned}/` : cleaned;
}

/**
 * Go's unescape for paths: every `%` must start two hex digits (else null: a 400), `+` stays
 * `+`; the bytes are read as UTF-8.
 */
export function decodePercent(s: string): string | null {
  if (!s.includes('%')) return s;
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 0; i < s.length; ) {
    const ch = s[i]!;
    if (ch === '%') {
      const hex = s.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return null;
      bytes.push(parseInt(hex, 16));
      i += 3;
      continue;
    }
    const cp = s.codePointAt(i)!;
    const text = String.fromCodePoint(cp);
    for (const b of encoder.encode(text)) bytes.push(b);
    i += text.length;
  }
  return Buffer.from(bytes).toString('utf8');
}

export type RequestTarget =
  | { ok: true; /** Decoded and cleaned, trailing slash kept. */ path: string; /** Without the "?". */ query: string }
  | { ok: false; reason: string };

/** The path and query of a request line's target (origin-form or absolute-form). */
export function parseRequestTarget(url: string): RequestTarget {
  let target = url;
  const authority = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*/.exec(target);
  if (authority) target = target.slice(authority[0].length) || '/';
  const hash = target.indexOf('#');
  if (hash >= 0) target = target.slice(0, hash);
  const q = target.indexOf('?');
  const rawPath = q >= 0 ? target.slice(0, q) : target;
  const query = q >= 0 ? target.slice(q + 1) : '';
  const decoded = decodePercent(rawPath);
  if (decoded === null) return { ok: false, reason: 'invalid URL escape' };
  // A NUL has no business in a URL path; refusing it here keeps it away from every check below.
  if (decoded.includes('\0')) return { ok: false, reason: 'invalid NUL in path' };
  return { ok: true, path: cleanUrlPath(decoded), query };
}

/** `/plugins/<slug>/<rest>` → slug and rest ("/" + what follows the slug, "/" when nothing). */
export function splitPluginPath(path: string): { slug: string; rest: string } | null {
  if (!path.startsWith('/plugins/')) return null;
  const rel = path.slice('/plugins/'.length);
  const slash = rel.indexOf('/');
  const slug = slash < 0 ? rel : rel.slice(0, slash);
  if (slug === '') return null;
  return { slug, rest: slash < 0 ? '/' : `/${rel.slice(slash + 1)}` };
}

interface CompiledPage {
  glob: RegExp;
  /** Paths under the page: `<path>/`; none for "/", which gates only the root (as production). */
  prefix: string | null;
}

const compiled = new WeakMap<readonly AdminPage[], CompiledPage[]>();

function compile(pages: readonly AdminPage[]): CompiledPage[] {
  let c = compiled.get(pages);
  if (!c) {
    c = pages.map((page) => {
      const lower = page.path.toLowerCase();
      const trimmed = lower.replace(/\/+$/, '');
      // production adds "/" to the path as written, so "/admin/" would gate nothing below it;
      // trimming first gates "/admin/x" too (stricter, never looser)
      return { glob: globToRegExp(lower), prefix: trimmed === '' ? null : `${trimmed}/` };
    });
    compiled.set(pages, c);
  }
  return c;
}

/**
 * Whether `rest` (a cleaned path relative to the plugin) is one of its admin pages: a page
 * glob matches it, or it lies under a page's path, case-insensitively. The gate looks at every
 * form of the path the request reaches: `rest` itself, and the path the handler and the static
 * lookup see (trailing slashes stripped: "/reports/q1.html/" is the page "/reports/q1.html").
 * A path with a backslash is also checked with the backslashes read as slashes, so a plugin
 * (or a proxy) that normalizes them cannot be reached around the gate. (A directory URL whose
 * index.html is an admin page is gated where public/ is known: plugin-route.ts.)
 */
export function isAdminPath(pages: readonly AdminPage[], rest: string): boolean {
  if (pages.length === 0) return false;
  const written = rest.includes('\\') ? [rest, cleanUrlPath(rest.replaceAll('\\', '/'))] : [rest];
  const forms: string[] = [];
  for (const path of written) forms.push(path.toLowerCase(), (path.length > 1 ? path.replace(/\/+$/, '') || '/' : path).toLowerCase());
  const list = compile(pages);
  return forms.some((form) => list.some((p) => p.glob.test(form) || (p.prefix !== null && form.startsWith(p.prefix))));
}
