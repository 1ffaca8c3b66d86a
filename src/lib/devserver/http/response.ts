// A plugin's on_http_request answer, checked and filtered as production's serveDynamic and
// writePluginHTTPResponse do (reference-plugin-sdk §G.1, §G.3, production §5): caps, the
// {status, headers, body | bodyBase64} shape, the response header allowlist, no
// owncast_session cookie from a plugin, and the admin stylesheet in admin HTML.

import { validateHeaderName, validateHeaderValue } from 'node:http';

import type { SessionChange } from './backend.js';

export const MAX_HTTP_REQUEST_BODY_BYTES = 1 << 20;
export const MAX_HTTP_RESPONSE_BODY_BYTES = 10 << 20;
export const MAX_HTTP_HANDLER_OUTPUT_BYTES = 12 << 20;
export const HTTP_HANDLER_TIMEOUT_MS = 5_000;

/** The host's session cookie; plugins reach it only through owncast.auth. */
export const SESSION_COOKIE = 'owncast_session';

export const INVALID_RESPONSE = 'plugin returned invalid response';
export const RESPONSE_TOO_LARGE = 'plugin response too large';

const ALLOWED_HEADERS = new Set([
  'content-type',
  'content-encoding',
  'content-language',
  'cache-control',
  'last-modified',
  'etag',
  'location',
  'vary',
  'link',
  'set-cookie',
]);

/** production isAllowedResponseHeader: the list above plus access-control-*. */
export function isAllowedResponseHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return ALLOWED_HEADERS.has(lower) || lower.startsWith('access-control-');
}

/** A Set-Cookie value that would set (or clear) the host's session cookie, anywhere in it. */
export function setsSessionCookie(value: string): boolean {
  return new RegExp(`(^|[;,])\\s*${SESSION_COOKIE}\\s*=`, 'i').test(value);
}

export type PluginResponse =
  | { ok: true; status: number; headers: [string, string][]; body: Uint8Array }
  | { ok: false; message: typeof INVALID_RESPONSE | typeof RESPONSE_TOO_LARGE };

const isRecord = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Reads the handler's output into what goes on the wire: the status (0 → 200), the allowed
 * headers (a plugin's owncast_session cookie dropped, header line breaks turned into spaces
 * as Go does) and the body bytes, with the admin stylesheet injected into admin HTML.
 */
export function readPluginResponse(output: string, adminPage: boolean): PluginResponse {
  if (Buffer.byteLength(output) > MAX_HTTP_HANDLER_OUTPUT_BYTES) return { ok: false, message: RESPONSE_TOO_LARGE };
  let raw: unknown;
  try {
    raw = JSON.parse(output);
  } catch {
    return { ok: false, message: INVALID_RESPONSE };
  }
  if (!isRecord(raw)) return { ok: false, message: INVALID_RESPONSE };
  const { status = 0, headers = {}, body = '', bodyBase64 = '' } = raw as Record<string, unknown>;
  // Go unmarshals into {Status int; Headers map[string]string; Body, BodyBase64 string}; null is the zero value
  const statusNumber = status === null ? 0 : status;
  if (typeof statusNumber !== 'number' || !Number.isInteger(statusNumber)) return { ok: false, message: INVALID_RESPONSE };
  const code = statusNumber === 0 ? 200 : statusNumber;
  // Go panics outside 100–999 and sends a 1xx as an interim answer before an implicit 200;
  // neither is a response a plugin means, so both are invalid here
  if (code < 200 || code > 999) return { ok: false, message: INVALID_RESPONSE };
  const headerMap = headers === null ? {} : headers;
  if (!isRecord(headerMap) || Object.values(headerMap).some((v) => typeof v !== 'string')) return { ok: false, message: INVALID_RESPONSE };
  const text = body === null ? '' : body;
  const base64 = bodyBase64 === null ? '' : bodyBase64;
  if (typeof text !== 'string' || typeof base64 !== 'string') return { ok: false, message: INVALID_RESPONSE };
  if (text !== '' && base64 !== '') return { ok: false, message: INVALID_RESPONSE };
  if (base64 !== '' && !STRICT_BASE64.test(base64)) return { ok: false, message: INVALID_RESPONSE };
  let bytes: Uint8Array = base64 !== '' ? Buffer.from(base64, 'base64') : Buffer.from(text);
  if (bytes.byteLength > MAX_HTTP_RESPONSE_BODY_BYTES) return { ok: false, message: RESPONSE_TOO_LARGE };

  const out: [string, string][] = [];
  let contentType = '';
  for (const [name, value] of Object.entries(headerMap as Record<string, string>)) {
    if (!isAllowedResponseHeader(name)) continue;
    const clean = value.replace(/[\r\n]/g, ' ');
    if (name.toLowerCase() === 'set-cookie' && setsSessionCookie(clean)) continue;
    try {
      validateHeaderName(name);
      validateHeaderValue(name, clean);
    } catch {
      continue; // Node would refuse to write it; drop it as a disallowed header
    }
    if (name.toLowerCase() === 'content-type') contentType = clean;
    out.push([name, clean]);
  }
  if (adminPage && contentType.trim().toLowerCase().startsWith('text/html')) bytes = injectAdminStyles(bytes);
  return { ok: true, status: code, headers: out, body: bytes };
}

// ---- the admin stylesheet ---------------------------------------------------------------

/** production's marker: the snippet is injected once, even if the plugin's HTML already has it. */
const ADMIN_STYLE_MARKER = 'data-owncast-admin-style="1"';
export const ADMIN_STYLE_SNIPPET = `<link rel="stylesheet" href="/styles/plugin.css" ${ADMIN_STYLE_MARKER}>`;

/** production injectAdminStyles: before </head>, else at the top; unchanged when already there. */
export function injectAdminStyles(html: Uint8Array): Uint8Array {
  const buf = Buffer.from(html.buffer, html.byteOffset, html.byteLength);
  if (buf.includes(ADMIN_STYLE_MARKER)) return html;
  const at = buf.toString('latin1').toLowerCase().indexOf('</head>');
  const snippet = Buffer.from(ADMIN_STYLE_SNIPPET);
  if (at < 0) return Buffer.concat([snippet, buf]);
  return Buffer.concat([buf.subarray(0, at), snippet, buf.subarray(at)]);
}

export function isHtmlName(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.endsWith('.html') || lower.endsWith('.htm');
}

// ---- session cookies ----------------------------------------------------------------------

/**
 * The Set-Cookie line for a session change (production authsession.go): Path /, HttpOnly,
 * SameSite=Lax, Secure over TLS; a grant lives ttl seconds, an end clears it (Go writes
 * MaxAge -1 as Max-Age=0).
 */
export function sessionCookie(change: SessionChange, secure: boolean): string {
  const value = change.action === 'grant' ? change.token : '';
  const maxAge = change.action === 'grant' ? change.ttlSeconds : 0;
  return `${SESSION_COOKIE}=${value}; Path=/; Max-Age=${maxAge}; HttpOnly${secure ? '; Secure' : ''}; SameSite=Lax`;
}
