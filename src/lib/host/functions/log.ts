// Plugin log entries (owncast_log_info / _warning / _error), sanitised exactly as production's
// sanitizePluginLogMessage (../conformance/plugin-logs.json): a byte cut first, then invalid
// UTF-8 deleted, then every control character turned into one space, then the suffix.

export const MAX_PLUGIN_LOG_MESSAGE_BYTES = 4096;
export const LOG_TRUNCATION_SUFFIX = ' [truncated]';
const SUFFIX_BYTES = 12;

const encoder = new TextEncoder();

export function sanitizePluginLogMessage(message: Uint8Array | string): string {
  let bytes = typeof message === 'string' ? encoder.encode(message) : message;
  const cut = bytes.byteLength > MAX_PLUGIN_LOG_MESSAGE_BYTES;
  if (cut) bytes = bytes.subarray(0, MAX_PLUGIN_LOG_MESSAGE_BYTES - SUFFIX_BYTES);
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const [cp, width] = decodeRune(bytes, i);
    i += width;
    if (cp < 0) continue; // invalid byte: dropped, no U+FFFD
    out += cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f) ? ' ' : String.fromCodePoint(cp);
  }
  return cut ? out + LOG_TRUNCATION_SUFFIX : out;
}

/** Go's utf8.DecodeRune: the code point and its width, or [-1, 1] for an invalid byte. */
function decodeRune(b: Uint8Array, i: number): [number, number] {
  const b0 = b[i]!;
  if (b0 < 0x80) return [b0, 1];
  const cont = (j: number, lo = 0x80, hi = 0xbf) => i + j < b.length && b[i + j]! >= lo && b[i + j]! <= hi;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    return cont(1) ? [((b0 & 0x1f) << 6) | (b[i + 1]! & 0x3f), 2] : [-1, 1];
  }
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const [lo, hi] = b0 === 0xe0 ? [0xa0, 0xbf] : b0 === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
    if (!cont(1, lo, hi) || !cont(2)) return [-1, 1];
    return [((b0 & 0x0f) << 12) | ((b[i + 1]! & 0x3f) << 6) | (b[i + 2]! & 0x3f), 3];
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const [lo, hi] = b0 === 0xf0 ? [0x90, 0xbf] : b0 === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    if (!cont(1, lo, hi) || !cont(2) || !cont(3)) return [-1, 1];
    return [((b0 & 0x07) << 18) | ((b[i + 1]! & 0x3f) << 12) | ((b[i + 2]! & 0x3f) << 6) | (b[i + 3]! & 0x3f), 4];
  }
  return [-1, 1];
}
