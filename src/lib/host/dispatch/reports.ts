// The dispatcher's options and what it reports about the work it did.

import type { ActivityObserver } from '../activity.js';
import type { CallablePlugin } from '../types.js';
import type { Scheduler } from './scheduler.js';

/** What owncast_emit_event needs (functions/deps.ts). */
export interface EventSink {
  emit(slug: string, eventType: string, payloadJson: string | null): void;
}

export interface DispatcherOptions {
  /**
   * The loaded, enabled plugins right now, in a stable order (the manager's snapshot; read on
   * every dispatch). Their notify subscriptions must already be namespaced with
   * {@link namespaceSubscriptions}, as the loader does. Plugins this dispatcher disabled are
   * skipped even if the snapshot still lists them.
   */
  plugins(): readonly CallablePlugin[];
  /** Failures, drops at the depth cap, disables. Default: console.warn. */
  log?: { warn(message: string): void };
  /** Posts a host system message to chat: the !help answer. */
  sendSystem?(text: string): void;
  /** Reported once when strikes disable a plugin (its timers are already cancelled). */
  onDisabled?(slug: string, reason: string): void;
  /** Timers and tick; default Node's timers, unref'd. */
  scheduler?: Scheduler;
  /** Monotonic milliseconds, for step durations (default performance.now). */
  monotonic?(): number;
  /**
   * Told about emits, timer fires, command deliveries, strikes and disables as they happen
   * (the dev console's feed), stamped with the scheduler's wall clock. A throw is logged and
   * ignored.
   */
  onActivity?: ActivityObserver;
}

export type FilterStep = { slug: string; priority: number; durationMs: number } & (
  | { action: 'pass' }
  | { action: 'modify'; payload: unknown }
  | { action: 'drop'; reason: string }
  /** An action production does not know: logged, treated as pass. */
  | { action: 'unknown'; value: string }
  /** The call failed: the payload went on unchanged (fail-open). */
  | { action: 'error'; error: unknown }
);

export interface NotifyStep {
  slug: string;
  ok: boolean;
  error?: unknown;
  durationMs: number;
}

export interface DispatchReport {
  eventType: string;
  depth: number;
  /** The event was at the emit depth cap: nothing ran. */
  depthExceeded: boolean;
  /** Every filter that ran, in chain order. */
  filters: FilterStep[];
  /** Set when a filter dropped the event: no later filter and no notification ran. */
  dropped: { slug: string; reason: string } | null;
  /** The payload after the filter chain. */
  payload: unknown;
  modified: boolean;
  /** Every plugin notified, in snapshot order. */
  notified: NotifyStep[];
}

export interface CommandDelivery {
  slug: string;
  command: string;
  ok: boolean;
  error?: unknown;
}

export interface ChatDispatchReport extends DispatchReport {
  /** The !help answer sent, if the message asked for it and there was something to list. */
  help: string | null;
  commands: CommandDelivery[];
}

export interface DispatchOptions {
  /** Called with the payload the filter chain let through, before any notification runs. */
  accepted?(payload: unknown): void;
  /**
   * Run one half only: the filter chain without notifying (the reference's Dispatcher.Filter),
   * or the notifications without filtering (its Dispatcher.Notify). Scenario `filter` and
   * `event` steps need each on its own; Owncast itself always runs both.
   */
  only?: 'filters' | 'notifications';
}
