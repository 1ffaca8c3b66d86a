// The request as a plugin sees it (production buildRequestEnvelope, reference-plugin-sdk §G.2):
// the first value of every header under Go's canonical name, without Cookie (nor Host and
// Transfer-Encoding, which Go keeps outside r.Header); the first value of every query
// parameter, without accessToken; the body as a string; Go's "ip:port" remote address; and
// the user only when the host resolved one. Credentials never reach the plugin.

import type { IncomingMessage } from 'node:http';

import type { HttpRequestEnvelope } from './backend.js';
import type { RequestAuth } from './request-auth.js';

/** Go's textproto.CanonicalMIMEHeaderKey: "content-type" → "Content-Type"; odd names unchanged. */
export function canonicalHeaderKey(name: string): string {
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) return name;
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_, dash: string, ch: string) => dash + ch.toUpperCase());
}

const NOT_IN_GO_HEADER = new Set(['Host', 'Transfer-Encoding']);
const REDACTED_HEADERS = new Set(['Cookie']);
const REDACTED_QUERY = new Set(['accessToken']);

/** First value of each header, from the raw header list (req.headers has already merged duplicates). */
export function firstHeaderValues(rawHeaders: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = canonicalHeaderKey(rawHeaders[i]!);
    if (NOT_IN_GO_HEADER.has(name) || REDACTED_HEADERS.has(name) || Object.hasOwn(out, name)) continue;
    out[name] = rawHeaders[i + 1]!;
  }
  return out;
}

/** Go's url.ParseQuery, first value of each key: pairs with bad escapes or a ";" are skipped. */
export function firstQueryValues(query: string): Record<string, string> {
  const out: Record<string, string> = {};
  const unescape = (s: string): string | null => {
    try {
      return decodeURIComponent(s.replaceAll('+', ' '));
    } catch {
      return null;
    }
  };
  for (const pair of query.split('&')) {
    if (pair === '' || pair.includes(';')) continue;
    const eq = pair.indexOf('=');
    const key = unescape(eq < 0 ? pair : pair.slice(0, eq));
    const value = unescape(eq < 0 ? '' : pair.slice(eq + 1));
    if (key === null || value === null || REDACTED_QUERY.has(key) || Object.hasOwn(out, key)) continue;
    out[key] = value;
  }
  return out;
}

/** Go's r.RemoteAddr. */
export function remoteAddrOf(req: IncomingMessage): string {
  const addr = req.socket.remoteAddress ?? '';
  const port = req.socket.remotePort ?? 0;
  const ip = addr.startsWith('::ffff:') && addr.includes('.') ? addr.slice('::ffff:'.length) : addr;
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

export function buildRequestEnvelope(
  req: IncomingMessage,
  parts: { path: string; query: string; body: Uint8Array; authenticated: boolean; auth: RequestAuth },
): HttpRequestEnvelope {
  return {
    method: req.method ?? 'GET',
    path: parts.path,
    query: firstQueryValues(parts.query),
    headers: firstHeaderValues(req.rawHeaders),
    body: Buffer.from(parts.body.buffer, parts.body.byteOffset, parts.body.byteLength).toString('utf8'),
    remoteAddr: remoteAddrOf(req),
    authenticated: parts.authenticated,
    ...(parts.auth.user ? { user: parts.auth.user } : {}),
  };
}
