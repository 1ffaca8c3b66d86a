// The seams between the parts of the host runtime (DESIGN.md §2.3). Each part lives in its
// own folder and depends on these types, not on the others' internals:
//
//   env/        HostEnv: Owncast's own services (chat, users, stream, server, ...)
//   storage/    per-plugin KV (SQLite), the fs sandbox
//   offthread/  work that must be able to be cut off: SQL (2 s timeout) and outbound HTTP
//   functions/  the 49 host functions, over the services below, behind the permission gate
//   dispatch/   filter chain, notifications, commands, emits, timers, tick, strikes
//   manager/    discovery, loading, enable/disable/reload, approvals, persisted state
//   host.ts     PluginHost: wires them together

import type { CommandInfo, Manifest } from '../manifest/index.js';
import type { EngineExport } from './instance.js';

/** The registry's view of one plugin: who it is and what it may do. */
export interface PluginIdentity {
  slug: string;
  /** Display name (manifest name). */
  name: string;
  /** The chat name its messages carry: bot.displayName, else name. */
  botDisplayName: string;
  permissions: ReadonlySet<string>;
  manifest: Manifest;
  /** plugin.manifest.json verbatim. */
  manifestJson: string;
  /** Host-internal files (assets/), for owncast.assets.read and UI inlining. */
  assets: FileSource | null;
  /** Public files (public/), served at /plugins/<slug>/. */
  publicFiles: FileSource | null;
  /** Admin overrides of manifest config values (config.get returns override, else default). */
  configOverrides: Record<string, unknown>;
}

/** Read-only files: a directory on disk or entries of an .ocpkg. Paths are relative, forward-slash. */
export interface FileSource {
  /** The bytes, or null when missing or the path is not a clean relative path. */
  read(path: string): Uint8Array | null;
  list(): string[];
}

/** Something the dispatcher can call: a loaded plugin. LoadedPlugin (host.ts) implements it. */
export interface CallablePlugin {
  readonly slug: string;
  readonly identity: PluginIdentity;
  readonly subscriptions: { notify: { event: string }[]; filter: { event: string; priority: number }[] };
  readonly commands: PluginCommand[];
  /**
   * Calls an export with a JSON (or empty) input and resolves with its raw output text.
   * Rejects with a PluginError (errors.ts) naming the plugin, export and failure kind.
   * `context` is what runningCallContext() (instance.ts) returns while the export runs.
   */
  call(exportName: EngineExport, input: string, context?: unknown): Promise<string>;
}

/** A chat command as register() reports it: production's CommandInfo, defaults filled in. */
export type PluginCommand = CommandInfo;

/** Where host diagnostics go: permission warnings, strikes, plugin logs. */
export interface HostLog {
  warn(message: string): void;
  /** A plugin's own log line (console.* or owncast.log.*), already sanitized. */
  plugin(slug: string, level: 'debug' | 'info' | 'warn' | 'error', message: string): void;
}
