// Performs one outbound request for a plugin, in the HTTP worker, with undici. Redirects
// are followed here rather than by undici so that every hop is checked against the
// plugin's allowedHosts before it is contacted; methods, bodies and credentials change
// across hops as Go's http.Client changes them (production's HTTP goes through Go).

import { Agent, request, type Dispatcher } from 'undici';

import type { HttpResult, HttpWorkerRequest } from './protocol.js';
import { deadlineError, refuseUrl, tooLargeError } from './policy.js';

const agent = new Agent({ keepAliveTimeout: 4000, connections: 16 });

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
// Credentials go no further than the domain they were meant for (Go's shouldCopyHeaderOnRedirect).
const SENSITIVE = new Set(['authorization', 'www-authenticate', 'cookie', 'cookie2']);

function sameDomainOrSub(from: URL, to: URL): boolean {
  const a = from.hostname.toLowerCase();
  const b = to.hostname.toLowerCase();
  return a === b || b.endsWith(`.${a}`);
}

function flatten(headers: Dispatcher.ResponseData['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/** Stops reading a body; undici then aborts the request, which must not surface as an uncaught error. */
function discard(res: Dispatcher.ResponseData): void {
  res.body.on('error', () => undefined);
  res.body.destroy();
}

/** Reads a response body into one exactly-sized buffer (safe to transfer), failing past `limit`. */
async function readCapped(res: Dispatcher.ResponseData, limit: number): Promise<Uint8Array | null> {
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    discard(res);
    return null;
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    total += chunk.length;
    if (total > limit) {
      discard(res);
      return null;
    }
    chunks.push(chunk);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export async function performRequest(req: HttpWorkerRequest): Promise<HttpResult> {
  const remaining = Math.ceil(req.deadline - Date.now());
  if (remaining <= 0) return { error: deadlineError() };
  const signal = AbortSignal.timeout(remaining);
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    return { error: `invalid URL ${JSON.stringify(req.url)}` };
  }
  let method = req.method;
  let body = req.body;
  const headers = { ...req.headers };
  try {
    for (let hop = 1; ; hop++) {
      const refused = refuseUrl(url, req.allowedHosts);
      if (refused) return { error: refused };
      const sendBody = body && body.length > 0 && method !== 'GET' && method !== 'HEAD' ? body : undefined;
      const res = await request(url, { method: method as Dispatcher.HttpMethod, headers, body: sendBody, signal, dispatcher: agent });
      const location = res.headers.location;
      if (REDIRECTS.has(res.statusCode) && typeof location === 'string') {
        discard(res);
        if (hop >= req.maxHops) return { error: `stopped after ${req.maxHops} redirects` };
        const next = new URL(location, url);
        if (res.statusCode <= 303) {
          // 301, 302, 303: the next request is a GET without a body (HEAD stays HEAD).
          if (method !== 'GET' && method !== 'HEAD') method = 'GET';
          body = null;
          delete headers['content-length'];
        }
        if (!sameDomainOrSub(url, next)) {
          for (const name of Object.keys(headers)) if (SENSITIVE.has(name.toLowerCase())) delete headers[name];
        }
        url = next;
        continue;
      }
      const bytes = await readCapped(res, req.maxResponseBytes);
      if (!bytes) return { error: tooLargeError(req.maxResponseBytes) };
      return { status: res.statusCode, headers: flatten(res.headers), body: bytes };
    }
  } catch (err) {
    if (signal.aborted) return { error: deadlineError() };
    const e = err as Error & { cause?: Error };
    return { error: e.cause?.message ? `${e.message}: ${e.cause.message}` : e.message };
  }
}
