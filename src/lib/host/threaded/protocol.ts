// What the main thread and the host worker say to each other. Everything here crosses the
// thread boundary by structured clone: plain data only, no functions, no class instances
// (errors travel as WireError and are re-created on the main thread, see wire-errors.ts).

import type { HostActivity } from '../activity.js';
import type { EnvSeed } from '../env/index.js';
import type { Subscriptions } from '../host.js';
import type { EngineExport } from '../instance.js';
import type { PluginCommand } from '../types.js';
import type { InspectQuery } from './inspection.js';

/**
 * Which Owncast the worker's host talks to. Only the dev stubs for now (what `serve` uses);
 * another kind (a recording env, the simulator's world) is one more member here and one more
 * case in worker-env.ts.
 */
export type WorkerEnvSpec = {
  kind: 'dev';
  /** Overrides of the sample world. */
  seed?: EnvSeed;
  /**
   * Signs the owncast_session cookies plugins grant. The main thread verifies them, and a
   * restarted worker must keep accepting the old ones, so it is chosen there and handed in.
   */
  sessionSecret: Uint8Array;
};

/** The options a worker is started with (and restarted with, unchanged). */
export interface HostWorkerOptions {
  /** Plugin storage (KV, storage.sql, storage.fs); absent: in memory / a temp dir, lost on restart. */
  dataDir?: string;
  env: WorkerEnvSpec;
  tick: boolean;
  /** For showing source paths in plugin stack traces. */
  cwd: string;
}

export interface HostWorkerData {
  options: HostWorkerOptions;
  /** The call board (call-board.ts): the call running in the worker right now. */
  callBoard: SharedArrayBuffer;
  /** The engine compiled by an earlier worker (engine-share.ts); absent, the worker compiles it and sends it. */
  engineModule?: WebAssembly.Module;
}

/** A FileSource copied into plain data: path → bytes. */
export type WireFiles = Record<string, Uint8Array>;

/** A PluginSource as it crosses the boundary (public/ stays on the main thread, which serves it). */
export interface WireSource {
  manifestJson: string;
  script?: string;
  wasm?: Uint8Array;
  sourceMap?: string;
  sourceMapFile?: string;
  assets: WireFiles | null;
  configOverrides?: Record<string, unknown>;
}

/** What a loaded plugin registered, as the main thread needs it (routes, !help, the admin list). */
export interface PluginSummary {
  slug: string;
  name: string;
  version: string;
  permissions: string[];
  /** Notify subscriptions namespaced as the dispatcher matches them, and filters. */
  subscriptions: Subscriptions;
  commands: PluginCommand[];
  /** register()'s output text, verbatim. */
  registerOutput: string;
}

/** The exports `call` may reach: HTTP, auth and content. Events and filters go through dispatch. */
export const CALLABLE_EXPORTS = [
  'on_http_request',
  'on_auth_check',
  'on_tab_content',
  'on_page_content',
  'on_page_styles',
  'on_page_scripts',
] as const satisfies readonly EngineExport[];
export type CallableExport = (typeof CALLABLE_EXPORTS)[number];

/** What owncast.auth did to the session cookie during an on_http_request call. */
export type SessionAction = { action: 'grant'; token: string; ttlSeconds: number } | { action: 'end' };

export interface CallResult {
  /** The export's output text. */
  output: string;
  /** Session cookie changes the HTTP response must carry, in order (on_http_request only). */
  session: SessionAction[];
}

// ---- errors -------------------------------------------------------------------------------

/** The error taxonomy (errors.ts) as data. */
export type WireError =
  | {
      type: 'plugin';
      name: string;
      message: string;
      slug: string;
      exportName: string;
      failure?: string;
      pluginStack?: string;
      nextSteps: string[];
      exitCode: 1 | 2;
    }
  | { type: 'user'; message: string; nextSteps: string[]; exitCode: 1 | 2; code?: string; diagnostics: unknown[] }
  | { type: 'bug'; message: string; stack?: string };

// ---- requests and answers -------------------------------------------------------------------

export type HostRequest =
  | { op: 'load'; source: WireSource }
  | { op: 'unload'; slug: string }
  | { op: 'dispatch'; eventType: string; payload: unknown }
  /** record: an accepted message joins the dev env's chat log before the notifications. */
  | { op: 'dispatchChatMessage'; message: unknown; record?: boolean }
  | { op: 'call'; slug: string; exportName: CallableExport; input: string }
  /** A host notification straight to the plugin's on_event (sse.connect / sse.disconnect): no filters, no strikes. */
  | { op: 'notify'; slug: string; eventType: string; payload: unknown }
  /** The dev console's questions (inspection.ts). */
  | { op: 'inspect'; query: InspectQuery }
  | { op: 'close' };

export type Envelope = HostRequest & { id: number };

/** What the main thread posts to the worker: requests, and acknowledgements of activity batches. */
export type MainMessage = Envelope | { op: 'activity-ack' };

/** A host log line: a host warning, an env print (what a plugin did to Owncast), a plugin's own log. */
export type HostLogLine =
  | { kind: 'warn'; message: string }
  | { kind: 'info'; message: string }
  | { kind: 'plugin'; slug: string; level: 'debug' | 'info' | 'warn' | 'error'; message: string };

export type WorkerMessage =
  | { kind: 'ready' }
  /** The host could not be made (a data directory it cannot open, ...). */
  | { kind: 'boot-failed'; error: WireError }
  | { kind: 'result'; id: number; ok: true; value: unknown }
  | { kind: 'result'; id: number; ok: false; error: WireError }
  | { kind: 'log'; line: HostLogLine }
  /**
   * A plugin's call ran past its budget by more than OVERRUN_GRACE_MS: the host thread's
   * watchdog ended that plugin's thread and unloaded it (sent before the calls it owed fail).
   */
  | { kind: 'plugin-overrun'; slug: string; exportName: string; budgetMs: number; elapsedMs: number }
  /** A plugin's thread died by itself: unloaded; exportName when a call was running. */
  | { kind: 'plugin-crashed'; slug: string; message: string; exportName?: string }
  /** Strikes disabled a plugin (it stays loaded, gets no work). */
  | { kind: 'disabled'; slug: string; reason: string }
  /** The engine this worker compiled, for the next workers (engine-share.ts). */
  | { kind: 'engine-module'; module: WebAssembly.Module }
  /** What plugins did, in order (activity-queue.ts); the main thread answers each batch with an activity-ack. */
  | { kind: 'activity'; events: HostActivity[] };
