// /_dev/*: the dev server's own API, for curl and the web console. /_dev/chat and /_dev/event
// answer like the reference dev server (reference-plugin-sdk §A.3), except that a chat
// message runs the filter chain once (then notifications and commands) and the answer also
// carries the message's path through the plugins. The rest is for the console: plugins and
// their state, KV / SQL / files, config, enable / disable / reload, and the live feed.

import type { IncomingMessage, ServerResponse } from 'node:http';

import { PluginError, UserError } from '../errors.js';
import type { ChatDispatchReport, DispatchReport, FilterStep } from '../host/dispatch/index.js';
import type { HostUser } from '../host/env/types.js';
import type { ThreadedHost } from '../host/threaded/index.js';
import type { ActivityFeed } from './activity-feed.js';
import { readCookie } from './http/request-auth.js';
import { sendError, sendJson, sendMethodNotAllowed, sendNotFound } from './http/respond.js';
import type { DevPlugins } from './plugins.js';

/** The cookie the console's "log in as admin" sets, read by the dev auth resolver. */
export const DEV_AUTH_COOKIE = 'owncast_dev_auth';
const MAX_BODY = 1 << 20;

export interface DevApiDeps {
  host: ThreadedHost;
  plugins: DevPlugins;
  feed: ActivityFeed;
  /** Ends a plugin's open SSE streams (when it is disabled: production's routes go away with it). */
  closeStreams?(slug: string): void;
  now?(): number;
}

type Route = { method: string; pattern: RegExp; run(req: IncomingMessage, m: string[], deps: DevApiDeps): Promise<unknown> };

const SLUG = '([a-z][a-z0-9-]{0,63})';

const ROUTES: Route[] = [
  { method: 'GET', pattern: /^\/_dev\/chat$/, run: (_r, _m, d) => d.host.chatHistory() },
  { method: 'POST', pattern: /^\/_dev\/chat$/, run: postChat },
  { method: 'POST', pattern: /^\/_dev\/event$/, run: postEvent },
  {
    method: 'GET',
    pattern: /^\/_dev\/state$/,
    run: async (_r, _m, d) => ({ plugins: d.plugins.list(), world: await d.host.world(), restarts: d.host.restarts }),
  },
  { method: 'GET', pattern: /^\/_dev\/plugins$/, run: async (_r, _m, d) => ({ plugins: d.plugins.list() }) },
  {
    method: 'POST',
    pattern: new RegExp(`^/_dev/plugins/${SLUG}/(enable|disable|reload)$`),
    run: async (_r, [slug, op], d) => {
      await d.plugins[op as 'enable' | 'disable' | 'reload'](slug!);
      if (op === 'disable') d.closeStreams?.(slug!);
      d.feed.publish({ type: 'plugin', slug, op });
      return { plugins: d.plugins.list() };
    },
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/_dev/plugins/${SLUG}/config$`),
    run: async (req, [slug], d) => {
      const values = await readJson(req);
      if (!values || typeof values !== 'object' || Array.isArray(values)) throw new UserError('expected a JSON object of config values');
      await d.plugins.setConfig(slug!, values as Record<string, unknown>);
      d.feed.publish({ type: 'plugin', slug, op: 'config' });
      return { plugins: d.plugins.list() };
    },
  },
  { method: 'GET', pattern: new RegExp(`^/_dev/plugins/${SLUG}/kv$`), run: (_r, [slug], d) => d.host.kv(slug!) },
  { method: 'GET', pattern: new RegExp(`^/_dev/plugins/${SLUG}/sql$`), run: (_r, [slug], d) => d.host.sqlTables(slug!) },
  {
    method: 'GET',
    pattern: new RegExp(`^/_dev/plugins/${SLUG}/sql/([^/]+)$`),
    run: (req, [slug, table], d) => {
      const q = new URL(req.url ?? '/', 'http://x').searchParams;
      return d.host.sqlRows(slug!, decodeURIComponent(table!), { limit: Number(q.get('limit') ?? 100), offset: Number(q.get('offset') ?? 0) });
    },
  },
  { method: 'GET', pattern: new RegExp(`^/_dev/plugins/${SLUG}/files$`), run: (_r, [slug], d) => d.host.files(slug!) },
  {
    method: 'GET',
    pattern: new RegExp(`^/_dev/plugins/${SLUG}/files/(.+)$`),
    run: async (_r, [slug, path], d) => {
      const file = await d.host.readFile(slug!, decodeURIComponent(path!));
      return file;
    },
  },
];

/** Handles /_dev/*; false when the path is not one of ours. */
export function handleDevApi(req: IncomingMessage, res: ServerResponse, path: string, deps: DevApiDeps): boolean {
  if (!path.startsWith('/_dev/')) return false;
  if (path === '/_dev/stream') {
    if (req.method !== 'GET') sendMethodNotAllowed(res, 'GET');
    else deps.feed.handle(req, res);
    return true;
  }
  if (path === '/_dev/login' || path === '/_dev/logout') {
    if (req.method !== 'POST') sendMethodNotAllowed(res, 'POST');
    else login(req, res, path === '/_dev/login');
    return true;
  }
  const matches = ROUTES.filter((r) => r.pattern.test(path));
  if (!matches.length) {
    sendNotFound(res);
    return true;
  }
  const route = matches.find((r) => r.method === req.method);
  if (!route) {
    sendMethodNotAllowed(res, [...new Set(matches.map((r) => r.method))].join(', '));
    return true;
  }
  route
    .run(req, route.pattern.exec(path)!.slice(1), deps)
    .then((value) => sendJson(res, 200, toJsonSafe(value)))
    .catch((err: unknown) => {
      if (err instanceof BadRequest) return sendError(res, 400, err.message);
      if (err instanceof UserError) return sendJson(res, err.code === 'PLUGIN_NOT_FOUND' ? 404 : 400, { error: errorJson(err) });
      if (err instanceof PluginError) return sendJson(res, 502, { error: errorJson(err) });
      sendJson(res, 500, { error: errorJson(err) });
    });
  return true;
}

class BadRequest extends Error {}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new BadRequest('request body too large');
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
  } catch {
    throw new BadRequest('invalid JSON body');
  }
}

let messageCounter = 0;

/**
 * POST /_dev/chat {user?, body, as?}: `user` is a display name (default "dev-user") or a user
 * object; `as` picks a persona for a name: "viewer" (a signed-in user), "moderator" (with the
 * MODERATOR scope) or "anonymous". The message runs the filter chain once, then the
 * notifications and commands; an allowed message lands in the chat history.
 */
async function postChat(req: IncomingMessage, _m: string[], deps: DevApiDeps): Promise<unknown> {
  const input = (await readJson(req)) as { user?: unknown; body?: unknown; as?: unknown } | null;
  if (!input || typeof input !== 'object' || typeof input.body !== 'string') throw new BadRequest('expected {"user", "body"}');
  const world = await deps.host.world();
  const user = chatUser(input.user, input.as, world.users);
  const now = deps.now?.() ?? Date.now();
  const message = { id: `dev-msg-${now}-${++messageCounter}`, user, body: input.body, timestamp: new Date(now).toISOString() };
  // an accepted message joins the chat log between the filters and the notifications
  const report = await handOver(() => deps.host.dispatchChatMessage(message, { record: true }));
  const trace = traceOf(report);
  if (report.dropped) {
    deps.feed.publish({ type: 'message', message, allowed: false, trace });
    return { allowed: false, reason: report.dropped.reason, trace };
  }
  const final = (report.payload ?? message) as { body?: unknown };
  const shown = { id: message.id, user, body: typeof final.body === 'string' ? final.body : message.body, timestamp: message.timestamp };
  deps.feed.publish({ type: 'message', message: shown, allowed: true, trace });
  return { allowed: true, reason: '', message: shown, trace };
}

/** POST /_dev/event {type, payload}: any event through filters and notifications. */
async function postEvent(req: IncomingMessage, _m: string[], deps: DevApiDeps): Promise<unknown> {
  const input = (await readJson(req)) as { type?: unknown; payload?: unknown } | null;
  const type = typeof input?.type === 'string' ? input.type.trim() : '';
  if (!type) throw new BadRequest('event type is required');
  const report = await handOver(() => deps.host.dispatch(type, input?.payload ?? {}));
  const trace = traceOf(report);
  deps.feed.publish({ type: 'event', eventType: type, trace });
  return { dispatched: type, trace };
}

/**
 * Runs a dispatch of a request's payload. The plugins run in another thread, and copying a value
 * there (structured clone) recurses: past about 3 000 levels it overflows the stack before any
 * plugin saw it. That is the request's doing, so a user error (400), not a bug (500).
 */
async function handOver<T>(dispatch: () => Promise<T>): Promise<T> {
  try {
    return await dispatch();
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    throw new UserError('the payload nests too deeply to hand to the plugins (the copy to their thread ran out of stack)', {
      code: 'PAYLOAD_TOO_DEEP',
      nextSteps: ['Nest it less deeply: a plugin parses its input with a JSON parser that stops at a few thousand levels anyway'],
    });
  }
}

function chatUser(user: unknown, persona: unknown, users: readonly HostUser[]): HostUser {
  if (user && typeof user === 'object') return user as HostUser;
  const name = typeof user === 'string' && user.trim() ? user.trim() : 'dev-user';
  const known = users.find((u) => u.displayName === name || u.id === name);
  if (persona === 'anonymous') return { id: known?.id ?? `anon-${name}`, displayName: name, isAuthenticated: false, scopes: [] };
  if (persona === 'moderator') {
    return { ...(known ?? { id: `u-${name}`, displayName: name }), isAuthenticated: true, scopes: [...new Set([...(known?.scopes ?? []), 'MODERATOR'])] };
  }
  return known ?? { id: `u-${name}`, displayName: name, isAuthenticated: persona === 'viewer', scopes: [] };
}

/** A dispatch report as the console shows it: which plugin did what, errors as text. */
export function traceOf(report: DispatchReport | ChatDispatchReport) {
  const chat = report as Partial<ChatDispatchReport>;
  return {
    eventType: report.eventType,
    filters: report.filters.map((f: FilterStep) => ({
      slug: f.slug,
      priority: f.priority,
      durationMs: round(f.durationMs),
      action: f.action,
      ...(f.action === 'drop' ? { reason: f.reason } : {}),
      ...(f.action === 'modify' ? { payload: f.payload } : {}),
      ...(f.action === 'unknown' ? { value: f.value } : {}),
      ...(f.action === 'error' ? { error: errorText(f.error) } : {}),
    })),
    dropped: report.dropped,
    modified: report.modified,
    payload: report.payload,
    notified: report.notified.map((n) => ({ slug: n.slug, ok: n.ok, durationMs: round(n.durationMs), ...(n.error ? { error: errorText(n.error) } : {}) })),
    ...(chat.commands ? { commands: chat.commands.map((c) => ({ ...c, error: c.error ? errorText(c.error) : undefined })) } : {}),
    ...(chat.help !== undefined ? { help: chat.help } : {}),
    depthExceeded: report.depthExceeded,
  };
}

function login(req: IncomingMessage, res: ServerResponse, on: boolean): void {
  const as = new URL(req.url ?? '/', 'http://x').searchParams.get('as') ?? 'admin';
  const value = as === 'admin' ? 'admin' : `user:${as}`;
  const cookie = on
    ? `${DEV_AUTH_COOKIE}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Strict`
    : `${DEV_AUTH_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict`;
  sendJson(res, 200, { loggedIn: on ? value : null }, { 'Set-Cookie': cookie });
}

/** The console's login cookie as the reference's bearer token ("admin" or "user:<name>"), if set. */
export function devLoginToken(req: IncomingMessage): string | undefined {
  const raw = readCookie(req.headers.cookie, DEV_AUTH_COOKIE);
  return raw ? decodeURIComponent(raw) : undefined;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function errorJson(err: unknown) {
  if (err instanceof PluginError) return { kind: 'plugin', message: err.message, slug: err.slug, exportName: err.exportName, failure: err.failure };
  if (err instanceof UserError) return { kind: 'user', message: err.message, nextSteps: err.nextSteps, code: err.code };
  return { kind: 'bug', message: errorText(err) };
}

/** Bigints (chat client ids) as strings, errors as text: JSON.stringify would throw or lose them. */
function toJsonSafe(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Error ? errorText(v) : v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v)),
  );
}
