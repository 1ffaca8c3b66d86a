/**
 * Plugin slugs: the plugin's URL segment, KV namespace, file name and registry key.
 * Same pattern and derivation as the production host (manifest.go) and the reference SDK.
 */
export const SLUG_PATTERN = /^[a-z][a-z0-9-]{0,63}$/

/** The pattern as the host prints it in messages. */
export const SLUG_PATTERN_SOURCE = '^[a-z][a-z0-9-]{0,63}$'

export function isValidSlug(slug: string): boolean {
  return SLUG_PATTERN.test(slug)
}

export type SlugifyResult = {ok: true; slug: string} | {ok: false; reason: string}

/**
 * Derives a slug from a display name: ASCII letters (lower-cased) and digits are kept; any other
 * run of characters becomes one hyphen, never leading; trailing hyphens are trimmed. There is no
 * truncation. Fails when the result is empty or does not match {@link SLUG_PATTERN}
 * (e.g. it starts with a digit or is longer than 64 characters).
 *
 * @example slugify('Café Helper') // {ok: true, slug: 'caf-helper'}
 */
export function slugify(name: string): SlugifyResult {
  let out = ''
  let prevHyphen = false
  for (const ch of name) {
    if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
      out += ch
      prevHyphen = false
    } else if (ch >= 'A' && ch <= 'Z') {
      out += ch.toLowerCase()
      prevHyphen = false
    } else if (!prevHyphen && out.length > 0) {
      out += '-'
      prevHyphen = true
    }
  }
  out = out.replace(/-+$/, '')
  if (out === '') return {ok: false, reason: 'slugified value is empty'}
  if (!SLUG_PATTERN.test(out)) return {ok: false, reason: `slugified value "${out}" does not match the required pattern`}
  return {ok: true, slug: out}
}
