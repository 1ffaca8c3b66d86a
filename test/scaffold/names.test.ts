import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {UserError} from '../../src/lib/errors.js'
import {isValidSlug} from '../../src/lib/manifest/slug.js'
import {humanizeSlug, parseProjectName, suggestSlug} from '../../src/lib/scaffold/names.js'

const refusal = (input: string) => {
  try {
    parseProjectName(input, '/work')
  } catch (error) {
    if (error instanceof UserError) return error
    throw error
  }
  throw new Error(`"${input}" was accepted`)
}

describe('the name of a new plugin', () => {
  it('is its slug, with the humanized display name', () => {
    expect(parseProjectName('my-cool-bot', '/work')).toEqual({slug: 'my-cool-bot', displayName: 'My Cool Bot', dir: path.resolve('/work/my-cool-bot')})
    expect(parseProjectName('a', '/work').displayName).toBe('A')
    expect(parseProjectName('x--y-', '/work').displayName).toBe('X Y')
    expect(humanizeSlug('obs2-overlay')).toBe('Obs2 Overlay')
  })

  it('may be a path whose last segment is the slug', () => {
    expect(parseProjectName('plugins/go-live/', '/work')).toMatchObject({slug: 'go-live', dir: path.resolve('/work/plugins/go-live')})
    expect(parseProjectName('/tmp/abs-bot', '/work')).toMatchObject({slug: 'abs-bot', dir: path.resolve('/tmp/abs-bot')})
  })

  it('accepts exactly the host slug pattern', () => {
    expect(parseProjectName(`a${'b'.repeat(63)}`, '/work').slug).toHaveLength(64)
    for (const bad of ['My Bot', 'my_bot', '1bot', '-bot', `a${'b'.repeat(64)}`, 'bot!', 'Bot']) {
      expect(refusal(bad).code, bad).toBe('INVALID_SLUG')
    }
  })

  it('suggests a valid slug built with the manifest slugify, keeping the path', () => {
    expect(refusal('My Cool Bot').nextSteps).toEqual(['owncast-plugin new my-cool-bot'])
    expect(refusal('plugins/Go_Live').nextSteps).toEqual(['owncast-plugin new plugins/go-live'])
    expect(refusal('2nd Bot').nextSteps).toEqual(['owncast-plugin new nd-bot'])
    expect(refusal('!!!').nextSteps).toEqual(['owncast-plugin new my-plugin'])
    expect(refusal('My Bot').exitCode).toBe(2)
    expect(refusal('My Bot').message).toMatch(/"My Bot" is not a valid plugin slug.*\^\[a-z\]\[a-z0-9-\]\{0,63\}\$/)
  })

  it('suggestions are always valid slugs', () => {
    for (const input of ['Café Helper', '42', '  spaced  out ', 'x'.repeat(100), 'ÜBER-bot', '--a--', 'Ünïcödé', 'a'.repeat(64) + 'Z']) {
      const s = suggestSlug(input)
      if (s !== undefined) expect(isValidSlug(s), `${input} → ${s}`).toBe(true)
    }
    expect(suggestSlug('Café Helper')).toBe('caf-helper')
    expect(suggestSlug('x'.repeat(100))).toBe('x'.repeat(64))
    expect(suggestSlug('42')).toBeUndefined()
  })

  it('refuses an empty name and "."', () => {
    expect(refusal('').code).toBe('INVALID_SLUG')
    expect(refusal('.').code).toBe('INVALID_SLUG')
    expect(refusal('..').code).toBe('INVALID_SLUG')
  })
})
