// What the host thread (the coordinator: dispatcher, env, storage) and one plugin's executor
// thread say to each other. Calls go to the executor by postMessage; everything the executor
// says comes back on one MessagePort, in the order it happened: its plugin's log lines, its
// host calls (synchronous: the executor blocks until the answer, sync-protocol.ts), and the
// results of its calls. Plain data only (structured clone).

import type { MessagePort } from 'node:worker_threads';

import type { HostAnswer, HostArg } from '../host-functions.js';
import type { CallFailureKind } from '../instance.js';

/** Where a plugin's storage.sql databases are, for an executor that runs its own SQL service. */
export interface SqlLocation {
  /** Root of per-plugin storage (<dataDir>/<slug>/db/plugin.db); null: throwaway databases in scratchDir. */
  dataDir: string | null;
  scratchDir: string | null;
}

export interface ExecutorData {
  slug: string;
  permissions: string[];
  /** manifest.network.allowedHosts. */
  allowedHosts: string[];
  /** The compiled engine or plugin.wasm (a WebAssembly.Module crosses threads with its code shared). */
  module: WebAssembly.Module;
  /** Extism config: __slug, manifest, script. */
  config: Record<string, string>;
  /** Budget per export (host.ts EXPORT_BUDGET_MS): the call board's and network.fetch's deadline. */
  budgets: Record<string, number>;
  /** This executor's call board (threaded/call-board.ts): the coordinator's watchdog reads it. */
  callBoard: SharedArrayBuffer;
  /** The executor's end of its channel to the coordinator. */
  port: MessagePort;
  /** The channel's sync slots (sync-protocol.ts SLOT). */
  state: SharedArrayBuffer;
  /** storage.sql in this thread (a plugin granted it); null: its calls go to the coordinator. */
  sql: SqlLocation | null;
}

/**
 * Coordinator → executor. Calls are sent as they are made and run in order (PluginInstance
 * serializes them), so the next starts without a round trip through the coordinator; its
 * wait since `queuedAt` (sharedNow() milliseconds) counts against `budgetMs`.
 */
export type ExecutorRequest =
  | { op: 'call'; id: number; exportName: string; input: string | Uint8Array; queuedAt: number; budgetMs: number }
  | { op: 'close' };

/** An EngineCallError as data. */
export interface WireEngineError {
  kind: CallFailureKind;
  exportName: string;
  message: string;
  pluginStack?: string;
}

/** Executor → coordinator, on the channel, in order. */
export type ExecutorMessage =
  | { kind: 'ready' }
  | { kind: 'boot-failed'; message: string }
  /**
   * A host function call. The executor blocks until publishSyncAnswer answers `id`; id 0 (a
   * function without a result) is not answered. Name '' runs nothing: a barrier.
   */
  | { kind: 'host'; id: number; name: string; args: HostArg[] }
  | { kind: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; message: string }
  /** The executor's own trouble (network.fetch refusals, storage.sql restarts). */
  | { kind: 'warn'; message: string }
  | { kind: 'result'; id: number; ok: true; bytes: Uint8Array | null; memoryBytes: number; recreations: number }
  | { kind: 'result'; id: number; ok: false; error: WireEngineError; memoryBytes: number; recreations: number }
  | { kind: 'closed' };

export type { HostAnswer };
