import type {
  Emote,
  FederationInfo,
  HostChatClient,
  HostChatMessage,
  HostUser,
  ServerInfo,
  SocialHandle,
  StreamBroadcaster,
  StreamInfo,
  VideoConfig,
  VideoConfigUpdate,
} from './types.js';

/** The state a fake Owncast answers reads from. Writes that can be read back update it. */
export interface EnvWorld {
  stream: StreamInfo;
  broadcaster: StreamBroadcaster;
  server: ServerInfo;
  socials: SocialHandle[];
  emotes: Emote[];
  federation: FederationInfo;
  tags: string[];
  /** Oldest first. */
  chatHistory: HostChatMessage[];
  chatClients: HostChatClient[];
  users: HostUser[];
  videoConfig: VideoConfig;
}

export type EnvSeed = Partial<EnvWorld>;

/** Production's zero values (what a hook-less host answers): offline, nothing configured. */
export function emptyWorld(): EnvWorld {
  return {
    stream: { online: false, viewers: 0 },
    broadcaster: {},
    server: {},
    socials: [],
    emotes: [],
    federation: { enabled: false },
    tags: [],
    chatHistory: [],
    chatClients: [],
    users: [],
    videoConfig: { latencyLevel: 0, codec: '', variants: [] },
  };
}

/** A seeded world: the seed's values over the zero values (copied, so the seed stays untouched). */
export function createWorld(seed: EnvSeed = {}): EnvWorld {
  return { ...emptyWorld(), ...structuredClone(seed) };
}

/** A believable live stream, for the dev server and for tests that want non-empty answers. */
export function sampleWorld(now = Date.parse('2026-11-29T20:00:00Z')): EnvWorld {
  const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString();
  const viewer = { id: 'u-ada', displayName: 'ada', isAuthenticated: true };
  const mod = { id: 'u-grace', displayName: 'grace', isAuthenticated: true, scopes: ['MODERATOR'] };
  const guest = { id: 'u-guest42', displayName: 'curious-otter' };
  return {
    stream: {
      online: true,
      title: 'Friday night speedruns',
      summary: 'Any% attempts until something breaks',
      viewers: 42,
      startedAt: at(95),
      latencyLevel: 2,
    },
    broadcaster: {
      remoteAddr: '203.0.113.7:51234',
      codecs: ['h264', 'aac'],
      resolution: '1920x1080',
      framerate: 60,
      bitrates: [6000, 160],
    },
    server: {
      name: 'Owncast Dev',
      url: 'http://localhost:8080',
      summary: 'A local Owncast for plugin development',
      welcomeMessage: 'Welcome! Be kind in chat.',
      version: 'Owncast v0.2.3-dev',
    },
    socials: [
      { platform: 'mastodon', url: 'https://social.example/@streamer', icon: '/img/platformlogos/mastodon.svg' },
      { platform: 'github', url: 'https://github.com/owncast/owncast', icon: '/img/platformlogos/github.svg' },
    ],
    emotes: [
      { name: 'owncast', url: '/img/emoji/owncast.png' },
      { name: 'party', url: '/img/emoji/party.gif' },
    ],
    federation: { enabled: true, username: 'streamer', isPrivate: false },
    tags: ['speedrun', 'retro', 'chill'],
    chatHistory: [
      { id: 'msg-1', user: viewer, body: 'hello everyone!', timestamp: at(30) },
      { id: 'msg-2', user: mod, body: 'welcome in, ada', timestamp: at(29) },
      { id: 'msg-3', user: guest, body: 'first time here, what game is this?', timestamp: at(12) },
      { id: 'msg-4', user: viewer, body: 'gg on that split', timestamp: at(2) },
    ],
    chatClients: [
      {
        id: 101,
        userId: 'u-ada',
        displayName: 'ada',
        connectedAt: at(31),
        userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0',
        ipAddress: '198.51.100.23',
        messageCount: 2,
      },
      {
        id: 102,
        userId: 'u-grace',
        displayName: 'grace',
        connectedAt: at(40),
        userAgent: 'Mozilla/5.0 (Macintosh) Safari/18.1',
        ipAddress: '198.51.100.77',
        messageCount: 1,
      },
      {
        id: 103,
        userId: 'u-guest42',
        displayName: 'curious-otter',
        connectedAt: at(13),
        userAgent: 'Mozilla/5.0 (Android 15) Chrome/131.0',
        ipAddress: '192.0.2.140',
        messageCount: 1,
      },
    ],
    users: [
      { id: 'u-ada', displayName: 'ada', createdAt: at(60 * 24 * 90), scopes: [], isAuthenticated: true },
      {
        id: 'u-grace',
        displayName: 'grace',
        previousNames: ['gracie'],
        createdAt: at(60 * 24 * 400),
        scopes: ['MODERATOR'],
        isAuthenticated: true,
      },
      { id: 'u-guest42', displayName: 'curious-otter', createdAt: at(13) },
    ],
    videoConfig: {
      latencyLevel: 2,
      codec: 'libx264',
      variants: [
        { width: 1920, height: 1080, framerate: 60, videoBitrate: 6000, audioBitrate: 160, isPassthrough: false },
        { width: 1280, height: 720, framerate: 30, videoBitrate: 2500, audioBitrate: 128, isPassthrough: false },
      ],
    },
  };
}

/** Applies a validated partial update: omitted fields stay as they are. */
export function applyVideoConfigUpdate(current: VideoConfig, update: VideoConfigUpdate): VideoConfig {
  return {
    ...current,
    ...(update.latencyLevel !== undefined ? { latencyLevel: update.latencyLevel } : {}),
    ...(update.codec !== undefined ? { codec: update.codec } : {}),
    ...(update.variants !== undefined ? { variants: structuredClone(update.variants) } : {}),
  };
}
