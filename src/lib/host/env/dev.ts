import { newSessionSecret, signSessionToken } from './auth.js';
import type { HostChatMessage, HostEnv, HostUser } from './types.js';
import { applyVideoConfigUpdate, sampleWorld, type EnvSeed, type EnvWorld } from './world.js';

export interface DevEnvOptions {
  /** Overrides of the sample world (a live stream with a few viewers, users and messages). */
  seed?: EnvSeed;
  /** Wall clock in ms; injectable for tests. */
  now?: () => number;
  /** Secret for session tokens; random per process unless given. */
  sessionSecret?: Uint8Array;
}

export interface DevUpload {
  slug: string;
  name: string;
  data: Uint8Array;
}

export interface DevEnv extends HostEnv {
  world: EnvWorld;
  /** What plugins uploaded, by the URL path they were given. */
  readonly uploads: Map<string, DevUpload>;
  /** Verifies the owncast_session cookies this env minted (verifySessionToken). */
  readonly sessionSecret: Uint8Array;
  /**
   * Adds a message to the chat log (the dev server's accepted /_dev/chat messages), with an
   * id and a timestamp when it has none; the log keeps the last HISTORY_LIMIT. Returns it as stored.
   */
  recordChat(message: Omit<HostChatMessage, 'id' | 'timestamp'> & Partial<Pick<HostChatMessage, 'id' | 'timestamp'>>): HostChatMessage;
}

/** Messages the dev chat log keeps (plugins read them with owncast.chat.history). */
export const HISTORY_LIMIT = 500;
const PRINT_MAX = 300;

/** Plugin text on one terminal line: control characters (ANSI escapes included) become spaces. */
function oneLine(text: string): string {
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  return clean.length > PRINT_MAX ? `${clean.slice(0, PRINT_MAX)}…` : clean;
}

/**
 * The dev server's Owncast: believable data to read, and a printed line for everything a
 * plugin does to Owncast. Chat sends land in the chat history, registered users in the user
 * list, video config writes in the config and uploads in `uploads`, so plugins see their own
 * effects when they read them back.
 */
export function createDevEnv(print: (line: string) => void, options: DevEnvOptions = {}): DevEnv {
  const now = options.now ?? Date.now;
  const world: EnvWorld = { ...sampleWorld(now()), ...structuredClone(options.seed ?? {}) };
  const sessionSecret = options.sessionSecret ?? newSessionSecret();
  const uploads = new Map<string, DevUpload>();
  const registered = new Map<string, string>();
  let messages = 0;
  let posts = 0;
  const say = (slug: string, what: string) => print(`[${slug}] ${oneLine(what)}`);

  const findUser = (id: string): HostUser | undefined => env.world.users.find((u) => u.id === id);

  const env: DevEnv = {
    world,
    uploads,
    sessionSecret,

    recordChat(message) {
      const stored: HostChatMessage = { ...message, id: message.id ?? `dev-msg-${++messages}`, timestamp: message.timestamp ?? new Date(now()).toISOString() };
      env.world.chatHistory.push(stored);
      if (env.world.chatHistory.length > HISTORY_LIMIT) env.world.chatHistory.splice(0, env.world.chatHistory.length - HISTORY_LIMIT);
      return stored;
    },

    chat: {
      send: ({ slug, botDisplayName, kind, text }) => {
        const shown = kind === 'action' ? `* ${botDisplayName} ${text}` : kind === 'system' ? `(system) ${text}` : `${botDisplayName}: ${text}`;
        say(slug, `chat  ${shown}`);
        const user = kind === 'system' ? null : { id: `bot-${slug}`, displayName: botDisplayName, isBot: true };
        env.recordChat({ user, body: text });
      },
      sendTo: (slug, clientId, text) => say(slug, `chat → client ${clientId}: ${text}`),
      history: (_slug, limit) => env.world.chatHistory.slice(-limit),
      clients: () => env.world.chatClients,
      deleteMessage: (slug, messageId) => say(slug, `moderation: hid message ${messageId}`),
      kick: (slug, clientId) => {
        say(slug, `moderation: kicked client ${clientId}`);
        env.world.chatClients = env.world.chatClients.filter((c) => BigInt(c.id) !== clientId);
      },
    },

    users: {
      list: () => env.world.users,
      get: (_slug, id) => findUser(id) ?? null,
      setEnabled: (slug, userId, enabled, reason) => {
        say(slug, `moderation: ${enabled ? 'enabled' : 'disabled'} user ${userId}${reason ? ` (${reason})` : ''}`);
        const user = findUser(userId);
        if (user) user.disabledAt = enabled ? '' : new Date(now()).toISOString();
      },
      banIP: (slug, ip) => say(slug, `moderation: banned IP ${ip}`),
      register: (slug, req) => {
        let id = registered.get(req.authId);
        if (!id) {
          id = `dev-user-${registered.size + 1}`;
          registered.set(req.authId, id);
          env.world.users.push({
            id,
            displayName: req.displayName || req.handle || req.pluginAuthId,
            createdAt: new Date(now()).toISOString(),
            scopes: [...req.scopes],
            isAuthenticated: true,
          });
          say(slug, `users: registered ${req.authId} as ${id}`);
        }
        return id;
      },
    },

    stream: {
      current: () => env.world.stream,
      broadcaster: () => env.world.broadcaster,
    },

    server: {
      info: () => env.world.server,
      socials: () => env.world.socials,
      emotes: () => env.world.emotes,
      federation: () => env.world.federation,
      tags: () => env.world.tags,
    },

    notifications: {
      discord: (slug, text) => say(slug, `discord: ${text}`),
      browserPush: (slug, p) => say(slug, `browser push: ${p.title}${p.body ? ` — ${p.body}` : ''}${p.url ? ` (${p.url})` : ''}`),
      fediverse: (slug, p) => say(slug, `fediverse notification (${p.type}): ${p.body}`),
    },

    fediverse: {
      post: (slug, text) => {
        say(slug, `fediverse post: ${text}`);
        const base = env.world.server.url || 'http://localhost:8080';
        return `${base}/federation/notes/dev-${++posts}`;
      },
    },

    storage: {
      upload: (slug, name, data) => {
        const url = `/uploads/${encodeURIComponent(slug)}/${encodeURIComponent(name)}`;
        uploads.set(url, { slug, name, data: data.slice() });
        say(slug, `upload: ${name} (${data.byteLength} bytes) → ${url}`);
        return url;
      },
    },

    videoConfig: {
      read: () => env.world.videoConfig,
      write: (slug, update) => {
        env.world.videoConfig = applyVideoConfigUpdate(env.world.videoConfig, update);
        say(slug, `video config: ${JSON.stringify(update)}`);
      },
    },

    sse: {
      send: (slug, channel, event, data) => say(slug, `sse ${channel || '(default)'}${event ? ` ${event}` : ''}: ${data}`),
    },

    auth: {
      grantSession: (slug, userId, ttlSeconds) => {
        say(slug, `auth: session for ${userId} (${ttlSeconds} s)`);
        return signSessionToken(sessionSecret, userId, Math.floor(now() / 1000) + ttlSeconds);
      },
      endSession: (slug) => say(slug, 'auth: session ended'),
    },
  };
  return env;
}
