// The simulator's Owncast (DESIGN §2.3, the third HostEnv beside the recording fake and the
// dev stubs): a world the script drives (the stream going live, viewers, who is in the chat
// and with which scopes, the chat log) on the simulation's clock, and every effect a plugin
// has on Owncast (moderation, notifications, posts, uploads, config writes) reported as it
// happens. Chat posts are reported by the host's activity observer, not here.

import { newSessionSecret, signSessionToken } from '../host/env/index.js';
import type { EnvWorld, HostChatClient, HostChatMessage, HostEnv, HostUser, VideoConfigUpdate } from '../host/env/index.js';
import { applyVideoConfigUpdate, createWorld } from '../host/env/index.js';
import type { ScriptUser, SimScript } from './script.js';

/** Something a plugin did to Owncast besides posting to chat. */
export type WorldEffect =
  | { kind: 'moderation'; slug: string; action: 'hide-message' | 'kick' | 'disable-user' | 'enable-user' | 'ban-ip'; target: string; reason?: string }
  | { kind: 'notification'; slug: string; channel: 'discord' | 'browser-push' | 'fediverse'; text: string }
  | { kind: 'fediverse-post'; slug: string; text: string; url: string }
  | { kind: 'upload'; slug: string; name: string; bytes: number; url: string }
  | { kind: 'video-config'; slug: string; update: VideoConfigUpdate }
  | { kind: 'user-registered'; slug: string; authId: string; userId: string }
  | { kind: 'session'; slug: string; userId: string };

export interface SimulatorEnvOptions {
  world: EnvWorld;
  /** The simulation's clock, Unix ms. */
  now(): number;
  effect(effect: WorldEffect): void;
}

/** Messages the simulated chat log keeps (plugins read them with owncast.chat.history). */
export const SIM_HISTORY_LIMIT = 500;

export interface SimulatorEnv extends HostEnv {
  readonly world: EnvWorld;
  /** Puts a user in the chat: their user record and a chat connection. Idempotent. */
  join(user: ScriptUser): HostChatClient;
  /** Takes their connections out of the chat. */
  part(userId: string): void;
  /** A user's chat connection, if they are in the chat. */
  clientOf(userId: string): HostChatClient | undefined;
  /** Adds a message Owncast accepted (after the filters) to the chat log. */
  recordChat(message: HostChatMessage): void;
}

/** The world a script starts from: its stream, server and cast (nobody in the chat yet). */
export function scriptWorld(script: SimScript, startMs: number): EnvWorld {
  const s = script.stream;
  return createWorld({
    stream: {
      online: s.online,
      title: s.title,
      ...(s.summary ? { summary: s.summary } : {}),
      viewers: s.viewers,
      ...(s.online ? { startedAt: new Date(startMs - s.liveForMs).toISOString() } : {}),
      latencyLevel: 2,
    },
    server: script.server,
    federation: { enabled: true, username: 'streamer', isPrivate: false },
    socials: [{ platform: 'mastodon', url: 'https://social.example/@streamer' }],
    tags: ['simulated'],
    users: script.users.map((u) => hostUser(u, startMs)),
    videoConfig: {
      latencyLevel: 2,
      codec: 'libx264',
      variants: [{ width: 1280, height: 720, framerate: 30, videoBitrate: 2500, audioBitrate: 128, isPassthrough: false }],
    },
  });
}

function hostUser(u: ScriptUser, now: number): HostUser {
  return {
    id: u.id,
    displayName: u.displayName,
    createdAt: new Date(now - 30 * 24 * 3_600_000).toISOString(),
    scopes: [...u.scopes],
    ...(u.isBot ? { isBot: true } : {}),
    ...(u.isAuthenticated ? { isAuthenticated: true } : {}),
  };
}

export function createSimulatorEnv(opts: SimulatorEnvOptions): SimulatorEnv {
  const { world, now, effect } = opts;
  const iso = () => new Date(now()).toISOString();
  const sessionSecret = newSessionSecret();
  const registered = new Map<string, string>();
  let nextClient = 1;
  let posts = 0;

  const env: SimulatorEnv = {
    world,

    join(user) {
      if (!world.users.some((u) => u.id === user.id)) world.users.push(hostUser(user, now()));
      const existing = env.clientOf(user.id);
      if (existing) return existing;
      const client: HostChatClient = {
        id: nextClient++,
        userId: user.id,
        displayName: user.displayName,
        connectedAt: iso(),
        userAgent: 'owncast-plugin simulate',
        ipAddress: `192.0.2.${(Number(nextClient) % 250) + 1}`,
        messageCount: 0,
      };
      world.chatClients.push(client);
      return client;
    },
    part(userId) {
      world.chatClients = world.chatClients.filter((c) => c.userId !== userId);
    },
    clientOf: (userId) => world.chatClients.find((c) => c.userId === userId),
    recordChat(message) {
      world.chatHistory.push(message);
      if (world.chatHistory.length > SIM_HISTORY_LIMIT) world.chatHistory.splice(0, world.chatHistory.length - SIM_HISTORY_LIMIT);
      const client = message.user ? env.clientOf(message.user.id) : undefined;
      if (client) client.messageCount++;
    },

    chat: {
      send: ({ slug, botDisplayName, kind, text }) => {
        const user = kind === 'system' ? null : { id: `bot-${slug}`, displayName: botDisplayName, isBot: true };
        env.recordChat({ id: `sim-bot-${world.chatHistory.length + 1}`, user, body: text, timestamp: iso() });
      },
      sendTo: () => undefined,
      history: (_slug, limit) => world.chatHistory.slice(-limit),
      clients: () => world.chatClients,
      deleteMessage: (slug, messageId) => effect({ kind: 'moderation', slug, action: 'hide-message', target: messageId }),
      kick: (slug, clientId) => {
        const client = world.chatClients.find((c) => BigInt(c.id) === clientId);
        world.chatClients = world.chatClients.filter((c) => c !== client);
        effect({ kind: 'moderation', slug, action: 'kick', target: client?.displayName ?? `client ${clientId}` });
      },
    },

    users: {
      list: () => world.users,
      get: (_slug, id) => world.users.find((u) => u.id === id) ?? null,
      setEnabled: (slug, userId, enabled, reason) => {
        const user = world.users.find((u) => u.id === userId);
        if (user) user.disabledAt = enabled ? '' : iso();
        if (!enabled) env.part(userId);
        effect({ kind: 'moderation', slug, action: enabled ? 'enable-user' : 'disable-user', target: user?.displayName ?? userId, ...(reason ? { reason } : {}) });
      },
      banIP: (slug, ip) => effect({ kind: 'moderation', slug, action: 'ban-ip', target: ip }),
      register: (slug, req) => {
        let id = registered.get(req.authId);
        if (!id) {
          id = `sim-user-${registered.size + 1}`;
          registered.set(req.authId, id);
          world.users.push({ id, displayName: req.displayName || req.handle || req.pluginAuthId, createdAt: iso(), scopes: [...req.scopes], isAuthenticated: true });
          effect({ kind: 'user-registered', slug, authId: req.authId, userId: id });
        }
        return id;
      },
    },

    stream: {
      current: () => world.stream,
      broadcaster: () => (world.stream.online ? world.broadcaster : {}),
    },

    server: {
      info: () => world.server,
      socials: () => world.socials,
      emotes: () => world.emotes,
      federation: () => world.federation,
      tags: () => world.tags,
    },

    notifications: {
      discord: (slug, text) => effect({ kind: 'notification', slug, channel: 'discord', text }),
      browserPush: (slug, p) => effect({ kind: 'notification', slug, channel: 'browser-push', text: p.body ? `${p.title}: ${p.body}` : p.title }),
      fediverse: (slug, p) => effect({ kind: 'notification', slug, channel: 'fediverse', text: `${p.type}: ${p.body}` }),
    },

    fediverse: {
      post: (slug, text) => {
        const url = `${world.server.url || 'https://owncast.example'}/federation/notes/sim-${++posts}`;
        effect({ kind: 'fediverse-post', slug, text, url });
        return url;
      },
    },

    storage: {
      upload: (slug, name, data) => {
        const url = `/uploads/${encodeURIComponent(slug)}/${encodeURIComponent(name)}`;
        effect({ kind: 'upload', slug, name, bytes: data.byteLength, url });
        return url;
      },
    },

    videoConfig: {
      read: () => world.videoConfig,
      write: (slug, update) => {
        world.videoConfig = applyVideoConfigUpdate(world.videoConfig, update);
        effect({ kind: 'video-config', slug, update });
      },
    },

    // SSE sends reach the activity observer; the simulator has no browsers to send them to
    sse: { send: () => undefined },

    auth: {
      grantSession: (slug, userId, ttlSeconds) => {
        effect({ kind: 'session', slug, userId });
        return signSessionToken(sessionSecret, userId, Math.floor(now() / 1000) + ttlSeconds);
      },
    },
  };
  return env;
}
