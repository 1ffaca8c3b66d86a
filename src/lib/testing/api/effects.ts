// What plugins did, as plain data for a JS test: every effect a scenario's final `expect` can
// check, in the shapes those keys compare (reference-plugin-sdk §J.5), read from the harness's
// recording of the host.

import type { EffectLog, SlugFilter } from '../harness/effects.js';

/** A chat message sent to one connection (owncast.chat.sendTo). */
export interface ChatToEffect {
  /** The connection id: a number, or decimal digits when it is beyond a double's precision. */
  clientId: number | string;
  text: string;
}

/** An event a plugin emitted (owncast.events.emit). */
export interface EmitEffect {
  eventType: string;
  /** The payload as the plugin sent it (null for none). */
  payload: unknown;
}

/** An outbound request a plugin made (owncast.http.fetch), answered from `given.httpResponses`. */
export interface HttpRequestEffect {
  url: string;
  method: string;
  body: string;
}

export interface BrowserPushEffect {
  title: string;
  body?: string;
  url?: string;
}

export interface FediverseNotificationEffect {
  type: string;
  body: string;
  image?: string;
  link?: string;
}

export interface UserModerationEffect {
  userId: string;
  enabled: boolean;
  reason: string;
}

export interface UploadEffect {
  name: string;
  /** The uploaded bytes as UTF-8 text. */
  body: string;
}

export interface VideoConfigWriteEffect {
  latencyLevel?: number;
  codec?: string;
  variants?: {
    name?: string;
    width?: number;
    height?: number;
    framerate?: number;
    videoBitrate?: number;
    audioBitrate?: number;
    isPassthrough?: boolean;
  }[];
}

/** A line the plugin logged (console.* and owncast.log.*). */
export interface LogEffect {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
}

/** A frame sent to the plugin's event streams (owncast.sse.send). */
export interface SseEffect {
  channel: string;
  event: string;
  data: string;
}

/** Everything recorded, one list per final `expect` key of a scenario, in call order. */
export interface Effects {
  /** owncast.chat.send as the plugin's bot. */
  chatSends: string[];
  /** owncast.chat.sendAction. */
  chatActions: string[];
  /** owncast.chat.sendSystem. */
  chatSystems: string[];
  chatTo: ChatToEffect[];
  emits: EmitEffect[];
  httpRequests: HttpRequestEffect[];
  deletedMessages: string[];
  kickedClients: (number | string)[];
  discordPosts: string[];
  browserPushes: BrowserPushEffect[];
  fediversePosts: FediverseNotificationEffect[];
  /** owncast.fediverse.post texts. */
  fediverseOutbox: string[];
  userModerations: UserModerationEffect[];
  bannedIPs: string[];
  uploads: UploadEffect[];
  videoConfigWrites: VideoConfigWriteEffect[];
  logs: LogEffect[];
  sse: SseEffect[];
}

export const EFFECT_KEYS = [
  'chatSends',
  'chatActions',
  'chatSystems',
  'chatTo',
  'emits',
  'httpRequests',
  'deletedMessages',
  'kickedClients',
  'discordPosts',
  'browserPushes',
  'fediversePosts',
  'fediverseOutbox',
  'userModerations',
  'bannedIPs',
  'uploads',
  'videoConfigWrites',
  'logs',
  'sse',
] as const satisfies readonly (keyof Effects)[];

/** One effect list, read fresh (a copy the test may keep or change). */
export function readEffect<K extends keyof Effects>(log: EffectLog, key: K, only: SlugFilter): Effects[K] {
  const read: { [P in keyof Effects]: () => Effects[P] } = {
    chatSends: () => log.chat('bot', only),
    chatActions: () => log.chat('action', only),
    chatSystems: () => log.chat('system', only),
    chatTo: () => log.chatTo(only),
    emits: () => log.emitsOf(only).map(({ eventType, payload }) => ({ eventType, payload })),
    httpRequests: () => log.requestsOf(only).map(({ url, method, body }) => ({ url, method, body })),
    deletedMessages: () => log.deletedMessages(only),
    kickedClients: () => log.kickedClients(only),
    discordPosts: () => log.discordPosts(only),
    browserPushes: () => log.browserPushes(only).map((p) => ({ ...p })),
    fediversePosts: () => log.fediversePosts(only).map((p) => ({ ...p })),
    fediverseOutbox: () => log.fediverseOutbox(only),
    userModerations: () => log.userModerations(only),
    bannedIPs: () => log.bannedIPs(only),
    uploads: () => log.uploads(only),
    videoConfigWrites: () => log.videoConfigWrites(only).map((u) => structuredClone(u)),
    logs: () => log.logsOf(only).map(({ level, message }) => ({ level, message })),
    sse: () => log.sse(only),
  };
  return read[key]();
}

/** Every effect list at once. */
export function readEffects(log: EffectLog, only: SlugFilter): Effects {
  return Object.fromEntries(EFFECT_KEYS.map((key) => [key, readEffect(log, key, only)])) as unknown as Effects;
}
