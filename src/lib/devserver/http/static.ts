// Static files from a plugin's public/ (DESIGN §3.2; never assets/), served as production's
// tryStatic + http.ServeContent do: GET and HEAD only, a directory serves its index.html
// (after a 301 to the trailing-slash URL), content type by extension or sniffing, byte
// ranges, and conditional requests. We add a strong ETag (a content hash) so If-None-Match
// works: FileSource has no modification times, so Last-Modified alone could not see an edit.

import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { FileSource } from '../../host/types.js';
import { isCleanRelativePath } from '../../package/paths.js';
import { sniffContentType, typeByExtension } from './mime.js';
import { cleanPath } from './paths.js';
import { sendBody, sendError } from './respond.js';
import { injectAdminStyles, isHtmlName } from './response.js';

export interface StaticRequest {
  files: FileSource;
  /** The cleaned path relative to the plugin ("/", "/css/app.css", "/docs/"). */
  rest: string;
  /** The whole cleaned URL path, for the directory redirect. */
  urlPath: string;
  /** An admin page: HTML gets the admin stylesheet. */
  adminPage: boolean;
  /** Unix ms; the files' Last-Modified. */
  modifiedAt: number;
}

/** What a static lookup found: a file to serve, a directory redirect, or nothing (fall through). */
type Lookup = { kind: 'file'; name: string; data: Uint8Array } | { kind: 'redirect' } | { kind: 'miss' };

function lookup(files: FileSource, rest: string, directoryUrl: boolean): Lookup {
  const cleaned = cleanPath(`/${rest}`).slice(1);
  if (cleaned !== '' && !isCleanRelativePath(cleaned)) return { kind: 'miss' };
  const file = cleaned === '' ? null : files.read(cleaned);
  if (file) return { kind: 'file', name: cleaned, data: file };
  // a FileSource holds only files: <dir>/index.html existing is what makes <dir> a directory
  const index = cleaned === '' ? 'index.html' : `${cleaned}/index.html`;
  const data = files.read(index);
  if (!data) return { kind: 'miss' };
  return directoryUrl ? { kind: 'file', name: index, data } : { kind: 'redirect' };
}

/** Serves the request from public/ when it names a file there; false when it does not (fall through). */
export function serveStatic(req: IncomingMessage, res: ServerResponse, r: StaticRequest): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  // production looks at the URL path: /plugins/x (rest "/") is redirected to /plugins/x/ too
  const found = lookup(r.files, r.rest, r.urlPath.endsWith('/'));
  if (found.kind === 'miss') return false;
  if (found.kind === 'redirect') {
    redirect(res, `${r.urlPath}/`, req.method === 'HEAD');
    return true;
  }
  let data = found.data;
  if (r.adminPage && isHtmlName(found.name)) data = injectAdminStyles(data);
  serveContent(req, res, found.name, data, r.modifiedAt);
  return true;
}

/** Go's http.Redirect with 301: Location plus a tiny HTML body for GET. */
function redirect(res: ServerResponse, location: string, head: boolean): void {
  const href = encodeUrlPath(location);
  const body = `<a href="${href.replaceAll('"', '&#34;')}">Moved Permanently</a>.\n\n`;
  sendBody(res, 301, { Location: href, 'Content-Type': 'text/html; charset=utf-8' }, body, head);
}

/** A decoded path as it goes into a URL: each segment percent-encoded (so `?` and `#` stay path). */
export function encodeUrlPath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

// ---- http.ServeContent -----------------------------------------------------------------

const etagOf = (data: Uint8Array) => `"${createHash('sha256').update(data).digest('base64url').slice(0, 27)}"`;
const httpDate = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toUTCString();

/** Answers a GET or HEAD for `data` with ranges and conditional requests. */
export function serveContent(req: IncomingMessage, res: ServerResponse, name: string, data: Uint8Array, modifiedAt: number): void {
  const head = req.method === 'HEAD';
  const etag = etagOf(data);
  const modifiedSecond = Math.floor(modifiedAt / 1000) * 1000;
  const base: Record<string, string> = { ETag: etag, 'Last-Modified': httpDate(modifiedAt) };

  const verdict = preconditions(req, etag, modifiedSecond);
  if (verdict === 'not-modified') {
    // Go's writeNotModified: no body headers; with an ETag, no Last-Modified either
    res.writeHead(304, { ETag: etag });
    res.end();
    return;
  }
  if (verdict === 'failed') {
    sendError(res, 412, 'Precondition Failed');
    return;
  }

  const type = typeByExtension(name) ?? sniffContentType(data);
  const size = data.byteLength;
  const rangeHeader = verdict === 'ignore-range' ? '' : (req.headers.range ?? '');
  const ranges = parseRange(rangeHeader, size);
  if (ranges === 'invalid' || ranges === 'no-overlap') {
    sendError(res, 416, ranges === 'no-overlap' ? 'invalid range: failed to overlap' : 'invalid range', {
      ...(ranges === 'no-overlap' ? { 'Content-Range': `bytes */${size}` } : {}),
    });
    return;
  }
  const headers: Record<string, string> = { ...base, 'Accept-Ranges': 'bytes' };
  // ranges that add up to more than the file are ignored (Go: a client asking for that is odd)
  const useRanges = ranges.length > 0 && ranges.reduce((n, x) => n + x.length, 0) <= size;
  if (!useRanges) {
    sendBody(res, 200, { ...headers, 'Content-Type': type }, data, head);
    return;
  }
  if (ranges.length === 1) {
    const { start, length } = ranges[0]!;
    sendBody(res, 206, { ...headers, 'Content-Type': type, 'Content-Range': `bytes ${start}-${start + length - 1}/${size}` }, data.subarray(start, start + length), head);
    return;
  }
  const boundary = randomBytes(30).toString('hex');
  const parts: Buffer[] = ranges.map((r, i) =>
    Buffer.concat([
      Buffer.from(`${i === 0 ? '' : '\r\n'}--${boundary}\r\nContent-Range: bytes ${r.start}-${r.start + r.length - 1}/${size}\r\nContent-Type: ${type}\r\n\r\n`),
      data.subarray(r.start, r.start + r.length),
    ]),
  );
  parts.push(Buffer.from(`\r\n--${boundary}--\r\n`));
  sendBody(res, 206, { ...headers, 'Content-Type': `multipart/byteranges; boundary=${boundary}` }, Buffer.concat(parts), head);
}

type Verdict = 'serve' | 'ignore-range' | 'not-modified' | 'failed';

/** Go's checkPreconditions: If-Match, If-Unmodified-Since, If-None-Match, If-Modified-Since, If-Range. */
function preconditions(req: IncomingMessage, etag: string, modifiedSecond: number): Verdict {
  const h = req.headers;
  const getOrHead = req.method === 'GET' || req.method === 'HEAD';
  if (h['if-match'] !== undefined) {
    if (!etagListMatches(h['if-match'], etag, 'strong')) return 'failed';
  } else if (h['if-unmodified-since'] !== undefined) {
    const t = Date.parse(h['if-unmodified-since']);
    if (!Number.isNaN(t) && modifiedSecond > t) return 'failed';
  }
  if (h['if-none-match'] !== undefined) {
    if (etagListMatches(h['if-none-match'], etag, 'weak')) return getOrHead ? 'not-modified' : 'failed';
  } else if (getOrHead && h['if-modified-since'] !== undefined) {
    const t = Date.parse(h['if-modified-since']);
    if (!Number.isNaN(t) && modifiedSecond <= t) return 'not-modified';
  }
  const ifRange = typeof h['if-range'] === 'string' ? h['if-range'] : undefined;
  if (h.range !== undefined && ifRange !== undefined) {
    const matches = ifRange.startsWith('"') || ifRange.startsWith('W/') ? strongMatch(ifRange.trim(), etag) : Date.parse(ifRange) === modifiedSecond;
    if (!matches) return 'ignore-range';
  }
  return 'serve';
}

const strongMatch = (a: string, b: string) => !a.startsWith('W/') && !b.startsWith('W/') && a === b;
const weakMatch = (a: string, b: string) => a.replace(/^W\//, '') === b.replace(/^W\//, '');

function etagListMatches(list: string, etag: string, mode: 'strong' | 'weak'): boolean {
  return list.split(',').some((item) => {
    const t = item.trim();
    if (t === '*') return true;
    return mode === 'strong' ? strongMatch(t, etag) : weakMatch(t, etag);
  });
}

interface ByteRange {
  start: number;
  length: number;
}

/** Go's parseRange: the ranges asked for, clipped to the file; [] when there is no Range header. */
export function parseRange(header: string, size: number): ByteRange[] | 'invalid' | 'no-overlap' {
  if (header === '') return [];
  if (!header.startsWith('bytes=')) return 'invalid';
  const out: ByteRange[] = [];
  let noOverlap = false;
  const int = (s: string) => (/^\d+$/.test(s) ? Number(s) : NaN);
  for (const raw of header.slice('bytes='.length).split(',')) {
    const spec = raw.trim();
    if (spec === '') continue;
    const dash = spec.indexOf('-');
    if (dash < 0) return 'invalid';
    const startText = spec.slice(0, dash).trim();
    const endText = spec.slice(dash + 1).trim();
    if (startText === '') {
      // a suffix: the last N bytes
      const n = int(endText);
      if (Number.isNaN(n)) return 'invalid';
      const length = Math.min(n, size);
      out.push({ start: size - length, length });
      continue;
    }
    const start = int(startText);
    if (Number.isNaN(start)) return 'invalid';
    if (start >= size) {
      noOverlap = true;
      continue;
    }
    if (endText === '') {
      out.push({ start, length: size - start });
      continue;
    }
    let end = int(endText);
    if (Number.isNaN(end) || start > end) return 'invalid';
    if (end >= size) end = size - 1;
    out.push({ start, length: end - start + 1 });
  }
  if (noOverlap && out.length === 0) return 'no-overlap';
  return out;
}
