// /plugins/<slug>/... in production's order (server.go ServeHTTP → serveAuthorized, reference
// §5): the plugin (loaded and not disabled, else 404), the admin gate before anything else,
// the reserved /_sse endpoints (http.sse), then http.serve: a static file from public/ for
// GET and HEAD, else on_http_request with the request envelope, its answer checked and
// filtered on the way out.

import type { IncomingMessage, ServerResponse } from 'node:http';

import { isPluginError, isUserError } from '../../errors.js';
import type { HttpCallResult, HttpPluginView, PluginHttpBackend } from './backend.js';
import { buildRequestEnvelope } from './envelope.js';
import { isAdminPath } from './paths.js';
import type { AuthResolver } from './request-auth.js';
import { sendError, sendNotFound } from './respond.js';
import { MAX_HTTP_REQUEST_BODY_BYTES, readPluginResponse, sessionCookie } from './response.js';
import { serveSse, type SseHub } from './sse.js';
import { serveStatic } from './static.js';

export interface PluginRouteContext {
  backend: PluginHttpBackend;
  hub: SseHub;
  auth: AuthResolver;
  /** on_http_request's deadline (production HTTPHandlerTimeout, 5 s). */
  handlerTimeoutMs: number;
  warn(message: string): void;
}

export interface PluginTarget {
  slug: string;
  /** Cleaned path relative to the plugin, trailing slash kept. */
  rest: string;
  /** The whole cleaned URL path. */
  urlPath: string;
  /** Raw query string. */
  query: string;
}

const hasPermission = (p: HttpPluginView, perm: string) => p.permissions.includes(perm);

export async function servePluginRequest(req: IncomingMessage, res: ServerResponse, target: PluginTarget, ctx: PluginRouteContext): Promise<void> {
  const plugin = await ctx.backend.plugin(target.slug);
  if (!plugin) return sendNotFound(res);
  const { rest } = target;
  const auth = ctx.auth(req);

  // The admin gate comes first: no permission, file or handler answers before it. A directory
  // URL is answered with its index.html from public/: when that file is an admin page, so is the URL.
  const pages = plugin.manifest.admin.pages;
  const index = rest.endsWith('/') ? `${rest}index.html` : null;
  const adminPage = isAdminPath(pages, rest) || (index !== null && isAdminPath(pages, index) && plugin.publicFiles?.read(index.slice(1)) != null);
  if (adminPage && !auth.admin) {
    return sendError(res, 401, 'authentication required', { 'WWW-Authenticate': 'Basic realm="Owncast plugin admin"' });
  }
  // production hands the handler `true` once the admin middleware let the request through
  const authenticated = adminPage ? true : auth.authenticated;

  if (rest === '/_sse' || rest.startsWith('/_sse/')) {
    if (!hasPermission(plugin, 'http.sse')) return sendNotFound(res);
    const channel = rest.slice('/_sse'.length).replace(/^\//, '');
    return serveSse(res, { hub: ctx.hub, backend: ctx.backend, slug: plugin.slug, channel, user: auth.user, warn: ctx.warn });
  }
  if (!hasPermission(plugin, 'http.serve')) return sendNotFound(res);

  if (plugin.publicFiles && serveStatic(req, res, { files: plugin.publicFiles, rest, urlPath: target.urlPath, adminPage, modifiedAt: plugin.loadedAt })) {
    return;
  }

  const body = await readBody(req, MAX_HTTP_REQUEST_BODY_BYTES);
  if (body === 'too-large') return sendError(res, 413, 'request body too large', { Connection: 'close' });
  if (body === 'error') return sendError(res, 400, 'request body read error');

  // the handler matches canonical paths: "/foo/" reaches it as "/foo"
  const path = rest.length > 1 && rest.endsWith('/') ? rest.replace(/\/+$/, '') || '/' : rest;
  const envelope = buildRequestEnvelope(req, { path, query: target.query, body, authenticated, auth });
  const answer = await callHandler(ctx, plugin.slug, () => ctx.backend.httpRequest(plugin.slug, envelope));
  if (answer.kind === 'not-found') return sendNotFound(res);
  if (answer.kind === 'timeout') return sendError(res, 504, 'plugin timed out');
  if (answer.kind === 'failed') return sendError(res, 500, 'plugin error');

  const response = readPluginResponse(answer.result.output, adminPage);
  if (!response.ok) {
    ctx.warn(`plugin ${plugin.slug}: on_http_request: ${response.message}`);
    return sendError(res, 500, response.message);
  }
  const secure = isSecure(req);
  const cookies = answer.result.session.map((change) => sessionCookie(change, secure));
  for (const [name, value] of response.headers) {
    if (name.toLowerCase() === 'set-cookie') cookies.unshift(value);
    else res.setHeader(name, value);
  }
  if (cookies.length > 0) res.setHeader('Set-Cookie', cookies);
  const bodyless = response.status === 204 || response.status === 304;
  if (!bodyless) res.setHeader('Content-Length', String(response.body.byteLength));
  res.writeHead(response.status);
  res.end(bodyless || req.method === 'HEAD' ? undefined : response.body);
}

type HandlerAnswer = { kind: 'ok'; result: HttpCallResult } | { kind: 'timeout' } | { kind: 'not-found' } | { kind: 'failed' };

/** Runs the call under the handler deadline; how it ended decides the status. */
async function callHandler(ctx: PluginRouteContext, slug: string, call: () => Promise<HttpCallResult>): Promise<HandlerAnswer> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<HandlerAnswer>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timeout' }), ctx.handlerTimeoutMs);
  });
  const settled = call().then(
    (result): HandlerAnswer => ({ kind: 'ok', result }),
    (err: unknown): HandlerAnswer => {
      if (isPluginError(err) && err.failure === 'deadline') return { kind: 'timeout' };
      if (isPluginError(err) && err.failure === 'missing-export') return { kind: 'not-found' };
      if (isUserError(err) && err.code === 'PLUGIN_NOT_LIVE') return { kind: 'not-found' };
      ctx.warn(`plugin ${slug}: on_http_request failed: ${err instanceof Error ? err.message : String(err)}`);
      return { kind: 'failed' };
    },
  );
  const answer = await Promise.race([settled, deadline]);
  clearTimeout(timer);
  if (answer.kind === 'timeout') ctx.warn(`plugin ${slug}: on_http_request timed out after ${ctx.handlerTimeoutMs / 1000}s`);
  return answer;
}

/** The body, or why not: over `limit` bytes (the reader stops at limit + 1), or a read error. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large' | 'error'> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume(); // let the client finish sending, so it reads our answer
    return Promise.resolve('too-large');
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (value: Buffer | 'too-large' | 'error') => {
      if (done) return;
      done = true;
      resolve(value);
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.byteLength;
      if (size > limit) return finish('too-large');
      chunks.push(chunk);
    });
    req.on('end', () => finish(Buffer.concat(chunks)));
    req.on('error', () => finish('error'));
    req.on('aborted', () => finish('error'));
  });
}

/** TLS, or a proxy in front saying so (production sets Secure on the session cookie then). */
function isSecure(req: IncomingMessage): boolean {
  return Boolean((req.socket as { encrypted?: boolean }).encrypted) || /^https$/i.test(String(req.headers['x-forwarded-proto'] ?? '').split(',')[0]!.trim());
}
