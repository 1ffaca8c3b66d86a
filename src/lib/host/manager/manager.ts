// The plugin manager over a plugins directory (production §3.6, manager.go; reference §F.6
// where production agrees). Three states, all keyed by slug:
//
//   discovered   a file in the directory whose manifest is valid: listed, never run
//   enabled      the admin's choice, persisted with the approved permission set
//   loaded       enabled + instantiated + register() agreed with the manifest
//
// Scans (on an interval and on demand) only discover: new or changed files take effect
// through enable, reload, install or a restart. How a plugin is instantiated is injected
// (LoadPlugin), so the manager does not depend on how the host wires its services.

import { randomUUID } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';

import { UserError } from '../../errors.js';
import { MAX_PACKAGE_BYTES } from '../../package/read.js';
import { checkRegistration, type RuntimeRegistration } from './agreement.js';
import { Emitter } from './emitter.js';
import {
  LOOSE_JS_WARNING,
  loadLooseSource,
  loadPackageSource,
  pluginFileFormat,
  readPluginFileInfo,
  type LoadedSource,
  type PluginFileFormat,
  type PluginFileInfo,
} from './sources.js';
import { StateStore, type ManagerState } from './state.js';

/** What a LoadPlugin factory returns: a running plugin the manager can close. */
export interface PluginHandle {
  readonly slug: string;
  /**
   * What register() returned: its output text (so the 256 KiB cap is measured exactly) or the
   * parsed JSON. The manager runs the agreement checks on it and closes the handle on failure.
   */
  readonly registration: unknown;
  close(): Promise<void>;
}

/**
 * Instantiates a plugin and calls register(). It must close whatever it created when it
 * throws (a top-level `throw` in the plugin fails register()). The manager owns the source:
 * it closes it when the plugin unloads or the load fails.
 */
export type LoadPlugin<T extends PluginHandle = PluginHandle> = (source: LoadedSource) => Promise<T>;

/** Production DiscoveredEntry (JSON names), plus the file format. */
export interface DiscoveredEntry {
  slug: string;
  name: string;
  botDisplayName?: string;
  version?: string;
  description?: string;
  permissions?: string[];
  path: string;
  format: PluginFileFormat;
  enabled: boolean;
  loaded: boolean;
  /** Stopped by the strike system; still enabled, does no work until reloaded or re-enabled. */
  autoDisabled?: boolean;
  hasIcon?: boolean;
  hasInstructions?: boolean;
  /** Declared permissions the admin has not approved; non-empty blocks loading. */
  pendingPermissions?: string[];
  lastError?: string;
  /** ISO 8601: when this manager first saw the slug. */
  discoveredAt: string;
}

export type UnloadReason = 'disabled' | 'reload' | 'replaced' | 'removed' | 'stopped';

export interface ManagerEvents<T> extends Record<string, unknown> {
  loaded: { slug: string; plugin: T; source: LoadedSource; registration: RuntimeRegistration };
  unloaded: { slug: string; reason: UnloadReason };
  failed: { slug: string; error: Error };
  /** An enabled plugin's file now declares permissions the admin has not approved. */
  pending: { slug: string; permissions: string[] };
  warning: { slug?: string; message: string };
}

export interface PluginManagerOptions<T extends PluginHandle> {
  pluginsDir: string;
  /** Where state.db lives. */
  stateDir: string;
  load: LoadPlugin<T>;
  /** Rescan period; production's 2 s by default. 0 turns the interval off (scan() still works). */
  scanIntervalMs?: number;
  /** Also told every warning event. */
  logger?: { warn(message: string): void };
}

/** Production's LastError for an enabled plugin skipped at startup. */
export const PENDING_AT_STARTUP = "permissions need admin approval; re-enable from the plugin's detail view";

interface Entry {
  info: PluginFileInfo;
  discoveredAt: string;
  pendingPermissions: string[];
  lastError?: string;
}

interface Running<T> {
  plugin: T;
  source: LoadedSource;
  registration: RuntimeRegistration;
  autoDisabled: boolean;
}

export class PluginManager<T extends PluginHandle = PluginHandle> {
  readonly pluginsDir: string;
  readonly #opts: PluginManagerOptions<T>;
  readonly #events = new Emitter<ManagerEvents<T>>();
  readonly #discovered = new Map<string, Entry>();
  readonly #running = new Map<string, Running<T>>();
  readonly #enabled = new Set<string>();
  readonly #approved = new Map<string, string[]>();
  /** Last discovery warning per file, so a broken file is reported once, not every 2 s. */
  readonly #fileWarnings = new Map<string, string>();
  #store: StateStore | null = null;
  #timer: NodeJS.Timeout | null = null;
  #tail: Promise<unknown> = Promise.resolve();
  #state: 'new' | 'started' | 'stopped' = 'new';
  /** Off during start(), which reports what is pending itself once baselines are captured. */
  #announcePending = false;

  constructor(opts: PluginManagerOptions<T>) {
    this.pluginsDir = resolve(opts.pluginsDir);
    this.#opts = opts;
  }

  /** Where the enabled set and approvals are persisted. */
  get stateFile(): string | null {
    return this.#store?.file ?? null;
  }

  on<K extends keyof ManagerEvents<T>>(name: K, listener: (event: ManagerEvents<T>[K]) => void): () => void {
    return this.#events.on(name, listener);
  }

  off<K extends keyof ManagerEvents<T>>(name: K, listener: (event: ManagerEvents<T>[K]) => void): void {
    this.#events.off(name, listener);
  }

  /**
   * Loads the persisted state, scans, captures missing approval baselines, loads every
   * enabled plugin that has nothing pending (failures are reported, not thrown), and
   * starts the rescan interval.
   */
  async start(): Promise<void> {
    if (this.#state !== 'new') throw new Error('PluginManager.start() called twice');
    if (!statSync(this.pluginsDir, { throwIfNoEntry: false })?.isDirectory()) {
      throw new UserError(`The plugins directory ${this.pluginsDir} does not exist`, { code: 'PLUGINS_DIR_NOT_FOUND' });
    }
    this.#store = StateStore.open(this.#opts.stateDir, { legacyJson: join(this.pluginsDir, '.enabled.json') });
    this.#state = 'started';
    const saved = this.#store.load();
    for (const slug of saved.enabled) this.#enabled.add(slug);
    for (const [slug, perms] of Object.entries(saved.approvedPermissions)) this.#approved.set(slug, [...perms].sort());

    await this.#exclusive(async () => {
      await this.#scan();
      if (this.#captureMissingApprovals()) this.#trySave();
      for (const slug of [...this.#enabled].sort()) {
        const entry = this.#discovered.get(slug);
        if (!entry) continue;
        if (entry.pendingPermissions.length > 0) {
          entry.lastError = PENDING_AT_STARTUP;
          this.#warn(
            `plugin ${slug}: not loaded at startup; declares unapproved permissions ${entry.pendingPermissions.join(', ')}; enable it again to approve them`,
            slug,
          );
          this.#events.emit('pending', { slug, permissions: [...entry.pendingPermissions] });
          continue;
        }
        await this.#load(slug).catch((err: unknown) => this.#warn(`plugin ${slug}: load failed at startup: ${message(err)}`, slug));
      }
      this.#announcePending = true;
    });

    const every = this.#opts.scanIntervalMs ?? 2000;
    if (every > 0) {
      this.#timer = setInterval(() => {
        this.scan().catch((err: unknown) => this.#warn(`scan error: ${message(err)}`));
      }, every);
      // The scan loop must not keep a process (a test run, a one-shot command) alive.
      this.#timer.unref();
    }
  }

  /** Stops the interval, closes every loaded plugin, and closes the state database. */
  async stop(): Promise<void> {
    if (this.#state !== 'started') {
      this.#state = 'stopped';
      return;
    }
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#exclusive(async () => {
      for (const slug of [...this.#running.keys()].sort()) await this.#unload(slug, 'stopped');
      this.#state = 'stopped';
      this.#store?.close();
    });
  }

  /** Every discovered plugin, sorted by slug, with enabled/loaded filled in live. */
  list(): DiscoveredEntry[] {
    return [...this.#discovered.keys()].sort().map((slug) => this.#view(slug)!);
  }

  entry(slug: string): DiscoveredEntry | undefined {
    return this.#view(slug);
  }

  /** The loaded plugin, auto-disabled or not. */
  plugin(slug: string): T | undefined {
    return this.#running.get(slug)?.plugin;
  }

  /** The loaded plugin's files (public/, assets/, instructions...). */
  source(slug: string): LoadedSource | undefined {
    return this.#running.get(slug)?.source;
  }

  /** What the loaded plugin's register() reported (subscriptions, commands). */
  registration(slug: string): RuntimeRegistration | undefined {
    return this.#running.get(slug)?.registration;
  }

  /** Loaded plugins that may do work: auto-disabled ones are left out (production Snapshot). */
  snapshot(): T[] {
    return [...this.#running.entries()]
      .filter(([, r]) => !r.autoDisabled)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, r]) => r.plugin);
  }

  /** The enabled auth.gate plugin and whether it is loaded, or null when none is enabled. */
  activeAuthGate(): { slug: string; loaded: boolean } | null {
    for (const slug of [...this.#enabled].sort()) {
      if (this.#discovered.get(slug)?.info.manifest.permissions.includes('auth.gate')) {
        return { slug, loaded: this.#running.has(slug) };
      }
    }
    return null;
  }

  /** The persisted content, as production's .enabled.json would hold it. */
  state(): ManagerState {
    const approvedPermissions: Record<string, string[]> = {};
    for (const slug of [...this.#approved.keys()].sort()) approvedPermissions[slug] = [...this.#approved.get(slug)!];
    return { enabled: [...this.#enabled].sort(), approvedPermissions };
  }

  /** Rescans the plugins directory now. */
  scan(): Promise<void> {
    return this.#exclusive(() => this.#scan());
  }

  /**
   * Enables and loads a plugin, approving the permissions its file declares now. On an
   * enabled plugin with pending permissions this is the re-approval: the running instance
   * is swapped for the new one. On a plugin the strike system turned off, it loads a fresh
   * instance (its strikes start again from zero). Enabled, loaded, working and nothing
   * pending: a no-op.
   */
  enable(slug: string): Promise<void> {
    return this.#exclusive(async () => {
      const entry = this.#require(slug);
      const running = this.#running.get(slug);
      if (this.#enabled.has(slug) && running && !running.autoDisabled && entry.pendingPermissions.length === 0) return;
      const permissions = entry.info.manifest.permissions;
      if (permissions.includes('auth.gate')) {
        for (const other of [...this.#enabled].sort()) {
          if (other === slug) continue;
          if (this.#discovered.get(other)?.info.manifest.permissions.includes('auth.gate')) {
            throw new UserError(
              `cannot enable "${slug}": another authentication-gate plugin ("${other}") is already enabled; disable it first`,
              { exitCode: 1, code: 'AUTH_GATE_CONFLICT' },
            );
          }
        }
      }
      this.#enabled.add(slug);
      this.#approved.set(slug, [...permissions].sort());
      entry.pendingPermissions = [];
      this.#save();
      if (this.#running.has(slug)) await this.#unload(slug, 'replaced');
      await this.#load(slug);
    });
  }

  /** Unloads a plugin and persists that it is off. Its approval baseline is kept. */
  disable(slug: string): Promise<void> {
    return this.#exclusive(async () => {
      this.#require(slug);
      this.#enabled.delete(slug);
      this.#trySave();
      await this.#unload(slug, 'disabled');
    });
  }

  /** Closes and loads an enabled plugin again from its file (re-reading its manifest). */
  reload(slug: string): Promise<void> {
    return this.#exclusive(async () => {
      const entry = this.#require(slug);
      if (!this.#enabled.has(slug)) {
        throw new UserError(`plugin "${slug}" is not enabled; use Enable to load it`, { exitCode: 1, code: 'PLUGIN_NOT_ENABLED' });
      }
      await this.#unload(slug, 'reload');
      try {
        const info = await readPluginFileInfo(entry.info.path);
        if (info.manifest.slug === slug) this.#refresh(entry, info);
      } catch (err) {
        this.#warn(`plugin "${slug}" reload: re-reading the manifest failed: ${message(err)}`, slug);
      }
      await this.#load(slug);
    });
  }

  /**
   * Installs an uploaded .ocpkg: checks it, preflights it through the real load path
   * (instantiate, register(), agreement), writes `<slug>.ocpkg` atomically (or over the
   * file the slug already lives in) and rescans. A fresh install is neither enabled nor
   * loaded. An enabled plugin whose permissions are still approved is reloaded in place
   * (or loaded, if it was not running); one that asks for more keeps running its old
   * instance and reports pendingPermissions.
   */
  install(bytes: Uint8Array): Promise<DiscoveredEntry> {
    return this.#exclusive(async () => {
      if (bytes.length === 0) throw new UserError('upload is empty', { exitCode: 1, code: 'PACKAGE_EMPTY' });
      if (bytes.length > MAX_PACKAGE_BYTES) {
        throw new UserError(`upload exceeds ${MAX_PACKAGE_BYTES}-byte cap`, { exitCode: 1, code: 'PACKAGE_TOO_LARGE' });
      }
      const source = await loadPackageSource(bytes, { label: 'upload' });
      const slug = source.slug;
      try {
        const preflight = await this.#instantiate(source);
        await preflight.plugin.close();
      } finally {
        source.close();
      }

      const existing = this.#discovered.get(slug)?.info.path;
      const dest = existing?.endsWith('.ocpkg') ? existing : join(this.pluginsDir, `${slug}.ocpkg`);
      await this.#atomicWrite(dest, bytes);
      await this.#scan();

      const entry = this.#discovered.get(slug);
      if (!entry) throw new Error(`scan did not pick up the installed plugin "${slug}"`);
      if (this.#enabled.has(slug) && entry.pendingPermissions.length === 0) {
        if (this.#running.has(slug)) await this.#unload(slug, 'replaced');
        await this.#load(slug).catch((err: unknown) => this.#warn(`plugin ${slug}: reload after update failed: ${message(err)}`, slug));
      }
      return this.#view(slug)!;
    });
  }

  /**
   * The strike system's switch: the plugin stays loaded and enabled but leaves snapshot()
   * until it is reloaded or enabled again (production Loaded.disabled).
   */
  setAutoDisabled(slug: string): void {
    const running = this.#running.get(slug);
    if (running) running.autoDisabled = true;
  }

  // -------------------------------------------------------------------------------------

  /** Serializes everything that changes state; the scan interval waits its turn. */
  #exclusive<R>(fn: () => Promise<R>): Promise<R> {
    const run = this.#tail.then(() => {
      if (this.#state !== 'started') throw new Error('the plugin manager is not running (call start() first)');
      return fn();
    });
    this.#tail = run.catch(() => undefined);
    return run;
  }

  #require(slug: string): Entry {
    const entry = this.#discovered.get(slug);
    if (!entry) throw new UserError(`plugin "${slug}" not discovered`, { code: 'PLUGIN_NOT_DISCOVERED' });
    return entry;
  }

  async #scan(): Promise<void> {
    let names: string[];
    try {
      names = readdirSync(this.pluginsDir, { withFileTypes: true })
        .filter((d) => !d.isDirectory() && !d.name.startsWith('.'))
        .map((d) => d.name)
        .sort();
    } catch (err) {
      throw new UserError(`read plugins dir ${this.pluginsDir}: ${message(err)}`, { code: 'PLUGINS_DIR_UNREADABLE', cause: err });
    }
    const found = new Map<string, PluginFileInfo>();
    const stillThere = new Set<string>();
    for (const name of names) {
      const format = pluginFileFormat(name);
      if (!format) continue;
      const path = join(this.pluginsDir, name);
      stillThere.add(path);
      let info: PluginFileInfo;
      try {
        info = await readPluginFileInfo(path);
      } catch (err) {
        this.#warnFile(path, `discover ${name}: ${message(err)}`);
        continue;
      }
      this.#warnFile(path, format === 'js' ? `${name}: ${LOOSE_JS_WARNING}` : null);
      const slug = info.manifest.slug;
      const earlier = found.get(slug);
      // Same slug twice: the later file (lexical order) wins, as in production.
      if (earlier) this.#warnFile(`${earlier.path}\0dup`, `discover: ${basename(earlier.path)} and ${name} both declare slug "${slug}"; using ${name}`);
      found.set(slug, info);
    }
    for (const path of [...this.#fileWarnings.keys()]) {
      if (!stillThere.has(path.split('\0')[0]!)) this.#fileWarnings.delete(path);
    }

    for (const [slug, info] of found) {
      const entry = this.#discovered.get(slug);
      if (entry) this.#refresh(entry, info);
      else {
        this.#discovered.set(slug, { info, discoveredAt: new Date().toISOString(), pendingPermissions: [] });
        this.#refresh(this.#discovered.get(slug)!, info);
      }
    }
    // Gone from disk: forgotten and unloaded, but still enabled if it comes back.
    for (const slug of [...this.#discovered.keys()]) {
      if (found.has(slug)) continue;
      this.#discovered.delete(slug);
      await this.#unload(slug, 'removed');
    }
  }

  /** Updates an entry from its file; tells listeners when an enabled plugin newly needs approval. */
  #refresh(entry: Entry, info: PluginFileInfo): void {
    const before = entry.pendingPermissions.join(',');
    entry.info = info;
    entry.pendingPermissions = pendingPermissions(info.manifest.permissions, this.#approved.get(info.manifest.slug));
    const slug = info.manifest.slug;
    const announce = this.#announcePending && this.#enabled.has(slug);
    if (announce && entry.pendingPermissions.length > 0 && entry.pendingPermissions.join(',') !== before) {
      this.#events.emit('pending', { slug, permissions: [...entry.pendingPermissions] });
    }
  }

  /** Production captureMissingApprovals: enabled plugins without a baseline get today's permissions. */
  #captureMissingApprovals(): boolean {
    let changed = false;
    for (const slug of this.#enabled) {
      const entry = this.#discovered.get(slug);
      if (this.#approved.has(slug) || !entry) continue;
      this.#approved.set(slug, [...entry.info.manifest.permissions].sort());
      entry.pendingPermissions = [];
      changed = true;
    }
    return changed;
  }

  async #load(slug: string): Promise<void> {
    const entry = this.#require(slug);
    const fail = (err: unknown): never => {
      const error = err instanceof Error ? err : new Error(String(err));
      entry.lastError = error.message;
      this.#events.emit('failed', { slug, error });
      throw error;
    };
    const pendingError = (pending: string[]) => {
      entry.pendingPermissions = pending;
      this.#events.emit('pending', { slug, permissions: [...pending] });
      return new UserError(`plugin "${slug}" declares new permissions that need admin approval: ${pending.join(', ')}`, {
        exitCode: 1,
        code: 'PERMISSIONS_PENDING',
        nextSteps: [`Enable "${slug}" again to approve them`],
      });
    };
    if (entry.pendingPermissions.length > 0) fail(pendingError(entry.pendingPermissions));

    let source: LoadedSource;
    try {
      source = await this.#readSource(entry.info);
    } catch (err) {
      return fail(err);
    }
    // The file may have changed since the scan: what loads is what gets checked.
    if (source.slug !== slug) {
      source.close();
      fail(new UserError(`${entry.info.path} now declares slug "${source.slug}", not "${slug}"; rescan`, { exitCode: 1, code: 'PLUGIN_SLUG_CHANGED' }));
    }
    const pending = pendingPermissions(source.permissions, this.#approved.get(slug));
    if (pending.length > 0) {
      source.close();
      fail(pendingError(pending));
    }
    let result: { plugin: T; registration: RuntimeRegistration; warnings: string[] };
    try {
      result = await this.#instantiate(source);
    } catch (err) {
      source.close();
      return fail(err);
    }
    this.#running.set(slug, { plugin: result.plugin, source, registration: result.registration, autoDisabled: false });
    delete entry.lastError;
    for (const w of result.warnings) this.#warn(w, slug);
    this.#events.emit('loaded', { slug, plugin: result.plugin, source, registration: result.registration });
  }

  /** The real load path: the factory, then the agreement checks; nothing is left open on failure. */
  async #instantiate(source: LoadedSource): Promise<{ plugin: T; registration: RuntimeRegistration; warnings: string[] }> {
    const plugin = await this.#opts.load(source);
    try {
      const { runtime, warnings } = checkRegistration(source.manifest, plugin.registration);
      return { plugin, registration: runtime, warnings };
    } catch (err) {
      await plugin.close().catch((closeErr: unknown) => this.#warn(`plugin ${source.slug}: close after a failed load: ${message(closeErr)}`));
      throw err;
    }
  }

  #readSource(info: PluginFileInfo): Promise<LoadedSource> {
    return info.format === 'ocpkg' ? loadPackageSource(info.path) : loadLooseSource(info.path);
  }

  async #unload(slug: string, reason: UnloadReason): Promise<void> {
    const running = this.#running.get(slug);
    if (!running) return;
    this.#running.delete(slug);
    try {
      await running.plugin.close();
    } catch (err) {
      this.#warn(`plugin ${slug}: close failed: ${message(err)}`, slug);
    } finally {
      running.source.close();
    }
    this.#events.emit('unloaded', { slug, reason });
  }

  async #atomicWrite(dest: string, bytes: Uint8Array): Promise<void> {
    // The destination comes from a validated slug or an existing entry; keep the check local anyway.
    const rel = relative(this.pluginsDir, resolve(dest));
    if (rel === '' || rel.startsWith('..') || rel.includes(sep)) throw new Error(`refusing to install outside the plugins directory: ${dest}`);
    // A dotfile, so a scan running meanwhile never sees a half-written package.
    const tmp = join(this.pluginsDir, `.upload-${randomUUID()}.ocpkg`);
    try {
      const fh = await open(tmp, 'wx', 0o644);
      try {
        await fh.writeFile(bytes);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, dest);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  #save(): void {
    this.#store!.save(this.state());
  }

  /** Production only logs a failed save on disable: the in-memory change stands. */
  #trySave(): void {
    try {
      this.#save();
    } catch (err) {
      this.#warn(`persist enabled set: ${message(err)}`);
    }
  }

  #view(slug: string): DiscoveredEntry | undefined {
    const entry = this.#discovered.get(slug);
    if (!entry) return undefined;
    const m = entry.info.manifest;
    const running = this.#running.get(slug);
    return {
      slug,
      name: m.name,
      ...(m.bot.displayName ? { botDisplayName: m.bot.displayName } : {}),
      ...(m.version ? { version: m.version } : {}),
      ...(m.description ? { description: m.description } : {}),
      ...(m.permissions.length ? { permissions: [...m.permissions] } : {}),
      path: entry.info.path,
      format: entry.info.format,
      enabled: this.#enabled.has(slug),
      loaded: running !== undefined,
      ...(running?.autoDisabled ? { autoDisabled: true } : {}),
      ...(entry.info.hasIcon ? { hasIcon: true } : {}),
      ...(entry.info.hasInstructions ? { hasInstructions: true } : {}),
      ...(entry.pendingPermissions.length ? { pendingPermissions: [...entry.pendingPermissions] } : {}),
      ...(entry.lastError ? { lastError: entry.lastError } : {}),
      discoveredAt: entry.discoveredAt,
    };
  }

  #warn(text: string, slug?: string): void {
    this.#opts.logger?.warn(text);
    this.#events.emit('warning', slug === undefined ? { message: text } : { slug, message: text });
  }

  /** Warns about a file once per distinct message; null clears it (the file is fine now). */
  #warnFile(key: string, text: string | null): void {
    if (text === null) {
      this.#fileWarnings.delete(key);
      return;
    }
    if (this.#fileWarnings.get(key) === text) return;
    this.#fileWarnings.set(key, text);
    this.#warn(text);
  }
}

/** Declared permissions not in the approved set, sorted (production pendingPermissions). */
export function pendingPermissions(declared: readonly string[], approved: readonly string[] | undefined): string[] {
  const ok = new Set(approved ?? []);
  return [...new Set(declared.filter((p) => !ok.has(p)))].sort();
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
