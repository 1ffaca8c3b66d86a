// Type declarations of `@owncast/plugin-sdk` as plugins see it inside the engine.
// The runtime is src/lib/sdk/runtime (compiled into the engine); plugins import it as
// an external module. Source-compatible with the reference SDK and the production engine.

// ---------------------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------------------

/** Filter verdicts. */
export declare const FilterAction: {
  readonly Pass: "pass";
  readonly Modify: "modify";
  readonly Drop: "drop";
};
export type FilterAction = (typeof FilterAction)[keyof typeof FilterAction];

/** Names of the built-in events. Custom events are any other string, delivered through `on`. */
export declare const Events: {
  /** A viewer sent a chat message. Payload {@link ChatMessage}. Notify: `onChatMessage`; filter: `filterChatMessage`. */
  readonly ChatMessageReceived: "chat.message.received";
  /** A user joined chat. Payload {@link ChatUser}. */
  readonly ChatUserJoined: "chat.user.joined";
  /** A user left chat. Payload {@link ChatUser}. */
  readonly ChatUserParted: "chat.user.parted";
  /** A user changed their display name. Payload {@link ChatUserRename}. */
  readonly ChatUserRenamed: "chat.user.renamed";
  /** A message was hidden or restored by a moderator. Payload {@link ChatMessageModeration}. */
  readonly ChatMessageModerated: "chat.message.moderated";
  /** The stream went live. Payload {@link StreamLifecycleEvent}. */
  readonly StreamStarted: "stream.started";
  /** The stream stopped. Payload {@link StreamLifecycleEvent}. */
  readonly StreamStopped: "stream.stopped";
  /** The stream title changed. Payload {@link StreamTitleChange}. */
  readonly StreamTitleChanged: "stream.title.changed";
  /** A browser opened one of this plugin's SSE streams. Payload {@link SSEConnectionEvent}. */
  readonly SseConnect: "sse.connect";
  /** A browser closed one of this plugin's SSE streams. Payload {@link SSEConnectionEvent}. */
  readonly SseDisconnect: "sse.disconnect";
  /** About once a second, for plugins that define `onTick`. Payload {@link TickEvent}. */
  readonly Tick: "tick";
  /** A verified inbound ActivityPub activity (raw JSON object). Needs `fediverse.inbound`. */
  readonly FediverseActivity: "fediverse.activity";
  /** Someone followed the streamer. Payload {@link FediverseEngagement}. Needs `fediverse.inbound`. */
  readonly FediverseFollow: "fediverse.follow";
  /** Someone liked a streamer post. Payload {@link FediverseEngagement}. Needs `fediverse.inbound`. */
  readonly FediverseLike: "fediverse.like";
  /** Someone boosted a streamer post. Payload {@link FediverseEngagement}. Needs `fediverse.inbound`. */
  readonly FediverseRepost: "fediverse.repost";
  /** Someone quoted a streamer post. Payload {@link FediverseEngagement}. Needs `fediverse.inbound`. */
  readonly FediverseQuote: "fediverse.quote";
  /** Someone mentioned the streamer. Payload {@link FediverseInboundPost}. Needs `fediverse.inbound`. */
  readonly FediverseMention: "fediverse.mention";
  /** Someone replied to a streamer post. Payload {@link FediverseInboundPost}. Needs `fediverse.inbound`. */
  readonly FediverseReply: "fediverse.reply";
};
/** A built-in event name. */
export type EventType = (typeof Events)[keyof typeof Events];

/** Permission identifiers for `plugin.manifest.json`'s `permissions` array. */
export declare const Permissions: {
  /** `owncast.chat.send`, `sendAction`, `system`, `sendTo`, `replyTo`. */
  readonly ChatSend: "chat.send";
  /** `owncast.chat.history`, `owncast.chat.clients`. */
  readonly ChatHistory: "chat.history";
  /** `owncast.chat.deleteMessage`, `owncast.chat.kick`. */
  readonly ChatModerate: "chat.moderate";
  /** Required to define `filterChatMessage`. */
  readonly ChatFilter: "chat.filter";
  /** `owncast.kv`. */
  readonly StorageKV: "storage.kv";
  /** `owncast.storage.upload`. */
  readonly StorageUpload: "storage.upload";
  /** `owncast.fs`. */
  readonly StorageFS: "storage.fs";
  /** `owncast.sql` (also reachable as `owncast.storage.sql`). */
  readonly StorageSQL: "storage.sql";
  /** `owncast.events.emit`. */
  readonly EventsEmit: "events.emit";
  /** `owncast.http.fetch`, limited to `network.allowedHosts`. */
  readonly NetworkFetch: "network.fetch";
  /** `onHttpRequest` and static files under `/plugins/<slug>/`. */
  readonly HttpServe: "http.serve";
  /** `owncast.sse.send` and the `/plugins/<slug>/_sse` endpoint. */
  readonly HttpSSE: "http.sse";
  /** `owncast.stream.*`, `owncast.server.*`. */
  readonly ServerRead: "server.read";
  /** `owncast.notifications.*`. */
  readonly NotificationsSend: "notifications.send";
  /** `owncast.users.list`, `owncast.users.get`. */
  readonly UsersRead: "users.read";
  /** `owncast.users.setEnabled`, `owncast.users.banIP`. */
  readonly UsersModerate: "users.moderate";
  /** `owncast.users.register`. */
  readonly UsersRegister: "users.register";
  /** `owncast.auth.*` and `onAuthCheck`: this plugin is the viewer authentication gate. */
  readonly AuthGate: "auth.gate";
  /** `owncast.fediverse.post`. High trust: posts go out under the streamer's handle. */
  readonly FediversePost: "fediverse.post";
  /** Receive the `fediverse.*` events. */
  readonly FediverseInbound: "fediverse.inbound";
  /** `owncast.videoConfig.read`. */
  readonly VideoConfigRead: "videoconfig.read";
  /** `owncast.videoConfig.write`. */
  readonly VideoConfigWrite: "videoconfig.write";
  /** `owncast.actions.*`, manifest UI fields, `onPageStyles`, `onPageScripts`, tab and page content. */
  readonly UIModify: "ui.modify";
};
/** A permission identifier. */
export type Permission = (typeof Permissions)[keyof typeof Permissions];

// ---------------------------------------------------------------------------------------
// Event payloads
// ---------------------------------------------------------------------------------------

/** A chat user (the sender of a message, or the payload of join/part events). */
export interface ChatUser {
  /** Stable user id: use it for per-user state. */
  id: string;
  displayName: string;
  isBot?: boolean;
  isAuthenticated?: boolean;
  /** Scopes such as `"MODERATOR"`: use them, not display names, for moderation gating. */
  scopes?: string[];
}

/**
 * A chat message (`chat.message.received`, the chat filter, `owncast.chat.history()`).
 * `user` is the sender's identity (undefined for the rare message without one);
 * `clientId` identifies the sender's connection, for `owncast.chat.sendTo`/`replyTo`.
 */
export interface ChatMessage {
  id: string;
  user?: ChatUser;
  /** The sending connection, when known. */
  clientId?: number;
  /** The message text. */
  body: string;
  /** RFC 3339 timestamp. */
  timestamp: string;
}

/** Payload of `chat.user.renamed`. */
export interface ChatUserRename {
  user: ChatUser;
  previousName: string;
}

/** Payload of `chat.message.moderated`. */
export interface ChatMessageModeration {
  messageId: string;
  /** false when hidden, true when restored. */
  visible: boolean;
  moderator?: ChatUser;
}

/** Payload of `stream.started` / `stream.stopped`. */
export interface StreamLifecycleEvent {
  /** ISO-8601, set for stream.started. */
  startedAt?: string;
  /** ISO-8601, set for stream.stopped. */
  stoppedAt?: string;
  title?: string;
  summary?: string;
}

/** Payload of `stream.title.changed`. */
export interface StreamTitleChange {
  from: string;
  to: string;
}

/** The account behind a fediverse event. */
export interface FediverseActor {
  name: string;
  /** e.g. "@alice@fediverse.example". */
  handle: string;
  url?: string;
  image?: string;
}

/** Payload of `fediverse.follow`, `.like`, `.repost`, `.quote`. */
export interface FediverseEngagement {
  actor: FediverseActor;
  /** The liked/reposted object (not set for follows). */
  target?: { url: string };
}

/** Payload of `fediverse.mention` / `fediverse.reply`: a post with content. */
export interface FediverseInboundPost {
  actor: FediverseActor;
  /** HTML from the source instance: escape or strip before echoing it. */
  content: string;
  /** The content with HTML stripped. */
  contentText: string;
  /** Permalink on the source instance. */
  url: string;
  /** ISO-8601. */
  postedAt: string;
  /** Parent post URL, for replies. */
  inReplyTo?: string;
  attachments?: { url: string; mediaType: string; alt?: string }[];
  language?: string;
}

/** Payload of `fediverse.activity`: the verified ActivityPub activity as JSON. */
export type FediverseActivity = Record<string, unknown>;

/** Payload of `sse.connect` / `sse.disconnect`. */
export interface SSEConnectionEvent {
  channel: string;
  /** Unique per connection for the host's lifetime: pairs a disconnect with its connect. */
  connectionId: number;
  /** Present when the connection carried a chat identity. */
  user?: User;
}

/** Payload of `tick`. */
export interface TickEvent {
  /** Host wall-clock time in unix milliseconds. */
  now: number;
}

/** Payload of a custom event: whatever JSON value the emitter passed. */
export type CustomEventPayload = any;

// ---------------------------------------------------------------------------------------
// Filters, HTTP, content and auth
// ---------------------------------------------------------------------------------------

/** What a filter handler returns. Returning nothing (or any falsy value) means pass. */
export type FilterResult =
  | { action: "pass" }
  | { action: "modify"; payload: any }
  | { action: "drop"; reason?: string };

/** Builders for {@link FilterResult}. */
export declare const filter: {
  /** Let the payload through unchanged. */
  pass(): FilterResult;
  /** Replace the payload (later filters and subscribers see the new one). */
  modify(payload: any): FilterResult;
  /** Stop the event: no later filter and no subscriber sees it. */
  drop(reason?: string): FilterResult;
};

/** A request to the plugin under `/plugins/<slug>/` that is not a static file. */
export interface IncomingHttpRequest {
  method: string;
  /** Relative to `/plugins/<slug>` (cleaned, percent-decoded, trailing slash stripped). */
  path: string;
  /** First value of each parameter (`accessToken` is removed). */
  query: Record<string, string>;
  /** First value of each header (`Cookie` is removed). */
  headers: Record<string, string>;
  body: string;
  remoteAddr: string;
  /** True when the request carried Owncast authentication (admin or user). */
  authenticated: boolean;
  /** The requesting user, when the host resolved one. */
  user?: ChatUser;
}

/**
 * The response of `onHttpRequest`. Missing status → 200, missing headers → none,
 * missing body → "". A `Uint8Array`/`ArrayBuffer` body is sent as binary (`bodyBase64`).
 * Only allow-listed headers reach the browser (content-type, cache-control, location,
 * set-cookie, access-control-*, ...).
 */
export interface OutgoingHttpResponse {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Uint8Array | ArrayBuffer;
  /** Binary body, base64-encoded; used only when `body` is absent. */
  bodyBase64?: string;
}

/** Input of `onTabContent` / `onPageContent`. */
export interface ContentRequest {
  /** The tab's or page-content slot's slug, as declared in the manifest. */
  slug: string;
  /** The viewer's chat identity, when known. */
  user?: ChatUser;
}

/** Input of `onAuthCheck`: the viewer holding a session granted by this plugin. */
export interface AuthCheckRequest {
  user?: ChatUser;
}

/** Verdict of `onAuthCheck`. */
export type AuthCheckResult =
  | { action: "ok" }
  | { action: "refresh"; ttl?: number }
  | { action: "deny"; reason?: string };

/** Builders for {@link AuthCheckResult}. */
export declare const authCheck: {
  /** Keep the session. */
  ok(): AuthCheckResult;
  /** Keep the session and extend its cookie (`ttl` seconds; host default when omitted). */
  refresh(opts?: { ttl?: number }): AuthCheckResult;
  /** End the session: the viewer is sent back to the login screen. */
  deny(reason?: string): AuthCheckResult;
};

// ---------------------------------------------------------------------------------------
// Chat commands
// ---------------------------------------------------------------------------------------

/** What a command's `run` receives. */
export interface CommandContext {
  /** The chat message that invoked the command. */
  msg: ChatMessage;
  /** The sender (`msg.user`). */
  user?: ChatUser;
  /** The canonical command name (even when invoked through an alias). */
  command: string;
  /** The word as typed (an alias, or a different casing). */
  invokedAs: string;
  /** Whitespace-separated arguments after the command word. */
  args: string[];
  /** Everything after the command word, trimmed, inner spacing kept. */
  argString: string;
  /** Post a public reply as the plugin's bot (needs `chat.send`). */
  reply(text: string): void;
  /** Whisper to the sender; falls back to a public reply when the connection is unknown (needs `chat.send`). */
  replyPrivately(text: string): void;
}

/**
 * A chat command. The host matches messages (`<prefix><name or alias> args...`), enforces
 * `modOnly` and `cooldownMs`, lists commands in `!help`, and calls `run`.
 */
export interface CommandDefinition {
  /** Shown in `!help`. */
  description?: string;
  /** Usage example, e.g. "!so <user>". */
  usage?: string;
  /** Other words that invoke this command. */
  aliases?: string[];
  /** Only senders with the `MODERATOR` scope may run it (hidden from others in `!help`). */
  modOnly?: boolean;
  /** Minimum milliseconds between runs per user (a non-negative integer). */
  cooldownMs?: number;
  /** Runs the command. May be async. */
  run(ctx: CommandContext): void | Promise<void>;
}

/** One entry of register()'s `commands`, derived from {@link PluginDef.commands}. */
export interface CommandRegistration {
  name: string;
  prefix: string;
  description: string;
  usage: string;
  aliases: string[];
  modOnly: boolean;
  caseSensitive: boolean;
  cooldownMs: number;
}

// ---------------------------------------------------------------------------------------
// The plugin definition
// ---------------------------------------------------------------------------------------

/** A notify handler: fire-and-forget; may be async (the engine waits within the call's budget). */
export type Notify<T> = (payload: T) => void | Promise<void>;

/**
 * Everything a plugin may define. Each typed handler subscribes to its event; `on` adds
 * custom (or any) events; `commands` declares chat commands. Errors thrown (or promises
 * rejected) by handlers fail the call and count as a strike.
 */
export interface PluginDef {
  /** Notify: a chat message was accepted (`chat.message.received`). */
  onChatMessage?: Notify<ChatMessage>;
  /**
   * Filter chat messages before anyone sees them: return `filter.pass()`, `filter.modify(msg)`
   * or `filter.drop(reason)`; nothing means pass. Budget 50 ms; a failure lets the message
   * through. Requires `chat.filter`.
   */
  filterChatMessage?(msg: ChatMessage): FilterResult | void | null | undefined | Promise<FilterResult | void | null | undefined>;
  /** Filter order among plugins: lower runs earlier. Default 100. */
  filterPriority?: number;

  /** Notify: a user joined chat. */
  onChatUserJoined?: Notify<ChatUser>;
  /** Notify: a user left chat. */
  onChatUserParted?: Notify<ChatUser>;
  /** Notify: a user changed their display name. */
  onChatUserRenamed?: Notify<ChatUserRename>;
  /** Notify: a message was hidden or restored by a moderator. */
  onMessageModerated?: Notify<ChatMessageModeration>;

  /** Notify: the stream went live. */
  onStreamStarted?: Notify<StreamLifecycleEvent>;
  /** Notify: the stream stopped. */
  onStreamStopped?: Notify<StreamLifecycleEvent>;
  /** Notify: the stream title changed. */
  onStreamTitleChanged?: Notify<StreamTitleChange>;

  /** Notify: a browser opened one of this plugin's SSE streams (requires `http.sse`). */
  onSseConnect?: Notify<SSEConnectionEvent>;
  /** Notify: a browser closed one of this plugin's SSE streams (requires `http.sse`). */
  onSseDisconnect?: Notify<SSEConnectionEvent>;

  /** Runs about once a second; defining it opts in to the `tick` event. */
  onTick?: Notify<TickEvent>;

  /** Notify: a verified inbound ActivityPub activity (requires `fediverse.inbound`). */
  onFediverse?: Notify<FediverseActivity>;
  /** Notify: someone followed the streamer (requires `fediverse.inbound`). */
  onFediverseFollow?: Notify<FediverseEngagement>;
  /** Notify: someone liked a streamer post (requires `fediverse.inbound`). */
  onFediverseLike?: Notify<FediverseEngagement>;
  /** Notify: someone boosted a streamer post (requires `fediverse.inbound`). */
  onFediverseRepost?: Notify<FediverseEngagement>;
  /** Notify: someone quoted a streamer post (requires `fediverse.inbound`). */
  onFediverseQuote?: Notify<FediverseEngagement>;
  /** Notify: someone mentioned the streamer (requires `fediverse.inbound`). */
  onFediverseMention?: Notify<FediverseInboundPost>;
  /** Notify: someone replied to a streamer post (requires `fediverse.inbound`). */
  onFediverseReply?: Notify<FediverseInboundPost>;

  /**
   * Custom events by name (and any built-in event without a typed handler here; a typed
   * handler wins). Hooks are namespaced by the host: `on: {ping}` in plugin `a` receives
   * `owncast.events.emit("a.ping", ...)` and is called under its local name `ping`.
   */
  on?: { [eventType: string]: (payload: CustomEventPayload) => void | Promise<void> };

  /** Chat commands by canonical name. */
  commands?: Record<string, CommandDefinition>;
  /** Prefix for every command of this plugin. Default "!". */
  commandPrefix?: string;
  /** Match command names case-sensitively. Default false. */
  commandsCaseSensitive?: boolean;

  /**
   * Handles requests under `/plugins/<slug>/` that are not static files from `public/`.
   * Default-public: check `req.authenticated` / `req.user` yourself. Returning nothing gives
   * an empty 200; without this handler the answer is 404. Budget 5 s. Requires `http.serve`.
   */
  onHttpRequest?(req: IncomingHttpRequest): OutgoingHttpResponse | void | null | undefined | Promise<OutgoingHttpResponse | void | null | undefined>;

  /**
   * Re-validates a viewer's session (only for the active `auth.gate` plugin, on page loads).
   * Nothing, or no handler, means `ok`. The host fails closed on error. Requires `auth.gate`.
   */
  onAuthCheck?(req: AuthCheckRequest): AuthCheckResult | void | null | undefined | Promise<AuthCheckResult | void | null | undefined>;

  /** HTML of a dynamic tab declared in the manifest without static content. Requires `ui.modify`. */
  onTabContent?(req: ContentRequest): string | void | null | undefined | Promise<string | void | null | undefined>;
  /** HTML of the dynamic extraPageContent slot. Requires `ui.modify`. */
  onPageContent?(req: ContentRequest): string | void | null | undefined | Promise<string | void | null | undefined>;
  /**
   * CSS appended to the viewer page (after the manifest's `styles`), once per `/api/config`.
   * Global, no per-viewer input. Requires `ui.modify`.
   */
  onPageStyles?(): string | void | null | undefined | Promise<string | void | null | undefined>;
  /**
   * JavaScript appended to the viewer page, once per `/api/config`; the host wraps it in
   * try/catch, but it shares `window`: wrap it in an IIFE. Requires `ui.modify`.
   */
  onPageScripts?(): string | void | null | undefined | Promise<string | void | null | undefined>;
}

/**
 * Registers the plugin (the last call wins) and returns its definition. The engine derives
 * the plugin's subscriptions and commands from it; `module.exports` is not needed.
 * Throws a TypeError when the `commands` table is invalid (bad prefix, aliases or cooldown).
 */
export declare function definePlugin(def: PluginDef): PluginDef;

// ---------------------------------------------------------------------------------------
// Host data types
// ---------------------------------------------------------------------------------------

/** `owncast.stream.current()`. */
export interface StreamInfo {
  online: boolean;
  title?: string;
  summary?: string;
  viewers: number;
  startedAt?: string;
  latencyLevel?: number;
}

/** `owncast.server.info()`. */
export interface ServerInfo {
  name?: string;
  url?: string;
  summary?: string;
  welcomeMessage?: string;
  version?: string;
}

/** `owncast.stream.broadcaster()`: empty when offline. */
export interface StreamBroadcaster {
  remoteAddr?: string;
  codecs?: string[];
  resolution?: string;
  framerate?: number;
  bitrates?: number[];
}

/** One output rendition of the video config. */
export interface StreamVariant {
  width: number;
  height: number;
  framerate: number;
  videoBitrate: number;
  audioBitrate?: number;
  /** 0–4 (newer hosts). */
  cpuUsageLevel?: number;
  isPassthrough: boolean;
}

/** `owncast.videoConfig.read()`. */
export interface VideoConfig {
  latencyLevel: number;
  codec: string;
  variants: StreamVariant[];
  /** Newer hosts. */
  autoplay?: "off" | "always" | "sound-only";
}

/** `owncast.videoConfig.write()`: omitted fields stay unchanged. */
export interface VideoConfigUpdate {
  latencyLevel?: number;
  codec?: string;
  variants?: StreamVariant[];
}

/** `owncast.server.socials()`. */
export interface SocialHandle {
  platform: string;
  url: string;
  icon?: string;
}

/** `owncast.server.emotes()`: a custom emote (`:name:` → image). */
export interface Emote {
  name: string;
  url: string;
}

/** `owncast.server.federation()`. */
export interface FederationInfo {
  enabled: boolean;
  username?: string;
  isPrivate?: boolean;
}

/** A user record (`owncast.users.list()` / `get()`). */
export interface User {
  id: string;
  displayName: string;
  previousNames?: string[];
  createdAt?: string;
  /** ISO-8601 when disabled (banned). */
  disabledAt?: string;
  scopes?: string[];
  isBot?: boolean;
  isAuthenticated?: boolean;
  displayColor?: number;
}

/** A connected chat client (`owncast.chat.clients()`). */
export interface ChatClient {
  id: number;
  userId?: string;
  displayName?: string;
  connectedAt?: string;
  userAgent?: string;
  ipAddress?: string;
  messageCount: number;
}

/** `owncast.storage.upload()`. */
export interface UploadResult {
  url: string;
}

/** `owncast.fs.write()` / `delete()`: `ok` is false and `error` set when refused. */
export interface FsResult {
  ok: boolean;
  error?: string;
}

/** `owncast.notifications.browserPush()`. */
export interface BrowserPushPayload {
  title: string;
  body?: string;
  url?: string;
}

/** `owncast.notifications.fediverse()`. */
export interface FediversePayload {
  type: "follow" | "like" | "repost" | string;
  body: string;
  image?: string;
  link?: string;
}

/** A viewer action button (`manifest.actions`, `owncast.actions.add`). Exactly one of url/html. */
export interface ActionButton {
  /** Button label. */
  title: string;
  /** Opened when pressed; "/x" is rewritten to "/plugins/<slug>/x" (needs `http.serve`). */
  url?: string;
  /** Raw HTML shown when pressed. */
  html?: string;
  icon?: string;
  /** Accent colour, e.g. "#3b82f6". */
  color?: string;
  description?: string;
  /** Open in a new tab instead of a modal. */
  openExternally?: boolean;
}

/** `manifest.network`. */
export interface NetworkConfig {
  /** Host globs `owncast.http.fetch` may reach ("api.example.com", "*.example.com", "*"). */
  allowedHosts: string[];
}

/** Options of `owncast.http.fetch`. */
export interface HttpRequestOpts {
  method?: "GET" | "POST" | "PUT" | "DELETE" | "PATCH" | "HEAD";
  headers?: Record<string, string>;
  /** Sent as `String(body)`. */
  body?: string;
}

/** Result of `owncast.http.fetch`. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** `owncast.users.register()` input. */
export interface UserRegisterRequest {
  /** Stable id at the external provider (namespaced by the host per plugin). */
  authId: string;
  displayName?: string;
  scopes?: string[];
  profileUrl?: string;
  handle?: string;
  public?: boolean;
}

/** `owncast.users.register()` result. */
export interface UserRegisterResult {
  userId: string;
}

/** `owncast.auth.grantSession()` input. */
export interface GrantSessionRequest {
  userId: string;
  /** Seconds; 0 or omitted → host default (24 h), capped at 30 days. */
  ttl?: number;
}

/** A value bound to or read from SQL. */
export type SQLValue = null | boolean | number | string;

/** `owncast.sql.exec()` result. */
export interface SQLExecResult {
  rowsAffected: number;
  lastInsertId: number;
}

/** A row from `owncast.sql.query()`, keyed by column name. */
export type SQLRow = Record<string, SQLValue>;

// ---------------------------------------------------------------------------------------
// The host API
// ---------------------------------------------------------------------------------------

/** Without its permission a call does nothing and returns the documented fallback. */
export interface ChatApi {
  /** Post as the plugin's bot. Requires `chat.send`. */
  send(text: string): void;
  /** Post in action style ("/me"). Requires `chat.send`. */
  sendAction(text: string): void;
  /** Post a system message (HTML: escape untrusted text). Requires `chat.send`. */
  system(html: string): void;
  /** Private message to one chat client. Requires `chat.send`. */
  sendTo(clientId: number | bigint, text: string): void;
  /** Whisper to the sender of `msg` (or to a client id); false when the connection is unknown. Requires `chat.send`. */
  replyTo(msg: ChatMessage | number | bigint, text: string): boolean;
  /** Recent messages, oldest first (default and ≤ 0: 50). Requires `chat.history`; fallback `[]`. */
  history(limit?: number): ChatMessage[];
  /** Connected chat clients. Requires `chat.history`; fallback `[]`. */
  clients(): ChatClient[];
  /** Hide a message. Requires `chat.moderate`. */
  deleteMessage(messageId: string): void;
  /** Disconnect a client. Requires `chat.moderate`. */
  kick(clientId: number | bigint): void;
}

export interface UsersApi {
  /** All users. Requires `users.read`; fallback `[]`. */
  list(): User[];
  /** One user, or null. Requires `users.read`. */
  get(id: string): User | null;
  /** Enable or disable (ban) a user. Requires `users.moderate`. */
  setEnabled(id: string, enabled: boolean, reason?: string): void;
  /** Ban an IP address. Requires `users.moderate`. */
  banIP(ip: string): void;
  /** Find or create the user for an external identity. Throws on failure. Requires `users.register`. */
  register(req: UserRegisterRequest | string): UserRegisterResult;
}

export interface AuthApi {
  /** Sign the viewer in (only inside onHttpRequest; sets the session cookie). Throws on failure. Requires `auth.gate`. */
  grantSession(req: GrantSessionRequest | string): void;
  /** Sign the viewer out (clears the session cookie). Requires `auth.gate`. */
  endSession(): void;
}

export interface SqlApi {
  /** Run statements in one transaction. Throws on error. Requires `storage.sql`. */
  exec(sql: string, params?: SQLValue[]): SQLExecResult;
  /** Run a query; rows keyed by column. Throws on error (e.g. more than 10 000 rows without LIMIT). Requires `storage.sql`. */
  query<T extends SQLRow = SQLRow>(sql: string, params?: SQLValue[]): T[];
  /** The first row of a query, or null. Requires `storage.sql`. */
  queryRow<T extends SQLRow = SQLRow>(sql: string, params?: SQLValue[]): T | null;
}

export interface StorageApi {
  /** Upload a file to Owncast's storage (local or S3); its public URL, or null. Requires `storage.upload`. */
  upload(name: string, data: Uint8Array | ArrayBuffer | string): UploadResult | null;
  /** The plugin's SQLite database (same object as `owncast.sql`). Requires `storage.sql`. */
  sql: SqlApi;
}

/** The plugin's private, sandboxed files (never served). Requires `storage.fs`. */
export interface FsApi {
  /** Raw bytes, or null when missing. */
  read(path: string): Uint8Array | null;
  /** UTF-8 text, or null when missing. */
  readText(path: string): string | null;
  /** Write bytes or text, creating parent directories. */
  write(path: string, data: Uint8Array | ArrayBuffer | string): FsResult;
  /** Names directly inside `dir` ("" is the root); a missing directory lists as `[]`. */
  list(dir?: string): string[];
  /** Remove a file or an empty directory. */
  delete(path: string): FsResult;
  exists(path: string): boolean;
}

export interface KvApi {
  /** The stored string, or null. Requires `storage.kv`. */
  get(key: string): string | null;
  /** Store `String(value)` (key ≤ 1 KiB, value ≤ 256 KiB). Requires `storage.kv`. */
  set(key: string, value: string | number | boolean): void;
  /** The stored JSON value, or `fallback` when missing or invalid. Requires `storage.kv`. */
  getJSON<T = unknown>(key: string, fallback?: T): T;
  /** Store a value as JSON. Requires `storage.kv`. */
  setJSON(key: string, value: unknown): void;
}

export interface TimerApi {
  /** Run `fn` once after about `ms` (host minimum 100 ms, maximum 24 h). Returns an id. Throws past 64 pending timers. */
  setTimeout(fn: () => void | Promise<void>, ms: number): number;
  /** Run `fn` every `ms` until cleared; the next run is armed after `fn` returns. Returns an id. */
  setInterval(fn: () => void | Promise<void>, ms: number): number;
  /** Cancel a timeout or interval. */
  clear(id: number): void;
  /** Alias of clear(). */
  clearTimeout(id: number): void;
  /** Alias of clear(). */
  clearInterval(id: number): void;
}

/** The Owncast host API. */
export declare const owncast: {
  chat: ChatApi;
  users: UsersApi;
  /** Viewer authentication gate. Requires `auth.gate`. */
  auth: AuthApi;
  storage: StorageApi;
  /** The plugin's SQLite database. Requires `storage.sql`. */
  sql: SqlApi;
  fs: FsApi;
  fediverse: {
    /** Publish a public post as the streamer; `{url}` or null (rate-limited, disabled...). Requires `fediverse.post`. */
    post(text: string): UploadResult | null;
  };
  /** Requires `notifications.send`. */
  notifications: {
    /** Post through the configured Discord webhook. */
    discord(text: string): void;
    /** Browser push to subscribers; a string is the title. */
    browserPush(payload: string | BrowserPushPayload): void;
    /** Fediverse engagement notification. */
    fediverse(payload: FediversePayload): void;
  };
  /** Requires `server.read`. */
  stream: {
    /** Fallback `{online: false, viewers: 0}`. */
    current(): StreamInfo;
    /** Fallback `{}`. */
    broadcaster(): StreamBroadcaster;
  };
  /** Requires `server.read`. */
  server: {
    /** Fallback `{}`. */
    info(): ServerInfo;
    /** Fallback `[]`. */
    socials(): SocialHandle[];
    /** Fallback `[]`. */
    emotes(): Emote[];
    /** Fallback `{enabled: false}`. */
    federation(): FederationInfo;
    /** Fallback `[]`. */
    tags(): string[];
  };
  videoConfig: {
    /** Requires `videoconfig.read`; fallback `{latencyLevel: 0, codec: "", variants: []}`. */
    read(): VideoConfig;
    /** Partial update; throws when the host refuses it. Requires `videoconfig.write`. */
    write(update: VideoConfigUpdate): void;
  };
  kv: KvApi;
  /** The plugin's admin settings (manifest `config`); no permission needed. */
  config: {
    /** The admin's value, else the declared default, parsed; `fallback` for an unknown key or no value. */
    get<T = unknown>(key: string, fallback?: T): T;
  };
  /** Files shipped in the package's `assets/` (not served); no permission needed. */
  assets: {
    /** Raw bytes, or null. The path is relative to assets/ and must not contain "..". */
    read(path: string): Uint8Array | null;
    /** UTF-8 text, or null. */
    readText(path: string): string | null;
  };
  /** The plugin's log in the Owncast admin (sanitised, ≤ 4 KiB per entry); no permission needed. */
  log: {
    info(...message: unknown[]): void;
    warning(...message: unknown[]): void;
    /** Alias of warning(). */
    warn(...message: unknown[]): void;
    error(...message: unknown[]): void;
  };
  events: {
    /**
     * Emit a custom event to other plugins; address a hook as "<slug>.<hook>". Delivered
     * after this call, never back to the emitter; chains stop at depth 8. Requires `events.emit`.
     */
    emit(eventType: string, payload?: unknown): void;
  };
  /** Runtime viewer action buttons. Requires `ui.modify`. */
  actions: {
    /** Append buttons (validated like `manifest.actions`). */
    add(buttons: ActionButton | ActionButton[]): void;
    /** Drop the runtime buttons (manifest ones stay). */
    clear(): void;
  };
  /** Requires `http.sse`. */
  sse: {
    /** Push an event to `/plugins/<slug>/_sse/<channel>` ("" event → "message"); non-strings are JSON. */
    send(channel: string, event: string, data: unknown): void;
  };
  /** Host-driven timers (there is no global setTimeout); no permission needed. */
  timer: TimerApi;
  /** Requires `network.fetch` and `manifest.network.allowedHosts`. */
  http: {
    /** Synchronous HTTP request; throws when the host is not allowed. */
    fetch(url: string, opts?: HttpRequestOpts): HttpResponse;
  };
};
