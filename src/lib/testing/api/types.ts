// The shapes a JS test writes: a scenario's `given`, its final `expect` and whole scenarios,
// exactly as in a `__tests__/*.test.json` file (schemas/scenario.schema.json is the reference;
// README "Scenario tests" documents each key). Strings in assertions written `/.../` are
// regular expressions.

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
} from '../../host/env/types.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A string compared exactly, or a regular expression written `/.../`. */
export type StringPattern = string;

/** A file's content: text, or bytes as base64. */
export type FileInput = string | { base64: string };

/** An SQL statement run on the plugin's database before the steps. */
export type SqlSeedInput = string | { sql: string; params?: JsonValue[] };

/** The storage and settings of one plugin. */
export interface PluginGivenInput {
  /** KV values (strings, as owncast.kv stores them). */
  kv?: Record<string, string>;
  /** storage.fs files by relative path. */
  fs?: Record<string, FileInput>;
  /** Admin values of the manifest's config keys. */
  config?: Record<string, JsonValue>;
  sql?: SqlSeedInput[];
}

/** A canned answer to an outbound request; the first that matches wins. */
export interface HttpFixtureInput {
  /** A glob over the whole URL (`*` also matches `/` and `?`). */
  url: string;
  method?: string;
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** The state a plugin starts from: a scenario's `given`. */
export interface GivenInput extends PluginGivenInput {
  httpResponses?: HttpFixtureInput[];
  stream?: Partial<StreamInfo>;
  server?: Partial<ServerInfo>;
  broadcaster?: Partial<StreamBroadcaster>;
  socials?: Partial<SocialHandle>[];
  federation?: Partial<FederationInfo>;
  tags?: string[];
  videoConfig?: Partial<VideoConfig>;
  chatHistory?: Partial<HostChatMessage>[];
  chatClients?: Partial<HostChatClient>[];
  users?: Partial<HostUser>[];
  emotes?: Partial<Emote>[];
  /** Storage and settings of the other loaded plugins, by slug. */
  plugins?: Record<string, PluginGivenInput>;
}

/** A scenario's final `expect`: a key left out is not checked; `[]` asserts that nothing happened. */
export interface ExpectInput {
  chatSends?: StringPattern[];
  chatActions?: StringPattern[];
  chatSystems?: StringPattern[];
  chatTo?: { clientId: number; text: StringPattern }[];
  /** payload matches partially. */
  emits?: { eventType: StringPattern; payload?: JsonValue }[];
  /** Only the keys listed; a missing key reads as "". */
  kv?: Record<string, StringPattern>;
  httpRequests?: { url: StringPattern; method?: StringPattern; body?: StringPattern }[];
  deletedMessages?: StringPattern[];
  kickedClients?: number[];
  discordPosts?: StringPattern[];
  browserPushes?: { title: StringPattern; body?: StringPattern; url?: StringPattern }[];
  fediversePosts?: { type: StringPattern; body?: StringPattern; image?: StringPattern; link?: StringPattern }[];
  fediverseOutbox?: StringPattern[];
  userModerations?: { userId: StringPattern; enabled?: boolean; reason?: StringPattern }[];
  bannedIPs?: StringPattern[];
  uploads?: { name: StringPattern; body?: StringPattern }[];
  videoConfigWrites?: VideoConfigUpdate[];
  logs?: (StringPattern | { level?: 'debug' | 'info' | 'warn' | 'error'; message: StringPattern })[];
  /** data: a string compared with the frame as sent; anything else with the frame read as JSON (partially). */
  sse?: { channel?: StringPattern; event?: StringPattern; data?: JsonValue }[];
  /** Path → content; null: the file must not exist. */
  fs?: Record<string, StringPattern | { base64: string } | null>;
  /** Rows match partially, in order. */
  sql?: { query: string; params?: JsonValue[]; rows: Record<string, JsonValue>[] }[];
  strikes?: number;
  disabled?: boolean;
  /** The same keys, narrowed to one plugin's own effects and storage. */
  plugins?: Record<string, Omit<ExpectInput, 'plugins'>>;
}

/** One step of a scenario's `events` list: exactly one of event, filter, http, command, advance, emit. */
export type StepInput =
  | { event: string; payload?: JsonValue }
  | { filter: string; payload?: JsonValue; expect?: { action: 'pass' | 'modify' | 'drop'; payload?: JsonValue; reason?: StringPattern } }
  | {
      http: {
        method?: string;
        path: string;
        headers?: Record<string, string>;
        body?: string;
        authenticated?: boolean;
        user?: Partial<HostUser>;
        plugin?: string;
        expect?: { status?: number; headers?: Record<string, StringPattern>; body?: StringPattern };
      };
    }
  | { command: string; user?: string | JsonValue; message?: Record<string, JsonValue> }
  | { advance: number | string }
  | { emit: string; payload?: JsonValue };

/** A scenario, as in a `.test.json` file. */
export interface ScenarioInput {
  name: string;
  /** Other plugin projects (relative to the one under test) loaded beside it. */
  plugins?: string[];
  given?: GivenInput;
  events?: StepInput[];
  expect?: ExpectInput;
}
