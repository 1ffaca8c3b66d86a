import type { HostEnv } from './types.js';
import { applyVideoConfigUpdate, createWorld, type EnvSeed, type EnvWorld } from './world.js';

/** One call a plugin's host function made into Owncast, in call order. */
export interface RecordedCall {
  slug: string;
  /** "chat.send", "users.register", "videoConfig.write", ... (the HostEnv path). */
  fn: string;
  /** The call's arguments by name (payload objects as received). */
  args: Record<string, unknown>;
}

/** Calls that can be told to fail, with the message the plugin (or the log) then sees. */
export type FailingCall = 'users.register' | 'auth.grantSession' | 'storage.upload' | 'fediverse.post' | 'videoConfig.write';

export interface RecordingEnvOptions {
  failures?: Partial<Record<FailingCall, string>>;
}

export interface RecordingEnv extends HostEnv {
  /** Every call, reads included, in order. */
  readonly calls: RecordedCall[];
  /** What reads answer; change it between calls to change the answers. */
  world: EnvWorld;
  /** Make a call fail (a message) or succeed again (undefined). */
  failures: Partial<Record<FailingCall, string>>;
  /** The calls to one function, in order. */
  callsOf(fn: string): RecordedCall[];
  /** Forget the recorded calls (the world stays). */
  clear(): void;
}

/**
 * A fake Owncast for tests: records every call with the calling plugin's slug and answers
 * reads from a world seeded with production-shaped data (production's zero values where the
 * seed says nothing; `sampleWorld()` gives a believable live stream). Writes that can be read
 * back (video config, registered users) update the world; uploads and fediverse posts answer
 * the reference host's mock URLs.
 */
export function createRecordingEnv(seed: EnvSeed = {}, options: RecordingEnvOptions = {}): RecordingEnv {
  const calls: RecordedCall[] = [];
  const record = (slug: string, fn: string, args: Record<string, unknown> = {}) => {
    calls.push({ slug, fn, args });
  };
  const failIf = (fn: FailingCall) => {
    const message = env.failures[fn];
    if (message !== undefined) throw new Error(message);
  };
  let posts = 0;
  let sessions = 0;
  const registered = new Map<string, string>();

  const env: RecordingEnv = {
    calls,
    world: createWorld(seed),
    failures: { ...options.failures },
    callsOf: (fn) => calls.filter((c) => c.fn === fn),
    clear: () => void calls.splice(0),

    chat: {
      send: (req) => record(req.slug, 'chat.send', { kind: req.kind, text: req.text, botDisplayName: req.botDisplayName }),
      sendTo: (slug, clientId, text) => record(slug, 'chat.sendTo', { clientId, text }),
      history: (slug, limit) => {
        record(slug, 'chat.history', { limit });
        return env.world.chatHistory.slice(-limit);
      },
      clients: (slug) => {
        record(slug, 'chat.clients');
        return env.world.chatClients;
      },
      deleteMessage: (slug, messageId) => record(slug, 'chat.deleteMessage', { messageId }),
      kick: (slug, clientId) => record(slug, 'chat.kick', { clientId }),
    },

    users: {
      list: (slug) => {
        record(slug, 'users.list');
        return env.world.users;
      },
      get: (slug, id) => {
        record(slug, 'users.get', { id });
        return env.world.users.find((u) => u.id === id) ?? null;
      },
      setEnabled: (slug, userId, enabled, reason) => record(slug, 'users.setEnabled', { userId, enabled, reason }),
      banIP: (slug, ip) => record(slug, 'users.banIP', { ip }),
      register: (slug, req) => {
        record(slug, 'users.register', { ...req });
        failIf('users.register');
        let id = registered.get(req.authId);
        if (!id) {
          id = `user-${registered.size + 1}`;
          registered.set(req.authId, id);
          env.world.users.push({
            id,
            displayName: req.displayName || req.handle || req.pluginAuthId,
            scopes: [...req.scopes],
            isAuthenticated: true,
          });
        }
        return id;
      },
    },

    stream: {
      current: (slug) => {
        record(slug, 'stream.current');
        return env.world.stream;
      },
      broadcaster: (slug) => {
        record(slug, 'stream.broadcaster');
        return env.world.broadcaster;
      },
    },

    server: {
      info: (slug) => {
        record(slug, 'server.info');
        return env.world.server;
      },
      socials: (slug) => {
        record(slug, 'server.socials');
        return env.world.socials;
      },
      emotes: (slug) => {
        record(slug, 'server.emotes');
        return env.world.emotes;
      },
      federation: (slug) => {
        record(slug, 'server.federation');
        return env.world.federation;
      },
      tags: (slug) => {
        record(slug, 'server.tags');
        return env.world.tags;
      },
    },

    notifications: {
      discord: (slug, text) => record(slug, 'notifications.discord', { text }),
      browserPush: (slug, payload) => record(slug, 'notifications.browserPush', { payload }),
      fediverse: (slug, payload) => record(slug, 'notifications.fediverse', { payload }),
    },

    fediverse: {
      post: (slug, text) => {
        record(slug, 'fediverse.post', { text });
        failIf('fediverse.post');
        return `mock://fediverse/${slug}/${++posts}`;
      },
    },

    storage: {
      upload: (slug, name, data) => {
        record(slug, 'storage.upload', { name, data });
        failIf('storage.upload');
        return `mock://uploads/${name}`;
      },
    },

    videoConfig: {
      read: (slug) => {
        record(slug, 'videoConfig.read');
        return env.world.videoConfig;
      },
      write: (slug, update) => {
        record(slug, 'videoConfig.write', { update });
        failIf('videoConfig.write');
        env.world.videoConfig = applyVideoConfigUpdate(env.world.videoConfig, update);
      },
    },

    sse: {
      send: (slug, channel, event, data) => record(slug, 'sse.send', { channel, event, data }),
    },

    auth: {
      grantSession: (slug, userId, ttlSeconds) => {
        record(slug, 'auth.grantSession', { userId, ttlSeconds });
        failIf('auth.grantSession');
        return `session-${++sessions}`;
      },
      endSession: (slug) => record(slug, 'auth.endSession'),
    },
  };
  return env;
}
