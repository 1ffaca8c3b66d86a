// The settings and their validation, apart from the host API so they can be unit-tested.

export interface Settings {
  /** Shown on the public page. */
  greeting: string
  /** The public page's accent colour, "#rrggbb". */
  accent: string
}

export const DEFAULTS: Settings = {greeting: 'Welcome to the stream!', accent: '#7c3aed'}

export const MAX_GREETING = 200

/** The settings after applying a (partial) update from the admin page, or the first problem with it. */
export function applyUpdate(current: Settings, body: string): {ok: true; settings: Settings} | {ok: false; error: string} {
  let update: unknown
  try {
    update = JSON.parse(body)
  } catch {
    return {ok: false, error: 'the body must be JSON'}
  }
  if (update === null || typeof update !== 'object' || Array.isArray(update)) return {ok: false, error: 'the body must be a JSON object'}
  const next = {...current}
  for (const [key, value] of Object.entries(update)) {
    if (key === 'greeting') {
      if (typeof value !== 'string' || value.trim() === '') return {ok: false, error: 'greeting must be a non-empty string'}
      if (value.length > MAX_GREETING) return {ok: false, error: `greeting must be at most ${MAX_GREETING} characters`}
      next.greeting = value.trim()
    } else if (key === 'accent') {
      if (typeof value !== 'string' || !/^#[0-9a-fA-F]{6}$/.test(value)) return {ok: false, error: 'accent must be a colour like #7c3aed'}
      next.accent = value.toLowerCase()
    } else {
      return {ok: false, error: `unknown setting "${key}"`}
    }
  }
  return {ok: true, settings: next}
}
