// Constants of the @owncast/plugin-sdk module as seen from inside a plugin.
// Names and values follow the production SDK, so plugins written for the
// reference SDK or for the production engine run unchanged.

export const FilterAction = Object.freeze({
  Pass: "pass",
  Modify: "modify",
  Drop: "drop",
} as const);

/** Built-in event types (production host §2.4), including `tick`. */
export const Events = Object.freeze({
  ChatMessageReceived: "chat.message.received",
  ChatUserJoined: "chat.user.joined",
  ChatUserParted: "chat.user.parted",
  ChatUserRenamed: "chat.user.renamed",
  ChatMessageModerated: "chat.message.moderated",
  StreamStarted: "stream.started",
  StreamStopped: "stream.stopped",
  StreamTitleChanged: "stream.title.changed",
  SseConnect: "sse.connect",
  SseDisconnect: "sse.disconnect",
  Tick: "tick",
  FediverseActivity: "fediverse.activity",
  FediverseFollow: "fediverse.follow",
  FediverseLike: "fediverse.like",
  FediverseRepost: "fediverse.repost",
  FediverseQuote: "fediverse.quote",
  FediverseMention: "fediverse.mention",
  FediverseReply: "fediverse.reply",
} as const);

/** Host → plugin only: never subscribable, never emittable. */
export const InternalEvents = Object.freeze({
  ChatCommand: "chat.command",
  TimerFire: "timer.fire",
} as const);

/** The 23 permission identifiers (21 of the contract + fediverse.inbound, storage.sql). */
export const Permissions = Object.freeze({
  ChatSend: "chat.send",
  ChatHistory: "chat.history",
  ChatModerate: "chat.moderate",
  ChatFilter: "chat.filter",
  StorageKV: "storage.kv",
  StorageUpload: "storage.upload",
  StorageFS: "storage.fs",
  StorageSQL: "storage.sql",
  EventsEmit: "events.emit",
  NetworkFetch: "network.fetch",
  HttpServe: "http.serve",
  HttpSSE: "http.sse",
  ServerRead: "server.read",
  NotificationsSend: "notifications.send",
  UsersRead: "users.read",
  UsersModerate: "users.moderate",
  UsersRegister: "users.register",
  AuthGate: "auth.gate",
  FediversePost: "fediverse.post",
  FediverseInbound: "fediverse.inbound",
  VideoConfigRead: "videoconfig.read",
  VideoConfigWrite: "videoconfig.write",
  UIModify: "ui.modify",
} as const);

export interface FilterResultShape {
  action: string;
  payload?: unknown;
  reason?: string;
}

export const filter = Object.freeze({
  pass(): FilterResultShape {
    return { action: FilterAction.Pass };
  },
  modify(payload: unknown): FilterResultShape {
    return { action: FilterAction.Modify, payload };
  },
  drop(reason?: string): FilterResultShape {
    return { action: FilterAction.Drop, reason: reason || "" };
  },
});

/** Verdict helpers for onAuthCheck. */
export const authCheck = Object.freeze({
  ok() {
    return { action: "ok" };
  },
  refresh(opts?: { ttl?: number }) {
    return Object.assign({ action: "refresh" }, opts || {});
  },
  deny(reason?: string) {
    return { action: "deny", reason: reason || "" };
  },
});

export const NOTIFY = 0;
export const FILTER = 1;

/**
 * Typed handler method → [event type, kind], in table order. The order decides the
 * order of `subscriptions` in register(); each event has at most one notify handler.
 */
export const HANDLERS: ReadonlyArray<readonly [string, string, number]> = [
  ["onChatMessage", Events.ChatMessageReceived, NOTIFY],
  ["filterChatMessage", Events.ChatMessageReceived, FILTER],
  ["onChatUserJoined", Events.ChatUserJoined, NOTIFY],
  ["onChatUserParted", Events.ChatUserParted, NOTIFY],
  ["onChatUserRenamed", Events.ChatUserRenamed, NOTIFY],
  ["onMessageModerated", Events.ChatMessageModerated, NOTIFY],
  ["onStreamStarted", Events.StreamStarted, NOTIFY],
  ["onStreamStopped", Events.StreamStopped, NOTIFY],
  ["onStreamTitleChanged", Events.StreamTitleChanged, NOTIFY],
  ["onSseConnect", Events.SseConnect, NOTIFY],
  ["onSseDisconnect", Events.SseDisconnect, NOTIFY],
  ["onTick", Events.Tick, NOTIFY],
  ["onFediverse", Events.FediverseActivity, NOTIFY],
  ["onFediverseFollow", Events.FediverseFollow, NOTIFY],
  ["onFediverseLike", Events.FediverseLike, NOTIFY],
  ["onFediverseRepost", Events.FediverseRepost, NOTIFY],
  ["onFediverseQuote", Events.FediverseQuote, NOTIFY],
  ["onFediverseMention", Events.FediverseMention, NOTIFY],
  ["onFediverseReply", Events.FediverseReply, NOTIFY],
];

function index(kind: number): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const [method, event, k] of HANDLERS) if (k === kind) out[event] = method;
  return out;
}

/** event type → notify handler method name (built once). */
export const NOTIFY_METHOD = index(NOTIFY);
/** event type → filter handler method name (built once). */
export const FILTER_METHOD = index(FILTER);
