import { errorMessage, type Impls } from './common.js';
import type { HostDeps } from './deps.js';
import { decode, encodeList, encodeStruct, WIRE } from './wire.js';

/**
 * The scopes a plugin may give the users it registers. Production "restricts which scopes a
 * plugin may assign and rejects administrative scopes" without listing them; of Owncast's
 * user scopes only the moderator role is meaningful for a chat user, and the access-token
 * scopes (HAS_ADMIN_ACCESS, CAN_SEND_SYSTEM_MESSAGES, ...) are administrative.
 */
export const ASSIGNABLE_USER_SCOPES: ReadonlySet<string> = new Set(['MODERATOR']);

interface RegisterRequest {
  authId?: string;
  displayName?: string;
  scopes?: string[];
  profileUrl?: string;
  handle?: string;
  public?: boolean;
}

/** The identity a plugin's external authId becomes: namespaced so plugins cannot collide or impersonate. */
export function namespacedAuthId(slug: string, authId: string): string {
  return `plugin:${slug}:${authId}`;
}

export function usersFunctions(deps: HostDeps): Impls {
  const registerResult = (r: { userId?: string; error?: string }) => encodeStruct(WIRE.UserRegisterResult, r);

  return {
    owncast_users_list: (c) => encodeList(WIRE.HostUser, deps.env.users.list(c.caller.slug)),
    owncast_user_get: (c) => {
      const user = deps.env.users.get(c.caller.slug, c.text(0));
      return user ? encodeStruct(WIRE.HostUser, user) : null;
    },
    owncast_user_set_enabled: (c) => deps.env.users.setEnabled(c.caller.slug, c.text(0), c.args[1] !== 0n, c.text(2)),
    owncast_ban_ip: (c) => deps.env.users.banIP(c.caller.slug, c.text(0)),

    owncast_users_register: (c) => {
      const slug = c.caller.slug;
      const req = decode<RegisterRequest>(c.text(0), { struct: WIRE.UserRegisterRequest });
      if (!req.ok) return registerResult({ error: `invalid request: ${req.error}` });
      const authId = req.value.authId ?? '';
      if (authId === '') return registerResult({ error: 'authId is required' });
      const scopes = req.value.scopes ?? [];
      const refused = scopes.find((s) => !ASSIGNABLE_USER_SCOPES.has(s));
      if (refused !== undefined) {
        return registerResult({
          error: `scope ${JSON.stringify(refused)} cannot be assigned by a plugin (allowed: ${[...ASSIGNABLE_USER_SCOPES].join(', ')})`,
        });
      }
      if (!deps.env.users.register) return registerResult({ error: 'users.register is not available on this host' });
      try {
        const userId = deps.env.users.register(slug, {
          authId: namespacedAuthId(slug, authId),
          pluginAuthId: authId,
          displayName: req.value.displayName ?? '',
          scopes,
          profileUrl: req.value.profileUrl ?? '',
          handle: req.value.handle ?? '',
          public: req.value.public ?? false,
        });
        return registerResult({ userId });
      } catch (err) {
        return registerResult({ error: errorMessage(err) });
      }
    },
  };
}
