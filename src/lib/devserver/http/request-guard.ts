// Who may talk to the dev server at all. It listens on loopback, but a web page the author
// visits can still reach it: through DNS rebinding (the page's own name made to resolve to
// 127.0.0.1, so its scripts read the answers) and through simple cross-site requests (a form
// POST to /_dev/chat). Rebinding is stopped by the Host header, which names the attacker's
// domain: only the server's own loopback names are answered. Cross-site requests carry an
// Origin header that is not ours: they are refused before anything changes. Clients that send
// no Origin (curl, scripts, Node's fetch, a browser's same-origin GET) are not browsers acting
// for another site, and go through.

import type { IncomingMessage } from 'node:http';

export interface GuardRefusal {
  status: 403 | 421;
  message: string;
}

/** The Host values that name this server: its loopback addresses and "localhost", with its port. */
export function ownHosts(port: number): string[] {
  const names = ['127.0.0.1', 'localhost', '[::1]'];
  const hosts = names.map((n) => `${n}:${port}`);
  // a browser leaves the default port out of Host and Origin
  if (port === 80) hosts.push(...names);
  return hosts;
}

/**
 * Null when the request may go on; else the status and a short reason. `port` is the port the
 * server is bound to. State-changing requests are every method but GET and HEAD, and every
 * request to the dev API (/_dev/: chat, events, login, plugin actions, its SSE feed).
 */
export function checkRequestOrigin(req: Pick<IncomingMessage, 'method' | 'url' | 'headers'>, port: number): GuardRefusal | null {
  const hosts = ownHosts(port);
  const host = req.headers.host?.trim().toLowerCase();
  if (!host || !hosts.includes(host)) {
    return {
      status: 421,
      message: `421 Misdirected Request: this dev server answers only to Host ${hosts.slice(0, 3).join(', ')} (got ${host ? JSON.stringify(host) : 'none'}); open it at http://127.0.0.1:${port}/`,
    };
  }
  const origin = req.headers.origin;
  if (origin === undefined || !changesState(req)) return null;
  if (hosts.some((h) => origin.toLowerCase() === `http://${h}`)) return null;
  return {
    status: 403,
    message: `403 Forbidden: cross-origin request from ${JSON.stringify(origin)} refused; the dev server takes state-changing requests only from its own pages (http://127.0.0.1:${port}) or from clients that send no Origin`,
  };
}

function changesState(req: Pick<IncomingMessage, 'method' | 'url'>): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return true;
  // the dev API's own test (dev-api.ts handleDevApi) on the same raw path
  return ((req.url ?? '/').split('?')[0] ?? '/').startsWith('/_dev/');
}
