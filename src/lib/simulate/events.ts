// What a simulation reports, as a stream of plain, JSON-ready events (the --json output, one
// per line). `t` is the simulated time in milliseconds since the simulation started (clock
// jumps included): never the wall clock, so a run's output is the same every time.

import type { StrikePath } from '../host/dispatch/index.js';
import type { WorldEffect } from './world.js';

/** A chat user as the output names them. */
export interface SimUserRef {
  id: string;
  displayName: string;
  role: string;
}

/** One plugin as loaded. */
export interface SimPluginInfo {
  slug: string;
  name: string;
  version: string;
  /** How its chat posts are labelled: bot.displayName, else the plugin's name. */
  label: string;
  /** Where it came from, as given. */
  path: string;
  filters: { event: string; priority: number }[];
  notify: string[];
  commands: string[];
}

/** What one filter did to a chat message, in chain order. */
export type FilterPathStep = { slug: string; priority: number } & (
  | { action: 'pass' }
  | { action: 'modify'; before: string; after: string }
  | { action: 'drop'; reason: string }
  /** The call failed: the message went on unchanged (fail-open); `strike` of 5. */
  | { action: 'error'; error: string; strike: number }
  | { action: 'unknown'; value: string }
);

export interface NotifyFailure {
  slug: string;
  error: string;
}

/** Per plugin, at the end or on request. */
export interface SimPluginStats {
  slug: string;
  state: 'running' | 'disabled' | 'failed';
  strikes: number;
  calls: number;
  /** Time spent in its calls, ms (varies from run to run). */
  timeMs: number;
  lastError?: string;
  disabledReason?: string;
}

export type SimEvent = { t: number } & (
  /** The plugins are loaded and the script is about to run. */
  | { type: 'start'; script: string; events: number; plugins: SimPluginInfo[]; failed: { path: string; error: string }[] }
  /**
   * A chat message went through the filter chain: each filter's verdict, then what the chat
   * shows (or why nothing) and who was notified. The activity it set off follows.
   */
  | {
      type: 'message';
      id: string;
      user: SimUserRef;
      body: string;
      /** "script" or "typed" (from the TUI). */
      source: 'script' | 'typed';
      filters: FilterPathStep[];
      /** The text shown in chat; absent when dropped. */
      shown?: string;
      dropped?: { slug: string; reason: string };
      notified: string[];
      failures: NotifyFailure[];
    }
  /** Any other event dispatched to the plugins (joins, stream events, fediverse, emits from the script). */
  | { type: 'event'; eventType: string; summary: string; payload: unknown; notified: string[]; failures: NotifyFailure[]; dropped?: { slug: string; reason: string } }
  /** A chat line Owncast shows that a plugin (or the host, for !help) sent. */
  | { type: 'chat'; slug?: string; label: string; kind: 'bot' | 'action' | 'system' | 'private'; text: string; to?: string }
  /** A plugin emitted an event; where it went. */
  | { type: 'emit'; slug: string; eventType: string; depth: number; deliveredTo: string[]; dropped?: string; payload: string }
  | { type: 'command'; slug: string; command: string; invokedAs: string; user: string | null; ok: boolean; error?: string }
  | { type: 'timer'; slug: string; id: string; ok: boolean; error?: string }
  | { type: 'strike'; slug: string; path: StrikePath; count: number; message: string }
  | { type: 'disabled'; slug: string; reason: string }
  | { type: 'fetch'; slug: string; method: string; url: string; status?: number; error?: string }
  | { type: 'effect'; effect: WorldEffect }
  | { type: 'sse'; slug: string; channel: string; event: string; data: string }
  /** A plugin's log line (source plugin) or a host diagnostic (source host). */
  | { type: 'log'; source: 'plugin' | 'host'; slug?: string; level: string; message: string; /** Says again what other events say. */ redundant?: boolean }
  /** The clock jumped forward (a script clock step). */
  | { type: 'clock'; advancedMs: number }
  | { type: 'reload'; slug: string; ok: boolean; error?: string }
  /** The script has run to its end. */
  | { type: 'end'; messages: number; modified: number; dropped: number; botMessages: number; disabled: string[]; plugins: SimPluginStats[] }
);

export type SimEventType = SimEvent['type'];

/** The strike threshold the host applies (DESIGN §3.3). */
export const STRIKES_TO_DISABLE = 5;
