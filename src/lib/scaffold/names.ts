import path from 'node:path'
import {UserError} from '../errors.js'
import {SLUG_PATTERN_SOURCE, isValidSlug, slugify} from '../manifest/slug.js'

/**
 * The display name `new` writes for a slug, as the reference scaffolder does: split on hyphens,
 * drop empty parts, capitalize each part's first letter. `my-cool-bot` → `My Cool Bot`.
 */
export function humanizeSlug(slug: string): string {
  return slug
    .split('-')
    .filter((part) => part !== '')
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join(' ')
}

/**
 * A valid slug close to what the user typed, for the error message: the manifest's own
 * {@link slugify} (`My Bot` → `my-bot`), else the same on the text from its first letter and at
 * most 64 characters long (`2nd Bot` → `nd-bot`). Undefined when nothing usable is left.
 */
export function suggestSlug(input: string): string | undefined {
  const direct = slugify(input)
  if (direct.ok) return direct.slug
  const fromLetter = input.replace(/^[^A-Za-z]+/, '')
  const trimmed = slugify(fromLetter.slice(0, 64))
  return trimmed.ok ? trimmed.slug : undefined
}

export interface ProjectName {
  /** The plugin's slug: the last segment of what was typed. */
  slug: string
  /** The humanized slug, for `name` and `bot.displayName`. */
  displayName: string
  /** The project directory, absolute. */
  dir: string
}

/**
 * Reads `new`'s NAME argument: a slug, or a path whose last segment is the slug
 * (`plugins/my-bot`). An invalid slug is a usage error that suggests a valid one.
 */
export function parseProjectName(input: string, cwd: string, bin = 'owncast-plugin'): ProjectName {
  const trimmed = input.trim().replace(/[\\/]+$/, '')
  const base = path.basename(trimmed)
  if (trimmed === '' || base === '.' || base === '..') {
    throw new UserError('Name the plugin: the new directory\'s name is its slug', {
      code: 'INVALID_SLUG',
      nextSteps: [`${bin} new my-plugin`],
    })
  }
  if (!isValidSlug(base)) {
    const suggestion = suggestSlug(base)
    const prefix = trimmed.slice(0, trimmed.length - base.length)
    throw new UserError(
      `"${base}" is not a valid plugin slug: use lowercase letters, digits and hyphens, starting with a letter, at most 64 characters (${SLUG_PATTERN_SOURCE})`,
      {
        code: 'INVALID_SLUG',
        nextSteps: suggestion === undefined ? [`${bin} new my-plugin`] : [`${bin} new ${prefix}${suggestion}`],
      },
    )
  }
  return {slug: base, displayName: humanizeSlug(base), dir: path.resolve(cwd, trimmed)}
}
