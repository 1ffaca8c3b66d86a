// A simulator script: who is in the chat, what the stream looks like, canned answers for the
// plugins' outbound HTTP, and a timeline of things that happen (chat lines, joins and parts,
// stream events, fediverse events, custom emits, clock jumps). The JSON format is documented
// by schemas/simulate-script.schema.json; validate.ts turns a file into a SimScript.

import type { ServerInfo } from '../host/env/index.js';

/** How a user appears to plugins: a viewer, a moderator (MODERATOR scope), anonymous (not authenticated) or a bot. */
export type UserRole = 'viewer' | 'moderator' | 'anonymous' | 'bot';
export const USER_ROLES: readonly UserRole[] = ['viewer', 'moderator', 'anonymous', 'bot'];

export interface ScriptUser {
  /** The user id; events name users by id or by display name. */
  id: string;
  displayName: string;
  role: UserRole;
  /** Owncast scopes: a moderator has MODERATOR. */
  scopes: string[];
  isAuthenticated: boolean;
  isBot: boolean;
}

/** A canned answer for a plugin's network.fetch (the reference scenarios' httpResponses). */
export interface HttpFixture {
  /** A glob over the whole URL: `*` matches anything, `?` one character. */
  url: string;
  /** Upper-case method, or '' for any. */
  method: string;
  status: number;
  headers: Record<string, string>;
  body: string;
}

export const FEDIVERSE_KINDS = ['follow', 'like', 'repost', 'mention', 'reply', 'quote', 'activity'] as const;
export type FediverseKind = (typeof FEDIVERSE_KINDS)[number];

export interface FediverseActor {
  name: string;
  handle: string;
  url?: string;
  image?: string;
}

/** One thing that happens; `user` fields hold the user's id. */
export type ScriptStep =
  | { type: 'chat'; user: string; body: string }
  | { type: 'join'; user: string }
  | { type: 'part'; user: string }
  | { type: 'rename'; user: string; to: string }
  | { type: 'stream.start'; title?: string; summary?: string }
  | { type: 'stream.stop' }
  | { type: 'title'; title: string }
  | { type: 'viewers'; count: number }
  | {
      type: 'fediverse';
      kind: FediverseKind;
      actor: FediverseActor;
      /** mention, reply, quote: the post's text (HTML allowed). */
      content?: string;
      /** The post's permalink, or the liked / reposted object's URL. */
      url?: string;
      inReplyTo?: string;
    }
  /** A custom event, as if a plugin had emitted it (delivered at depth 0). */
  | { type: 'emit'; event: string; payload: unknown }
  /** Any event with the payload exactly as written (built-in ones included). */
  | { type: 'event'; event: string; payload: unknown }
  /** Moves the clock forward: timers and ticks that fall due fire on the way. */
  | { type: 'clock'; advance: number };

export type ScriptStepType = ScriptStep['type'];
export const STEP_TYPES: readonly ScriptStepType[] = [
  'chat',
  'join',
  'part',
  'rename',
  'stream.start',
  'stream.stop',
  'title',
  'viewers',
  'fediverse',
  'emit',
  'event',
  'clock',
];

export interface ScriptEvent {
  /** Milliseconds into the script (clock jumps not counted). */
  at: number;
  /** Position in the script's events array. */
  index: number;
  step: ScriptStep;
}

export interface ScriptStream {
  title: string;
  summary: string;
  /** Whether the stream is live before anything happens. */
  online: boolean;
  viewers: number;
  /** For a stream live from the start: how long it has been live already. */
  liveForMs: number;
}

export interface SimScript {
  name: string;
  description: string;
  /** The file it was read from (absent for the built-in one). */
  file?: string;
  /** Plugins to load when none are given on the command line, as absolute paths. */
  plugins: string[];
  /** Unix ms the simulated clock starts at; absent: when the simulation starts. */
  start?: number;
  stream: ScriptStream;
  server: ServerInfo;
  users: ScriptUser[];
  httpResponses: HttpFixture[];
  /** In time order. */
  events: ScriptEvent[];
}

/** The user record for a role's defaults: scopes and flags Owncast would give such a user. */
export function userForRole(id: string, displayName: string, role: UserRole, extraScopes: readonly string[] = []): ScriptUser {
  const scopes = [...new Set([...(role === 'moderator' ? ['MODERATOR'] : []), ...extraScopes])];
  return { id, displayName, role, scopes, isAuthenticated: role === 'viewer' || role === 'moderator', isBot: role === 'bot' };
}

/** The people you can type as in the TUI, besides the script's cast. */
export const TYPING_USERS: readonly ScriptUser[] = [
  userForRole('u-you', 'you', 'viewer'),
  userForRole('u-mod', 'mod', 'moderator'),
  userForRole('u-anon', 'anonymous-otter', 'anonymous'),
];
