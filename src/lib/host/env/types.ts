// Owncast's own services as plugins reach them (DESIGN.md §2.3): the single seam between the
// host functions and whatever plays Owncast (a recording fake in tests, canned data in the
// dev server, the simulator's world). The wire types are production's (reference host §2.4:
// plugin-contract.json @51c6b84); fields marked "newer" come from the newest WIRE_PROTOCOL.md
// and are only sent when set, so they cannot break a plugin that does not know them.

/** owncast.stream.current(). */
export interface StreamInfo {
  online: boolean;
  title?: string;
  summary?: string;
  viewers: number;
  /** ISO-8601; empty when offline. */
  startedAt?: string;
  latencyLevel?: number;
}

/** owncast.server.info(). */
export interface ServerInfo {
  name?: string;
  url?: string;
  summary?: string;
  welcomeMessage?: string;
  version?: string;
}

/** owncast.stream.broadcaster(): the inbound feed, zero-valued when offline. */
export interface StreamBroadcaster {
  remoteAddr?: string;
  codecs?: string[];
  resolution?: string;
  framerate?: number;
  bitrates?: number[];
}

/** One output rendition. */
export interface StreamVariant {
  width: number;
  height: number;
  framerate: number;
  videoBitrate: number;
  audioBitrate: number;
  isPassthrough: boolean;
  /** Newer: encoder CPU usage level 0–4. */
  cpuUsageLevel?: number;
}

/** owncast.videoConfig.read(). */
export interface VideoConfig {
  latencyLevel: number;
  codec: string;
  variants: StreamVariant[];
  /** Newer: player autoplay policy. */
  autoplay?: 'off' | 'always' | 'sound-only';
}

/** owncast.videoConfig.write(): omitted fields stay as they are. */
export interface VideoConfigUpdate {
  latencyLevel?: number;
  codec?: string;
  variants?: StreamVariant[];
}

export interface SocialHandle {
  platform: string;
  url: string;
  icon?: string;
}

/** A custom chat emote: the `:name:` clients substitute and its image. */
export interface Emote {
  name: string;
  url: string;
}

export interface FederationInfo {
  enabled: boolean;
  username?: string;
  isPrivate?: boolean;
}

/** owncast.notifications.fediverse(). */
export interface FediversePayload {
  /** "follow", "like", "repost" or any custom string. */
  type: string;
  body: string;
  image?: string;
  link?: string;
}

/** owncast.notifications.browserPush(). */
export interface BrowserPushPayload {
  title: string;
  body?: string;
  url?: string;
}

/** The sender of a chat message (the same shape chat events carry). */
export interface HostChatUser {
  id: string;
  displayName: string;
  isBot?: boolean;
  isAuthenticated?: boolean;
  scopes?: string[];
}

/** One message of owncast.chat.history(), oldest first. */
export interface HostChatMessage {
  id: string;
  /** Absent for the rare message with no account behind it. */
  user?: HostChatUser | null;
  body: string;
  timestamp: string;
  /** Newer: the sending connection. */
  clientId?: number | bigint;
}

/** owncast.users.list() / get(). */
export interface HostUser {
  id: string;
  displayName: string;
  previousNames?: string[];
  createdAt?: string;
  /** ISO-8601 when disabled (banned), else empty. */
  disabledAt?: string;
  scopes?: string[];
  isBot?: boolean;
  isAuthenticated?: boolean;
  /** Newer: the user's chat colour index. */
  displayColor?: number;
}

/** A connected chat session (one user may have several). */
export interface HostChatClient {
  id: number | bigint;
  userId?: string;
  displayName?: string;
  connectedAt?: string;
  userAgent?: string;
  ipAddress?: string;
  messageCount: number;
}

/** How a plugin asked to post to chat; every kind posts under the plugin's own bot. */
export type ChatSendKind = 'bot' | 'action' | 'system';

export interface ChatSendRequest {
  /** Routes to the plugin's bot user. */
  slug: string;
  /** What viewers see: bot.displayName, else the plugin's name. */
  botDisplayName: string;
  kind: ChatSendKind;
  /** Plain text for bot/action; HTML for system. */
  text: string;
}

/** A users.register request after the host checked it. */
export interface UserRegistration {
  /** Already namespaced by the host ("plugin:<slug>:<authId as sent>"), so plugins cannot collide. */
  authId: string;
  /** As the plugin sent it, before namespacing. */
  pluginAuthId: string;
  displayName: string;
  scopes: string[];
  profileUrl: string;
  handle: string;
  public: boolean;
}

/**
 * Everything of Owncast's that the 49 host functions reach. Every call names the calling
 * plugin's slug first, so an implementation can attribute (and a recorder record) it.
 * Calls are synchronous: they run inside the plugin's wasm call. An implementation refuses
 * by throwing; for the calls that report errors to plugins (register, grantSession, upload,
 * fediverse post, video config write) the Error's message is what the plugin sees or the
 * host logs. Optional members are services some Owncast builds lack; without them the
 * host functions answer exactly as production does when the hook is nil.
 */
export interface HostEnv {
  chat: {
    send(req: ChatSendRequest): void;
    /** A private message to one connection. */
    sendTo(slug: string, clientId: bigint, text: string): void;
    /** The last `limit` messages (limit ≥ 1; the host applies the default of 50). */
    history(slug: string, limit: number): HostChatMessage[];
    clients(slug: string): HostChatClient[];
    deleteMessage(slug: string, messageId: string): void;
    kick(slug: string, clientId: bigint): void;
  };
  users: {
    list(slug: string): HostUser[];
    get(slug: string, id: string): HostUser | null;
    setEnabled(slug: string, userId: string, enabled: boolean, reason: string): void;
    banIP(slug: string, ip: string): void;
    /** Find-or-create the user for an external identity; returns its Owncast user id. */
    register?(slug: string, req: UserRegistration): string;
  };
  stream: {
    current(slug: string): StreamInfo;
    broadcaster(slug: string): StreamBroadcaster;
  };
  server: {
    info(slug: string): ServerInfo;
    socials(slug: string): SocialHandle[];
    emotes(slug: string): Emote[];
    federation(slug: string): FederationInfo;
    tags(slug: string): string[];
  };
  notifications: {
    discord(slug: string, text: string): void;
    browserPush(slug: string, payload: BrowserPushPayload): void;
    fediverse(slug: string, payload: FediversePayload): void;
  };
  /** Absent: owncast.fediverse.post answers null. */
  fediverse?: {
    /** Publishes a public note as the streamer; returns its URL. Rate limits are the host's. */
    post(slug: string, text: string): string;
  };
  /** Absent: owncast.storage.upload answers null. */
  storage?: {
    /** Stores a browser-reachable file; returns its public URL. */
    upload(slug: string, name: string, data: Uint8Array): string;
  };
  videoConfig: {
    read(slug: string): VideoConfig;
    /** Applies a validated partial update; throw to reject it (the plugin sees the message). */
    write?(slug: string, update: VideoConfigUpdate): void;
  };
  /** Absent: owncast.sse.send does nothing. */
  sse?: {
    send(slug: string, channel: string, event: string, data: string): void;
  };
  /** Absent: grantSession answers "auth.gate is not available on this host". */
  auth?: {
    /** Mints a session token for a registered user; ttlSeconds is already clamped. */
    grantSession(slug: string, userId: string, ttlSeconds: number): string;
    /** Optional server-side clean-up on logout; the cookie is cleared by the request sink. */
    endSession?(slug: string): void;
  };
}
