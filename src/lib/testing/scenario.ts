// The scenario file format (reference-plugin-sdk §J, plus issue 5's additions), as the
// loader hands it to the runner: validated, with every string assertion already compiled
// (`/.../` is a regular expression, DESIGN §3.8) and every part carrying the JSON pointer
// it came from, so a failure can point at the line that asserted it.

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
} from '../host/env/types.js';

/** A JSON value from the scenario file. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One `__tests__/*.test.json` file, loaded and valid. */
export interface ScenarioFile {
  /** Absolute path. */
  file: string;
  /** As shown to the user (relative to the working directory when inside it). */
  displayPath: string;
  /** The plugin project the file tests (the directory holding `__tests__/`). */
  projectDir: string;
  /** The file's text, for code frames. */
  source: string;
  scenarios: Scenario[];
}

export interface Scenario {
  name: string;
  /** Position in the file's scenario list. */
  index: number;
  /** JSON pointer of the scenario object in the file. */
  pointer: string;
  /**
   * Other plugin projects loaded beside the one under test (absolute directories), so what
   * plugins emit reaches the others (issue 5 item 3).
   */
  plugins: string[];
  given: Given;
  steps: Step[];
  expect: Expectations | null;
}

/** A file's content in `given.fs` / `expect.fs`: text, or bytes written as base64. */
export type FileContent = string | { base64: string };

/** A statement to run against the plugin's database before the steps. */
export interface SqlSeed {
  sql: string;
  params: Json[];
}

/** What a plugin's own storage and settings hold before the steps. */
export interface PluginGiven {
  kv?: Record<string, string>;
  /** Path (rooted at "/") → content. */
  fs?: Record<string, FileContent>;
  /** Admin values of the manifest's config keys. */
  config?: Record<string, Json>;
  sql?: SqlSeed[];
}

/** A canned answer to an outbound request (J.7): the first fixture that matches wins. */
export interface HttpFixture {
  /** A glob over the whole URL (`*` also matches `/` and `?`). */
  url: string;
  /** Compared case-insensitively; empty matches any method. */
  method: string;
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface Given extends PluginGiven {
  httpResponses?: HttpFixture[];
  stream?: StreamInfo;
  server?: ServerInfo;
  broadcaster?: StreamBroadcaster;
  socials?: SocialHandle[];
  federation?: FederationInfo;
  tags?: string[];
  videoConfig?: VideoConfig;
  chatHistory?: HostChatMessage[];
  chatClients?: HostChatClient[];
  users?: HostUser[];
  emotes?: Emote[];
  /** Storage and settings of the other plugins, by slug. */
  plugins?: Record<string, PluginGiven>;
}

/** A string assertion: `/.../` is a regular expression, anything else is compared exactly. */
export type StringMatcher = { kind: 'exact'; value: string } | { kind: 'regex'; source: string; regex: RegExp };

interface StepBase {
  /** Position in the scenario's `events` list. */
  index: number;
  pointer: string;
}

/** Delivers an event to its subscribers (notifications only, no filters: the reference's Notify). */
export interface EventStep extends StepBase {
  type: 'event';
  event: string;
  payload: Json;
}

export type FilterAction = 'pass' | 'modify' | 'drop';

/** Runs the filter chain alone, and checks what it did. */
export interface FilterStep extends StepBase {
  type: 'filter';
  filter: string;
  payload: Json;
  expect: { action: FilterAction; payload?: Json; reason?: StringMatcher; pointer: string } | null;
}

export interface HttpStep extends StepBase {
  type: 'http';
  method: string;
  /** With its leading "/" and any query string, relative to /plugins/<slug>. */
  path: string;
  headers: Record<string, string>;
  body: string;
  /** Admin credentials (the reference's X-Test-Admin header). */
  authenticated: boolean;
  /** A signed-in viewer (the reference's X-Test-User header; also counts as authenticated). */
  user: HostUser | null;
  /** Which plugin's routes: the one under test unless set. */
  plugin: string | null;
  expect: { status?: number; headers?: Record<string, StringMatcher>; body?: StringMatcher; pointer: string } | null;
}

/** A chat line as Owncast handles one: filters, notifications, then `!help` and the command matcher. */
export interface CommandStep extends StepBase {
  type: 'command';
  /** The message body, e.g. "!so alice". */
  command: string;
  user: Json;
  /** Extra message fields (id, timestamp, clientId...) over the defaults. */
  message: Record<string, Json>;
}

/** Moves the fake clock: due timers fire, and `tick` once per second passed. */
export interface AdvanceStep extends StepBase {
  type: 'advance';
  ms: number;
}

/** An event from outside any plugin, addressed as written (`<slug>.<hook>` for a custom hook). */
export interface EmitStep extends StepBase {
  type: 'emit';
  emit: string;
  payload: Json;
}

export type Step = EventStep | FilterStep | HttpStep | CommandStep | AdvanceStep | EmitStep;
export type StepType = Step['type'];

/** One key of a final `expect`, with where it was written. */
export interface Assertion<T> {
  want: T;
  pointer: string;
}

/** Final expectations (J.5 and issue 5's additions). A key left out (or null) is not checked. */
export interface Expectations {
  chatSends?: Assertion<StringMatcher[]>;
  chatActions?: Assertion<StringMatcher[]>;
  chatSystems?: Assertion<StringMatcher[]>;
  chatTo?: Assertion<{ clientId: string; text: StringMatcher }[]>;
  emits?: Assertion<{ eventType: StringMatcher; payload?: Json }[]>;
  kv?: Assertion<Record<string, StringMatcher>>;
  httpRequests?: Assertion<{ url: StringMatcher; method?: StringMatcher; body?: StringMatcher }[]>;
  deletedMessages?: Assertion<StringMatcher[]>;
  /** Client ids as decimal strings (uint64: beyond what a double holds). */
  kickedClients?: Assertion<string[]>;
  discordPosts?: Assertion<StringMatcher[]>;
  browserPushes?: Assertion<{ title: StringMatcher; body: StringMatcher; url: StringMatcher }[]>;
  fediversePosts?: Assertion<{ type: StringMatcher; body: StringMatcher; image: StringMatcher; link: StringMatcher }[]>;
  fediverseOutbox?: Assertion<StringMatcher[]>;
  userModerations?: Assertion<{ userId: StringMatcher; enabled: boolean; reason: StringMatcher }[]>;
  bannedIPs?: Assertion<StringMatcher[]>;
  uploads?: Assertion<{ name: StringMatcher; body?: StringMatcher }[]>;
  videoConfigWrites?: Assertion<Json[]>;
  logs?: Assertion<{ level?: string; message: StringMatcher }[]>;
  sse?: Assertion<{ channel?: StringMatcher; event?: StringMatcher; data?: Json }[]>;
  /** Path → content; null: the file must not exist. */
  fs?: Assertion<Record<string, StringMatcher | { base64: string } | null>>;
  sql?: Assertion<{ query: string; params: Json[]; rows: Json[]; pointer: string }[]>;
  strikes?: Assertion<number>;
  disabled?: Assertion<boolean>;
  /** The same keys, narrowed to one plugin's own effects and storage. */
  plugins?: Record<string, Expectations>;
}

export type ExpectKey = Exclude<keyof Expectations, 'plugins'>;
