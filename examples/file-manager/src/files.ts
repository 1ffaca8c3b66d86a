// File names and base64, apart from the host API so they can be unit-tested.

/** Where uploads live inside the plugin's private file storage. */
export const DIR = 'uploads'

/** The largest file accepted, after base64 decoding. */
export const MAX_BYTES = 512 * 1024

/**
 * Why a file name is refused, or null when it is fine: 1 to 100 characters of letters, digits,
 * space, ".", "_" and "-", not starting with "." (so no "..", no hidden files) and never a path.
 */
export function badName(name: unknown): string | null {
  if (typeof name !== 'string' || name.length === 0) return 'a file name is required'
  if (name.length > 100) return 'file names are at most 100 characters'
  if (name.includes('/') || name.includes('\\')) return 'file names cannot contain / or \\'
  if (name.startsWith('.')) return 'file names cannot start with "."'
  if (!/^[A-Za-z0-9._ -]+$/.test(name)) return 'file names may only use letters, digits, spaces, ".", "_" and "-"'
  if (name.trim() !== name) return 'file names cannot start or end with a space'
  return null
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const VALUE = new Map([...ALPHABET].map((ch, i) => [ch, i]))

/** Strict base64 (padding required, no whitespace) to bytes; null when it is not base64. */
export function decodeBase64(text: string): Uint8Array | null {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0
  const out = new Uint8Array((text.length / 4) * 3 - pad)
  let o = 0
  for (let i = 0; i < text.length; i += 4) {
    const n = [0, 1, 2, 3].map((k) => VALUE.get(text[i + k]!) ?? 0)
    const bits = (n[0]! << 18) | (n[1]! << 12) | (n[2]! << 6) | n[3]!
    for (const shift of [16, 8, 0]) if (o < out.length) out[o++] = (bits >> shift) & 0xff
  }
  return out
}

const TYPES: Record<string, string> = {
  txt: 'text/plain; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  json: 'application/json',
  csv: 'text/csv; charset=utf-8',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  pdf: 'application/pdf',
}

export function contentType(name: string): string {
  const ext = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1).toLowerCase() : ''
  return TYPES[ext] ?? 'application/octet-stream'
}
