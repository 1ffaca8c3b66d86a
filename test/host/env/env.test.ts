import { describe, expect, it } from 'vitest';

import {
  clampSessionTtl,
  createDevEnv,
  createRecordingEnv,
  authSinkIn,
  currentAuthSink,
  sampleWorld,
  signSessionToken,
  verifySessionToken,
  type AuthSessionSink,
  type UserRegistration,
} from '../../../src/lib/host/env/index.js';
import { CallTracker } from '../../../src/lib/host/dispatch/calls.js';

const registration = (authId: string, extra: Partial<UserRegistration> = {}): UserRegistration => ({
  authId: `plugin:gate:${authId}`,
  pluginAuthId: authId,
  displayName: '',
  scopes: [],
  profileUrl: '',
  handle: '',
  public: false,
  ...extra,
});

describe('createRecordingEnv', () => {
  it('records every call with the slug, in order, reads included', () => {
    const env = createRecordingEnv();
    env.chat.send({ slug: 'a', botDisplayName: 'A Bot', kind: 'bot', text: 'hi' });
    env.stream.current('b');
    env.chat.kick('a', 7n);
    expect(env.calls).toEqual([
      { slug: 'a', fn: 'chat.send', args: { kind: 'bot', text: 'hi', botDisplayName: 'A Bot' } },
      { slug: 'b', fn: 'stream.current', args: {} },
      { slug: 'a', fn: 'chat.kick', args: { clientId: 7n } },
    ]);
    expect(env.callsOf('chat.kick')).toHaveLength(1);
    env.clear();
    expect(env.calls).toEqual([]);
  });

  it("answers production's zero values unless seeded", () => {
    const env = createRecordingEnv();
    expect(env.stream.current('a')).toEqual({ online: false, viewers: 0 });
    expect(env.videoConfig.read('a')).toEqual({ latencyLevel: 0, codec: '', variants: [] });
    expect(env.server.federation('a')).toEqual({ enabled: false });
    expect(env.users.list('a')).toEqual([]);
  });

  it('answers from a seed without changing it, and history returns the last N', () => {
    const seed = sampleWorld();
    const env = createRecordingEnv(seed);
    expect(env.stream.current('a').title).toBe('Friday night speedruns');
    expect(env.chat.history('a', 2).map((m) => m.id)).toEqual(['msg-3', 'msg-4']);
    env.videoConfig.write!('a', { latencyLevel: 4 });
    expect(env.videoConfig.read('a').latencyLevel).toBe(4);
    expect(seed.videoConfig.latencyLevel).toBe(2);
  });

  it('registers a user once per namespaced authId and lists it', () => {
    const env = createRecordingEnv();
    const id = env.users.register!('gate', registration('gh:1', { displayName: 'Octo' }));
    expect(env.users.register!('gate', registration('gh:1'))).toBe(id);
    expect(env.users.get('gate', id)).toMatchObject({ id, displayName: 'Octo', isAuthenticated: true });
  });

  it('fails the calls it is told to fail, with the given message', () => {
    const env = createRecordingEnv({}, { failures: { 'storage.upload': 'disk full' } });
    expect(() => env.storage!.upload('a', 'x.png', new Uint8Array(1))).toThrow('disk full');
    env.failures['storage.upload'] = undefined;
    expect(env.storage!.upload('a', 'x.png', new Uint8Array(1))).toBe('mock://uploads/x.png');
  });
});

describe('createDevEnv', () => {
  it('prints what plugins do on one line each, and lets them read their effects back', () => {
    const lines: string[] = [];
    const env = createDevEnv((l) => lines.push(l), { now: () => Date.parse('2026-11-29T20:00:00Z') });
    env.chat.send({ slug: 'echo', botDisplayName: 'Echo Bot', kind: 'bot', text: 'hello\n\u001b[31mred' });
    env.notifications.discord('echo', 'went live');
    const url = env.storage!.upload('echo', 'clip.png', new Uint8Array([1, 2]));
    expect(lines).toEqual([
      '[echo] chat  Echo Bot: hello  [31mred',
      '[echo] discord: went live',
      '[echo] upload: clip.png (2 bytes) → /uploads/echo/clip.png',
    ]);
    expect(env.chat.history('echo', 1)[0]).toMatchObject({ body: 'hello\n\u001b[31mred', user: { displayName: 'Echo Bot', isBot: true } });
    expect(env.uploads.get(url)?.data).toEqual(new Uint8Array([1, 2]));
  });

  it('mints session tokens the server can verify', () => {
    const now = Date.parse('2026-11-29T20:00:00Z');
    const env = createDevEnv(() => undefined, { now: () => now });
    const token = env.auth!.grantSession('gate', 'dev-user-1', 60);
    expect(verifySessionToken(env.sessionSecret, token, now / 1000 + 60)).toBe('dev-user-1');
    expect(verifySessionToken(env.sessionSecret, token, now / 1000 + 61)).toBeNull();
  });
});

describe('session tokens and TTLs (production authsession.go rules)', () => {
  const secret = new TextEncoder().encode('s3cret');

  it('round-trips, valid at exp and invalid at exp+1', () => {
    const token = signSessionToken(secret, 'user|with|bars', 1000);
    expect(verifySessionToken(secret, token, 1000)).toBe('user|with|bars');
    expect(verifySessionToken(secret, token, 1001)).toBeNull();
  });

  it('rejects a wrong secret, a tampered signature and malformed tokens', () => {
    const token = signSessionToken(secret, 'u1', 1000);
    expect(verifySessionToken(new TextEncoder().encode('other'), token, 0)).toBeNull();
    expect(verifySessionToken(secret, token.slice(0, -2) + (token.endsWith('A') ? 'BB' : 'AA'), 0)).toBeNull();
    for (const bad of ['', 'no-dot', 'a.b', '.', 'x.']) expect(verifySessionToken(secret, bad, 0)).toBeNull();
  });

  it('TTL 0 → 24 h, 60 → 1 min, huge → 30 d', () => {
    expect(clampSessionTtl(0)).toBe(86400);
    expect(clampSessionTtl(-5)).toBe(86400);
    expect(clampSessionTtl(60)).toBe(60);
    expect(clampSessionTtl(1e12)).toBe(30 * 86400);
  });
});

describe('the auth sink travels in the call context', () => {
  const sink: AuthSessionSink = { grant: () => undefined, end: () => undefined };

  it('is found in a context that carries it for that plugin only; outside any call there is none', () => {
    expect(authSinkIn({ slug: 'gate', authSink: sink }, 'gate')).toBe(sink);
    expect(authSinkIn({ slug: 'gate', authSink: sink }, 'other')).toBeNull();
    expect(authSinkIn({ slug: 'gate' }, 'gate')).toBeNull();
    expect(authSinkIn(undefined, 'gate')).toBeNull();
    expect(currentAuthSink('gate')).toBeNull();
  });

  it("the dispatcher's call context carries the sink it was given, and only that call's", async () => {
    const tracker = new CallTracker();
    const sinkOf = (authSink?: AuthSessionSink) =>
      tracker.run('gate', 0, async (ctx) => authSinkIn(ctx, 'gate'), authSink).then((r) => (r.settled.ok ? r.settled.value : 'failed'));
    const [withSink, without] = await Promise.all([sinkOf(sink), sinkOf()]);
    expect(withSink).toBe(sink);
    expect(without).toBeNull();
  });
});
