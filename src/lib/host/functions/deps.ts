// What the host functions are built over. HostEnv, KV and the fs sandboxes live in env/ and
// storage/; the dispatcher and the SQL runner are other parts of the host, so the functions
// see them only through the small interfaces below.

import type { AuthSessionSink } from '../env/auth.js';
import type { HostEnv } from '../env/types.js';
import type { FsSandbox } from '../storage/fs.js';
import type { KvStore } from '../storage/kv.js';
import type { HostLog } from '../types.js';

/**
 * storage.sql, per plugin database. Takes the request JSON exactly as the plugin sent it and
 * answers the SQLExecResult / SQLQueryResult JSON ({error} on any failure). Implemented where
 * the 2 s statement timeout can be enforced (offthread/).
 */
export interface SqlService {
  exec(slug: string, requestJson: string): string;
  query(slug: string, requestJson: string): string;
}

/**
 * Delivers a plugin's owncast.events.emit (the dispatcher). The host function has already
 * dropped reserved event types and invalid JSON; `payloadJson` is the plugin's JSON text,
 * or null for an empty payload. Delivery, depth and "not back to the emitter" are the
 * dispatcher's.
 */
export interface EventSink {
  emit(slug: string, eventType: string, payloadJson: string | null): void;
}

/**
 * owncast.timer.* (the dispatcher's timer hub). `delayMs` is already clamped to ≤ 24 h; the
 * hub applies the 100 ms minimum and the 64-per-plugin cap (set returns false at the cap;
 * re-using a pending id replaces it) and fires timer.fire {id} through on_event.
 */
export interface TimerService {
  set(slug: string, id: bigint, delayMs: bigint, repeat: boolean): boolean;
  clear(slug: string, id: bigint): void;
}

/** Wall clock in milliseconds (injected so rate limits can be tested). */
export interface Clock {
  now(): number;
}

/**
 * Everything the host functions use. Fields are read on every call, not when the functions
 * are built, so a part created later (the dispatcher's EventSink and TimerService) can be
 * assigned after the plugins' host functions exist, as production wires Emit post-load.
 */
export interface HostDeps {
  env: HostEnv;
  kv: KvStore;
  /** Where host diagnostics and plugin log entries go. */
  log: HostLog;
  /** Each plugin's fs sandbox (storage/index.ts createFsSandboxes). Absent: "filesystem unavailable". */
  fs?: { sandbox(slug: string): FsSandbox };
  /** Absent: storage.sql answers {"error":"SQL storage unavailable"}. */
  sql?: SqlService;
  /** Absent: emits go nowhere. */
  events?: EventSink;
  /** Absent: timer_set answers 1 and never fires (production's test harness). */
  timers?: TimerService;
  /** Default: Date.now. */
  clock?: Clock;
  fediverse?: {
    /** The admin's switch for plugin fediverse posting; default on. Read on every post. */
    postingEnabled?(): boolean;
    /** Default 5 (production). */
    maxPostsPerHour?: number;
  };
  /**
   * The auth sink of the HTTP request a plugin is handling right now. Default:
   * currentAuthSink (env/auth.ts): the sink the running call's context carries
   * (Dispatcher.invoke's `authSink`).
   */
  authSink?(slug: string): AuthSessionSink | null;
}
