import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createRecordingEnv, sampleWorld, type AuthSessionSink, type AuthSinkCarrier } from '../../../src/lib/host/env/index.js';
import { startPlugin, type Running } from './harness.js';

/** The context of an on_http_request call into `slug` that carries `sink` (as Dispatcher.invoke makes it). */
const request = (slug: string, sink: AuthSessionSink): AuthSinkCarrier => ({ slug, authSink: sink });

function recordingSink() {
  const events: string[] = [];
  const sink: AuthSessionSink = {
    grant: (token, ttl) => void events.push(`grant ${token} ${ttl}`),
    end: () => void events.push('end'),
  };
  return { sink, events };
}

describe('users.* through a real plugin', () => {
  let p: Running;
  beforeAll(async () => {
    p = await startPlugin('member-gate', { env: createRecordingEnv(sampleWorld()) });
  });
  afterAll(() => p.close());

  it('lists users and gets one (null for a miss) in the production HostUser shape', async () => {
    const users = (await p.call('/users')) as { id: string }[];
    expect(users.map((u) => u.id)).toEqual(['u-ada', 'u-grace', 'u-guest42']);
    expect(await p.call('/user', { id: 'u-grace' })).toEqual({
      id: 'u-grace',
      displayName: 'grace',
      previousNames: ['gracie'],
      createdAt: '2025-10-25T20:00:00.000Z',
      scopes: ['MODERATOR'],
      isAuthenticated: true,
    });
    expect(await p.call('/user', { id: 'nobody' })).toBeNull();
  });

  it('setEnabled and banIP reach Owncast with the plugin slug; reason defaults to ""', async () => {
    p.env.clear();
    await p.call('/disable', { id: 'u-guest42', reason: 'spam' });
    await p.call('/enable', { id: 'u-guest42' });
    await p.call('/banIP', { ip: '192.0.2.140' });
    expect(p.env.calls).toEqual([
      { slug: 'member-gate', fn: 'users.setEnabled', args: { userId: 'u-guest42', enabled: false, reason: 'spam' } },
      { slug: 'member-gate', fn: 'users.setEnabled', args: { userId: 'u-guest42', enabled: true, reason: '' } },
      { slug: 'member-gate', fn: 'users.banIP', args: { ip: '192.0.2.140' } },
    ]);
  });

  it("register namespaces the authId by the plugin's slug and finds the same user again", async () => {
    p.env.clear();
    const first = (await p.call('/register', { req: { authId: 'github:42', displayName: 'Octo', scopes: ['MODERATOR'] } })) as {
      userId: string;
    };
    expect(first).toEqual({ userId: 'user-1' });
    expect(p.env.callsOf('users.register')[0]).toEqual({
      slug: 'member-gate',
      fn: 'users.register',
      args: {
        authId: 'plugin:member-gate:github:42',
        pluginAuthId: 'github:42',
        displayName: 'Octo',
        scopes: ['MODERATOR'],
        profileUrl: '',
        handle: '',
        public: false,
      },
    });
    expect(await p.call('/register', { req: 'github:42' })).toEqual({ userId: 'user-1' });
    expect(await p.call('/user', { id: 'user-1' })).toMatchObject({ displayName: 'Octo', isAuthenticated: true });
  });

  it('register refuses administrative and unknown scopes, a missing authId and a malformed request', async () => {
    p.env.clear();
    await expect(p.call('/register', { req: { authId: 'x', scopes: ['HAS_ADMIN_ACCESS'] } })).rejects.toThrow(
      'scope "HAS_ADMIN_ACCESS" cannot be assigned by a plugin (allowed: MODERATOR)',
    );
    await expect(p.call('/register', { req: { authId: 'x', scopes: ['CAN_SEND_SYSTEM_MESSAGES'] } })).rejects.toThrow(/cannot be assigned/);
    await expect(p.call('/register', { req: { displayName: 'no id' } })).rejects.toThrow('authId is required');
    await expect(p.call('/register', { req: { authId: 42 } })).rejects.toThrow(
      'invalid request: json: cannot unmarshal number into Go struct field UserRegisterRequest.authId of type string',
    );
    expect(p.env.callsOf('users.register')).toEqual([]);
  });

  it("Owncast's refusal reaches the plugin as the error", async () => {
    p.env.failures['users.register'] = 'user store is read-only';
    await expect(p.call('/register', { req: 'someone' })).rejects.toThrow('user store is read-only');
    p.env.failures['users.register'] = undefined;
  });
});

describe('auth.gate through a real plugin', () => {
  let p: Running;
  beforeAll(async () => {
    p = await startPlugin('member-gate');
  });
  afterAll(() => p.close());

  it('inside on_http_request: register then grantSession puts the token on the response, TTL clamped', async () => {
    const { sink, events } = recordingSink();
    const userId = await p.call('/login', { authId: 'gh:1', displayName: 'Ann', ttl: 0 }, request('member-gate', sink));
    expect(userId).toBe('user-1');
    expect(events).toEqual(['grant session-1 86400']);
    expect(p.env.callsOf('auth.grantSession')).toEqual([
      { slug: 'member-gate', fn: 'auth.grantSession', args: { userId: 'user-1', ttlSeconds: 86400 } },
    ]);
    await p.call('/grant', { req: { userId: 'user-1', ttl: 10 ** 9 } }, request('member-gate', sink));
    expect(events.at(-1)).toBe(`grant session-2 ${30 * 86400}`);
  });

  it('endSession clears the cookie on the response and tells Owncast', async () => {
    const { sink, events } = recordingSink();
    await p.call('/logout', undefined, request('member-gate', sink));
    expect(events).toEqual(['end']);
    expect(p.env.callsOf('auth.endSession')).toHaveLength(1);
  });

  it('outside an HTTP request grantSession answers the production error and mints nothing', async () => {
    p.env.clear();
    await p.event('login-from-event', { userId: 'user-1' });
    expect(p.kv.get('member-gate', 'login-from-event')).toBe('grantSession is only available inside an on_http_request handler');
    await expect(p.call('/grant', { req: 'user-1' })).rejects.toThrow('grantSession is only available inside an on_http_request handler');
    expect(p.env.callsOf('auth.grantSession')).toEqual([]);
  });

  it("another plugin's request does not lend its sink", async () => {
    const { sink, events } = recordingSink();
    await expect(p.call('/grant', { req: 'user-1' }, request('some-other-plugin', sink))).rejects.toThrow(
      /only available inside an on_http_request/,
    );
    expect(events).toEqual([]);
  });

  it('validates the request before anything else', async () => {
    const { sink } = recordingSink();
    await expect(p.call('/grant', { req: {} }, request('member-gate', sink))).rejects.toThrow('userId is required');
    await expect(p.call('/grant', { req: { userId: 'u', ttl: 'long' } }, request('member-gate', sink))).rejects.toThrow(
      'invalid request: json: cannot unmarshal string into Go struct field GrantSessionRequest.ttl of type int64',
    );
  });

  it('without an auth service: "auth.gate is not available on this host"; without register: its own error', async () => {
    const env = createRecordingEnv();
    delete env.auth;
    delete env.users.register;
    const bare = await startPlugin('member-gate', { env });
    try {
      const { sink } = recordingSink();
      await expect(bare.call('/grant', { req: 'user-1' }, request('member-gate', sink))).rejects.toThrow(
        'auth.gate is not available on this host',
      );
      await expect(bare.call('/register', { req: 'x' })).rejects.toThrow('users.register is not available on this host');
    } finally {
      await bare.close();
    }
  });
});
