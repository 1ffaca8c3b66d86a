// The host's own endpoints beside /plugins/ (reference-plugin-sdk §G.6, the demo host and
// Owncast's viewer API): plugin icons, admin instructions, the public action buttons, the
// admin plugin list and enable / disable / reload, and the viewer page contributions
// (/api/config, /customjavascript).

import type { IncomingMessage, ServerResponse } from 'node:http';

import type { PluginHttpBackend } from './backend.js';
import type { AuthResolver } from './request-auth.js';
import { sendBody, sendError, sendJson, sendMethodNotAllowed, sendNotFound } from './respond.js';
import { buildScripts, buildViewerConfig, collectActions, type ContributionContext } from './viewer-config.js';

export interface EndpointContext {
  backend: PluginHttpBackend;
  auth: AuthResolver;
  warn(message: string): void;
}

type Handler = (req: IncomingMessage, res: ServerResponse, ctx: EndpointContext, params: string[]) => Promise<void>;

interface Route {
  pattern: RegExp;
  handler: Handler;
}

const SLUG = '([^/]+)';

const ROUTES: Route[] = [
  { pattern: /^\/api\/config$/, handler: viewerConfig },
  { pattern: /^\/customjavascript$/, handler: customJavascript },
  { pattern: /^\/api\/plugins\/actions$/, handler: publicActions },
  { pattern: new RegExp(`^/api/plugins/${SLUG}/icon$`), handler: icon },
  { pattern: new RegExp(`^/api/admin/plugins/${SLUG}/instructions$`), handler: instructions },
  { pattern: /^\/api\/admin\/plugins\/?$/, handler: adminList },
  { pattern: new RegExp(`^/api/admin/plugins/${SLUG}(?:/([^/]*))?/?$`), handler: adminAction },
];

/** The endpoint for `path` (cleaned), or null when it is not one of the host's. */
export function matchEndpoint(path: string): { handler: Handler; params: string[] } | null {
  for (const route of ROUTES) {
    const m = route.pattern.exec(path);
    if (m) return { handler: route.handler, params: m.slice(1).map((p) => p ?? '') };
  }
  return null;
}

const isRead = (req: IncomingMessage) => req.method === 'GET' || req.method === 'HEAD';
const contributions = (req: IncomingMessage, ctx: EndpointContext): ContributionContext => {
  const user = ctx.auth(req).user;
  return { backend: ctx.backend, warn: ctx.warn, ...(user ? { user } : {}) };
};

/** The demo host's admin check for /api/admin/*: Bearer credentials, else 401. */
function requireAdmin(req: IncomingMessage, res: ServerResponse, ctx: EndpointContext): boolean {
  if (ctx.auth(req).admin) return true;
  sendError(res, 401, 'authentication required', { 'WWW-Authenticate': 'Bearer realm="Owncast admin"' });
  return false;
}

async function viewerConfig(req: IncomingMessage, res: ServerResponse, ctx: EndpointContext): Promise<void> {
  if (!isRead(req)) return sendMethodNotAllowed(res, 'GET, HEAD');
  sendJson(res, 200, await buildViewerConfig(contributions(req, ctx)), { 'Cache-Control': 'no-cache' });
}

async function customJavascript(req: IncomingMessage, res: ServerResponse, ctx: EndpointContext): Promise<void> {
  if (!isRead(req)) return sendMethodNotAllowed(res, 'GET, HEAD');
  const js = await buildScripts(contributions(req, ctx));
  sendBody(res, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' }, js, req.method === 'HEAD');
}

async function publicActions(req: IncomingMessage, res: ServerResponse, ctx: EndpointContext): Promise<void> {
  if (!isRead(req)) return sendMethodNotAllowed(res, 'GET, HEAD');
  sendJson(res, 200, await collectActions(contributions(req, ctx)));
}

async function icon(req: IncomingMessage, res: ServerResponse, ctx: EndpointContext, [slug]: string[]): Promise<void> {
  if (!isRead(req)) return sendMethodNotAllowed(res, 'GET, HEAD');
  const plugin = await ctx.backend.plugin(slug!);
  if (!plugin?.icon) return sendNotFound(res);
  sendBody(res, 200, { 'Content-Type': 'image/png', 'Cache-Control': 'no-cache' }, plugin.icon, req.method === 'HEAD');
}

async function instructions(req: IncomingMessage, res: ServerResponse, ctx: EndpointContext, [slug]: string[]): Promise<void> {
  if (!requireAdmin(req, res, ctx)) return;
  if (!isRead(req)) return sendMethodNotAllowed(res, 'GET, HEAD');
  const plugin = await ctx.backend.plugin(slug!);
  if (plugin?.instructions == null) return sendNotFound(res);
  sendBody(res, 200, { 'Content-Type': 'text/markdown; charset=utf-8', 'Cache-Control': 'no-cache' }, plugin.instructions, req.method === 'HEAD');
}

async function adminList(req: IncomingMessage, res: ServerResponse, ctx: EndpointContext): Promise<void> {
  const admin = ctx.backend.admin;
  if (!admin) return sendNotFound(res);
  if (!requireAdmin(req, res, ctx)) return;
  if (!isRead(req)) return sendMethodNotAllowed(res, 'GET, HEAD');
  sendJson(res, 200, await admin.list());
}

const ADMIN_ACTIONS = ['enable', 'disable', 'reload'] as const;

async function adminAction(req: IncomingMessage, res: ServerResponse, ctx: EndpointContext, [slug, action]: string[]): Promise<void> {
  const admin = ctx.backend.admin;
  if (!admin) return sendNotFound(res);
  if (!requireAdmin(req, res, ctx)) return;
  if (req.method !== 'POST') return sendMethodNotAllowed(res, 'POST');
  if (!action) return sendError(res, 400, 'expected /<name>/<action>');
  if (!(ADMIN_ACTIONS as readonly string[]).includes(action)) return sendError(res, 400, `unknown action ${JSON.stringify(action)}`);
  try {
    await admin[action as (typeof ADMIN_ACTIONS)[number]](slug!);
  } catch (err) {
    return sendJson(res, 400, { error: err instanceof Error ? err.message : String(err) });
  }
  sendJson(res, 200, { status: 'ok', name: slug, action });
}
