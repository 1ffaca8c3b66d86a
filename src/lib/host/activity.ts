// What plugins do, as it happens: the dev console's live feed (issue 4). Every event is plain
// data (it crosses the thread boundary by structured clone and the console's SSE as JSON),
// stamped with the wall clock where it happened. Filter and notification steps are not here:
// the dispatch reports already carry them.

import type { StrikePath } from './dispatch/strikes.js';
import type { ChatSendKind } from './env/types.js';

/** Why an emitted event reached nobody. */
export type EmitDrop =
  /** Past the emit depth cap (an emit loop). */
  | 'depth'
  /** Past the emits one root event may set off (MAX_EMITS_PER_CHAIN). */
  | 'budget'
  /** A filter dropped it. */
  | 'filter'
  /** A host event name, which plugins may not emit. */
  | 'reserved'
  /** Its payload was not JSON. */
  | 'invalid-payload';

export type ActivityType = 'chat' | 'sse' | 'emit' | 'timer' | 'command' | 'strike' | 'disabled' | 'dropped';

export type HostActivity = { at: number } & (
  /** A plugin posted to chat (send, action, system) or to one connection (sendTo). */
  | { type: 'chat'; slug?: string; kind: ChatSendKind | 'sendTo'; botDisplayName?: string; text: string; clientId?: string }
  /** owncast.sse.send: for the SSE hub, in send order. `data` is complete (never cut). */
  | { type: 'sse'; slug: string; channel: string; event: string; data: string }
  /**
   * An event a plugin emitted, once it was dispatched (or dropped): at what depth, and which
   * plugins' on_event it reached. `payload` is its JSON text, cut at ACTIVITY_TEXT_MAX.
   */
  | { type: 'emit'; slug: string; eventType: string; depth: number; payload: string; deliveredTo: string[]; dropped?: EmitDrop; reason?: string }
  /** A timer or interval fired and its callback ran. */
  | { type: 'timer'; slug: string; id: string; ok: boolean; error?: string; durationMs: number }
  /** A chat command was delivered to a plugin. */
  | {
      type: 'command';
      slug: string;
      command: string;
      invokedAs: string;
      args: string[];
      user: { id: string; displayName: string } | null;
      ok: boolean;
      error?: string;
    }
  /** A failure counted against a plugin: `count` consecutive ones on `path`. */
  | { type: 'strike'; slug: string; path: StrikePath; message: string; count: number }
  /** Strikes turned the plugin off. */
  | { type: 'disabled'; slug: string; reason: string }
  /**
   * Events that were not delivered because the receiver fell behind (the threaded host's
   * bounded queue): how many, by type. Sent once delivery resumes, where they would have been.
   */
  | { type: 'dropped'; count: number; byType: Partial<Record<ActivityType, number>> }
);

/** Receives activity as it happens. It runs inside host calls: it must be quick and not throw. */
export type ActivityObserver = (event: HostActivity) => void;

/** Text fields meant for display (payload previews) are cut here; SSE data never is. */
export const ACTIVITY_TEXT_MAX = 4096;

export function clipText(text: string, max = ACTIVITY_TEXT_MAX): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * An observer that can never break the code reporting to it: a throwing observer is logged
 * once and the work goes on. Null when there is no observer, so callers skip building events.
 */
export function guardObserver(observer: ActivityObserver | undefined, log: { warn(message: string): void }): ActivityObserver | null {
  if (!observer) return null;
  let warned = false;
  return (event) => {
    try {
      observer(event);
    } catch (err) {
      if (!warned) log.warn(`activity observer failed on a "${event.type}" event: ${err instanceof Error ? err.message : String(err)}`);
      warned = true;
    }
  };
}
