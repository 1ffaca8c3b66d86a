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
const VALUE = new Int16Array(128).fill(-1)
for (let i = 0; i < ALPHABET.length; i++) VALUE[ALPHABET.charCodeAt(i)] = i

/** The size base64 text decodes to (without decoding it), or -1 when its length cannot be base64. */
export function decodedSize(text: string): number {
  if (text.length % 4 !== 0) return -1
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0
  return (text.length / 4) * 3 - pad
}

/** Strict base64 (padding required, no whitespace) to bytes; null when it is not base64. */
export function decodeBase64(text: string): Uint8Array | null {
  const size = decodedSize(text)
  if (size < 0) return null
  const out = new Uint8Array(size)
  let o = 0
  for (let i = 0; i < text.length; i += 4) {
    let bits = 0
    for (let k = 0; k < 4; k++) {
      const code = text.charCodeAt(i + k)
      const last = i + 4 === text.length
      if (code === 61 /* = */ && last && (k === 3 || (k === 2 && text.charCodeAt(i + 3) === 61))) {
        bits <<= 6
        continue
      }
      const v = code < 128 ? VALUE[code]! : -1
      if (v < 0) return null
      bits = (bits << 6) | v
    }
    if (o < size) out[o++] = (bits >> 16) & 0xff
    if (o < size) out[o++] = (bits >> 8) & 0xff
    if (o < size) out[o++] = bits & 0xff
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
