import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

import { runningCallContext } from '../instance.js';

/**
 * Where owncast.auth.grantSession / endSession put their cookie: the response of the HTTP
 * request being handled. The HTTP server makes one per on_http_request call; outside such a
 * call there is none, and grantSession answers production's error instead of minting.
 */
export interface AuthSessionSink {
  /** Set the session cookie (owncast_session) on the in-flight response. */
  grant(token: string, ttlSeconds: number): void;
  /** Clear the session cookie on the in-flight response. */
  end(): void;
}

/**
 * A call context (what PluginInstance.call is given and runningCallContext() reports while
 * the export runs) that carries the sink of the request the call serves. The dispatcher's
 * CallContext (dispatch/calls.ts) is one: Dispatcher.invoke(..., { authSink }) fills it in.
 */
export interface AuthSinkCarrier {
  readonly slug: string;
  readonly authSink?: AuthSessionSink;
}

// The sink travels with the call, not with the plugin: an on_event call queued behind the
// request on the same instance must not see it. The call context does exactly that, at no
// cost; AsyncLocalStorage did it too but turned on promise hooks for the whole process.

/** The sink `context` carries for plugin `slug`, if it is a carrier for that plugin. */
export function authSinkIn(context: unknown, slug: string): AuthSessionSink | null {
  if (context === null || typeof context !== 'object') return null;
  const c = context as Partial<AuthSinkCarrier>;
  return c.slug === slug && c.authSink ? c.authSink : null;
}

/** The sink of the request plugin `slug` is handling right now (inside its export), if any. */
export function currentAuthSink(slug: string): AuthSessionSink | null {
  return authSinkIn(runningCallContext(), slug);
}

/** Production's TTL rule (authsession.go): ≤ 0 → 24 h, capped at 30 days. */
export const SESSION_TTL_DEFAULT = 24 * 60 * 60;
export const SESSION_TTL_MAX = 30 * 24 * 60 * 60;

export function clampSessionTtl(ttlSeconds: number): number {
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) return SESSION_TTL_DEFAULT;
  return Math.min(Math.floor(ttlSeconds), SESSION_TTL_MAX);
}

/**
 * Production's stateless session token: base64url("<userId>|<expUnix>") + "." +
 * base64url(HMAC-SHA256(secret, payload)). Valid through its expiry second, invalid after.
 */
export function signSessionToken(secret: Uint8Array, userId: string, expUnix: number): string {
  const payload = Buffer.from(`${userId}|${expUnix}`).toString('base64url');
  const mac = createHmac('sha256', secret).update(payload).digest('base64url');
  return `${payload}.${mac}`;
}

/** The user id of a valid, unexpired token, else null. */
export function verifySessionToken(secret: Uint8Array, token: string, nowUnix: number): string | null {
  const dot = token.indexOf('.');
  if (dot <= 0 || dot === token.length - 1 || token.indexOf('.', dot + 1) >= 0) return null;
  const payload = token.slice(0, dot);
  const expected = createHmac('sha256', secret).update(payload).digest();
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const decoded = Buffer.from(payload, 'base64url').toString();
  const bar = decoded.lastIndexOf('|');
  if (bar <= 0) return null;
  const exp = Number(decoded.slice(bar + 1));
  if (!Number.isSafeInteger(exp) || nowUnix > exp) return null;
  return decoded.slice(0, bar);
}

export function newSessionSecret(): Uint8Array {
  return randomBytes(32);
}
