import { clampSessionTtl, currentAuthSink } from '../env/auth.js';
import { errorMessage, type Impls } from './common.js';
import type { HostDeps } from './deps.js';
import { decode, encodeStruct, WIRE } from './wire.js';

export const GRANT_OUTSIDE_HTTP = 'grantSession is only available inside an on_http_request handler';

/** auth.gate: sessions exist only on the response of an HTTP request the plugin is handling. */
export function authFunctions(deps: HostDeps): Impls {
  const sinkFor = (slug: string) => (deps.authSink ?? currentAuthSink)(slug);
  const result = (error?: string) => encodeStruct(WIRE.authResult, { error });

  return {
    owncast_auth_grant_session: (c) => {
      const slug = c.caller.slug;
      const req = decode<{ userId?: string; ttl?: number }>(c.text(0), { struct: WIRE.GrantSessionRequest });
      if (!req.ok) return result(`invalid request: ${req.error}`);
      const userId = req.value.userId ?? '';
      if (userId === '') return result('userId is required');
      const auth = deps.env.auth;
      if (!auth) return result('auth.gate is not available on this host');
      // Checked before minting, so a timer or event handler cannot mint tokens that no
      // cookie would ever carry.
      const sink = sinkFor(slug);
      if (!sink) return result(GRANT_OUTSIDE_HTTP);
      const ttl = clampSessionTtl(Number(req.value.ttl ?? 0));
      let token: string;
      try {
        token = auth.grantSession(slug, userId, ttl);
      } catch (err) {
        return result(errorMessage(err));
      }
      sink.grant(token, ttl);
      return result();
    },
    owncast_auth_end_session: (c) => {
      deps.env.auth?.endSession?.(c.caller.slug);
      sinkFor(c.caller.slug)?.end();
    },
  };
}
