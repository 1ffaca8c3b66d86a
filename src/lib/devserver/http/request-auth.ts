// Who a request comes from. Production has Owncast's admin auth (which gates admin pages and
// is what `authenticated` means, server.go IsAuthenticated) and a chat identity (`user`). The
// dev server stands in for both: the reference dev server's bearer tokens, and the
// owncast_session cookie that auth.gate plugins grant.

import type { IncomingMessage } from 'node:http';

import { verifySessionToken } from '../../host/env/auth.js';
import type { HostUser } from '../../host/env/types.js';
import { SESSION_COOKIE } from './response.js';

export interface RequestAuth {
  /** Admin credentials: admin pages open, and `authenticated` is true. */
  admin: boolean;
  /** What the plugin's envelope says in `authenticated` (production: admin credentials). */
  authenticated: boolean;
  /** The chat identity, when one is resolved; the plugin sees it as `user`. */
  user?: HostUser;
}

export type AuthResolver = (req: IncomingMessage) => RequestAuth;

export const ANONYMOUS: RequestAuth = Object.freeze({ admin: false, authenticated: false });

/**
 * The reference dev server's tokens: `Authorization: Bearer admin` is the admin;
 * `Bearer user:<name>` is the user {id "u-<name>", displayName <name>}; anything else is
 * anonymous. Unlike the reference, the user does reach the plugin.
 */
export function devAuthResolver(): AuthResolver {
  return (req) => {
    const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization?.trim() ?? '');
    if (!m) return ANONYMOUS;
    const token = m[1]!.trim();
    if (token === 'admin') return { admin: true, authenticated: true };
    if (token.startsWith('user:') && token.length > 'user:'.length) {
      const name = token.slice('user:'.length);
      return { admin: false, authenticated: false, user: { id: `u-${name}`, displayName: name, isAuthenticated: true } };
    }
    return ANONYMOUS;
  };
}

export interface SessionCookieResolverOptions {
  /** The secret the host signs session tokens with (the auth service's). */
  secret: Uint8Array;
  /** The user behind a verified token; default {id, displayName: id, isAuthenticated: true}. Null: no such user. */
  lookupUser?(userId: string): HostUser | null;
  /** Unix seconds; default now. */
  now?(): number;
}

/** The value of one cookie in a Cookie header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
  }
  return undefined;
}

/** The user holding a valid owncast_session cookie (as auth.gate plugins grant them). */
export function sessionCookieResolver(opts: SessionCookieResolverOptions): AuthResolver {
  const now = opts.now ?? (() => Math.floor(Date.now() / 1000));
  return (req) => {
    const token = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (!token) return ANONYMOUS;
    const userId = verifySessionToken(opts.secret, token, now());
    if (userId === null) return ANONYMOUS;
    const user = opts.lookupUser ? opts.lookupUser(userId) : { id: userId, displayName: userId, isAuthenticated: true };
    return user ? { admin: false, authenticated: false, user } : ANONYMOUS;
  };
}

/** Several resolvers at once: admin or authenticated if any says so; the first user found. */
export function chainAuthResolvers(...resolvers: AuthResolver[]): AuthResolver {
  return (req) => {
    let admin = false;
    let authenticated = false;
    let user: HostUser | undefined;
    for (const resolve of resolvers) {
      const r = resolve(req);
      admin ||= r.admin;
      authenticated ||= r.authenticated;
      user ??= r.user;
    }
    return user ? { admin, authenticated, user } : { admin, authenticated };
  };
}
