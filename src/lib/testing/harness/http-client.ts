// HTTP steps go through the real plugin HTTP server (createPluginHttpHandler over the host),
// so routing, the admin gate, public/ files, caps and the response header allowlist behave
// exactly as in `serve`. The server listens on loopback only while a scenario needs it, and
// requests are sent with node:http so the path reaches it exactly as the scenario wrote it.

import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { HostUser } from '../../host/env/types.js';
import type { PluginHost } from '../../host/host.js';
import { ANONYMOUS, createPluginHttpHandler, hostHttpBackend, type AuthResolver, type PluginHttpHandler, type SseHub } from '../../devserver/http/index.js';

/** The reference runner's test headers: admin credentials, and a signed-in viewer. */
export const TEST_ADMIN_HEADER = 'X-Test-Admin';
export const TEST_USER_HEADER = 'X-Test-User';

export interface HttpStepRequest {
  method: string;
  /** Below /plugins/<slug>, with its leading "/" and any query string. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Admin credentials (sends X-Test-Admin: 1, which also reaches the plugin). */
  authenticated?: boolean;
  /** A signed-in viewer (sends X-Test-User: <json>); like the reference, it also counts as authenticated. */
  user?: HostUser | null;
}

export interface HttpStepReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * J.2: X-Test-Admin: 1 is the admin; X-Test-User carries the viewer as JSON and, as in the
 * reference's mock, also counts as authenticated (admin pages open).
 */
export const scenarioAuth: AuthResolver = (req) => {
  const admin = req.headers['x-test-admin'] === '1';
  const userHeader = req.headers['x-test-user'];
  let user: HostUser | undefined;
  if (typeof userHeader === 'string' && userHeader !== '') {
    try {
      user = JSON.parse(userHeader) as HostUser;
    } catch {
      user = undefined;
    }
  }
  if (!admin && !user) return ANONYMOUS;
  return user ? { admin: true, authenticated: true, user } : { admin: true, authenticated: true };
};

/** How long an event stream is read before the step hangs up (it never ends by itself). */
const SSE_READ_MS = 200;
const SSE_CLOSE_CEILING_MS = 5_000;

export class ScenarioHttpClient {
  readonly #handler: PluginHttpHandler;
  readonly #hub: SseHub;
  #server: Promise<{ server: Server; port: number }> | null = null;

  constructor(host: PluginHost, hub: SseHub, warn: (message: string) => void) {
    this.#hub = hub;
    this.#handler = createPluginHttpHandler({ backend: hostHttpBackend(host), auth: scenarioAuth, sse: hub, log: { warn } });
  }

  async request(slug: string, req: HttpStepRequest): Promise<HttpStepReply> {
    const { port } = await this.#listen();
    const headers: Record<string, string> = { ...req.headers };
    if (req.authenticated) headers[TEST_ADMIN_HEADER] = '1';
    if (req.user) headers[TEST_USER_HEADER] = JSON.stringify(req.user);
    const body = req.body ?? '';
    if (body !== '') headers['Content-Length'] = String(Buffer.byteLength(body));
    const reply = await new Promise<HttpStepReply>((resolve, reject) => {
      const r = httpRequest({ host: '127.0.0.1', port, method: req.method, path: `/plugins/${slug}${req.path}`, headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        const done = () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', done);
        res.on('error', reject);
        // an event stream stays open: take what arrives first, then hang up like a client would
        if (String(res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
          setTimeout(() => {
            res.destroy();
            done();
          }, SSE_READ_MS);
        }
      });
      r.on('error', reject);
      r.end(body === '' ? undefined : body);
    });
    if (String(reply.headers['content-type'] ?? '').startsWith('text/event-stream')) await this.#streamsClosed(slug);
    return reply;
  }

  /** Waits until the server has seen the hang-up and told the plugin (sse.disconnect). */
  async #streamsClosed(slug: string): Promise<void> {
    const until = performance.now() + SSE_CLOSE_CEILING_MS;
    while (this.#hub.connections(slug) > 0 && performance.now() < until) await new Promise((r) => setTimeout(r, 5));
  }

  #listen(): Promise<{ server: Server; port: number }> {
    this.#server ??= new Promise((resolve, reject) => {
      const server = createServer((req, res) => this.#handler(req, res));
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port }));
    });
    return this.#server;
  }

  async close(): Promise<void> {
    this.#handler.close();
    const started = this.#server;
    this.#server = null;
    if (!started) return;
    const { server } = await started;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
