// The request handler for everything plugin-facing: /plugins/<slug>/... and the host
// endpoints. A plain Node (req, res, next) handler, so `serve` can mount it beside its own
// routes; requests it does not own go to `next` (or get a 404).

import type { IncomingMessage, ServerResponse } from 'node:http';

import type { HostEnv } from '../../host/env/types.js';
import type { PluginHttpBackend } from './backend.js';
import { matchEndpoint } from './endpoints.js';
import { parseRequestTarget, splitPluginPath } from './paths.js';
import { servePluginRequest } from './plugin-route.js';
import { ANONYMOUS, type AuthResolver } from './request-auth.js';
import { sendError, sendNotFound } from './respond.js';
import { HTTP_HANDLER_TIMEOUT_MS } from './response.js';
import { SseHub, type SseHubOptions } from './sse.js';

export interface PluginHttpHandlerOptions {
  backend: PluginHttpBackend;
  /** Who a request comes from. Default: everyone anonymous (admin pages answer 401). */
  auth?: AuthResolver;
  /** The hub to serve /_sse from (share it with HostEnv.sse), or options for a new one. */
  sse?: SseHub | SseHubOptions;
  /** on_http_request's deadline; default production's 5 s. */
  handlerTimeoutMs?: number;
  /** Where the server's warnings go (timeouts, failed handlers, missing assets). Default: stderr. */
  log?: { warn(message: string): void };
}

export interface PluginHttpHandler {
  (req: IncomingMessage, res: ServerResponse, next?: () => void): void;
  /** The SSE hub: wire HostEnv.sse.send to hub.send (see {@link sseService}). */
  readonly hub: SseHub;
  /** Ends every open SSE stream (call before closing the HTTP server, which waits for them). */
  close(): void;
}

export function createPluginHttpHandler(opts: PluginHttpHandlerOptions): PluginHttpHandler {
  const hub = opts.sse instanceof SseHub ? opts.sse : new SseHub(opts.sse);
  const auth = opts.auth ?? (() => ANONYMOUS);
  const warn = (message: string) => (opts.log ? opts.log.warn(message) : process.stderr.write(`${message}\n`));
  const routeContext = { backend: opts.backend, hub, auth, warn, handlerTimeoutMs: opts.handlerTimeoutMs ?? HTTP_HANDLER_TIMEOUT_MS };

  async function handle(req: IncomingMessage, res: ServerResponse, next?: () => void): Promise<void> {
    const target = parseRequestTarget(req.url ?? '/');
    if (!target.ok) return sendError(res, 400, `400 Bad Request: ${target.reason}`);
    const { path, query } = target;
    if (path === '/plugins' || path.startsWith('/plugins/')) {
      const split = splitPluginPath(path);
      if (!split) return sendNotFound(res);
      return servePluginRequest(req, res, { ...split, urlPath: path, query }, routeContext);
    }
    const endpoint = matchEndpoint(path);
    if (endpoint) return endpoint.handler(req, res, { backend: opts.backend, auth, warn }, endpoint.params);
    if (next) return next();
    sendNotFound(res);
  }

  const handler = ((req, res, next) => {
    handle(req, res, next).catch((err: unknown) => {
      warn(`plugin HTTP server: ${req.method} ${req.url}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      if (!res.headersSent) sendError(res, 500, 'internal error');
      else res.destroy();
    });
  }) as PluginHttpHandler;
  Object.defineProperty(handler, 'hub', { value: hub });
  handler.close = () => hub.close();
  return handler;
}

/** HostEnv.sse over a hub: what plugins send with owncast.sse.send reaches the streams. */
export function sseService(hub: SseHub): NonNullable<HostEnv['sse']> {
  return { send: (slug, channel, event, data) => void hub.send(slug, channel, event, data) };
}
