// The plugins a dev server serves: what it was pointed at (projects, packages, loose files,
// at most one plugins directory), loaded into a runner that keeps plugin code off the HTTP
// thread. Sources stay here, on the HTTP thread: public/ files, icons and instructions are
// served from them, and a reload reads them from disk again. A plugins directory is managed
// like production's (discovered / enabled / loaded, approvals, persisted state).

import { join } from 'node:path';

import { UserError } from '../errors.js';
import type { PluginSource } from '../host/host.js';
import { PluginManager, loadSource, toPluginSource, type DiscoveredEntry, type LoadedSource, type PluginHandle } from '../host/manager/index.js';
import { configOverridesFor, unusedConfigSlugs, type ConfigFlags } from './config-flags.js';
import type { ServePlan, ServeTarget } from './targets.js';

/** What runs the plugins (ThreadedHost in `serve`; any PluginHost-like runner in tests). */
export interface PluginRunner {
  load(source: PluginSource): Promise<{ slug: string; registerOutput: string }>;
  unload(slug: string): Promise<void>;
  /** Loaded plugins; `disabled` ones get no work (strikes, the watchdog). */
  plugins(): { slug: string; state: 'enabled' | 'disabled'; disabledReason?: string }[];
}

export type DevPluginStatus = 'running' | 'disabled' | 'stopped' | 'failed' | 'discovered';

/** One plugin as the console lists it. */
export interface DevPluginInfo {
  slug: string;
  name: string;
  version: string;
  description: string;
  permissions: string[];
  /** Where it came from: a project, package or loose file given on the command line, or the plugins directory. */
  from: ServeTarget['kind'];
  path: string;
  status: DevPluginStatus;
  /** Why it is disabled or failed. */
  reason?: string;
  /** Config schema with the values in effect. */
  config: { key: string; type: string; description: string; default: unknown; value: unknown }[];
  /** The manifest's admin pages (path globs under /plugins/<slug>), for the console's links. */
  adminPages?: { title: string; path: string }[];
  warnings: string[];
}

export interface DevPluginsOptions {
  runner: PluginRunner;
  plan: ServePlan;
  configFlags: ConfigFlags;
  /** Builds a project whose dist/ is missing or older than its sources (not called for other targets). */
  prepareProject?(dir: string): Promise<void>;
  warn(message: string): void;
  /** Rescan period of a plugins directory (production: 2 s); 0 for none. */
  scanIntervalMs?: number;
}

interface Direct {
  target: ServeTarget;
  source: LoadedSource | null;
  running: boolean;
  error?: string;
}

export class DevPlugins {
  readonly #opts: DevPluginsOptions;
  /** Plugins given directly on the command line, by slug (or by path until they load). */
  readonly #direct = new Map<string, Direct>();
  #manager: PluginManager<PluginHandle & { source: LoadedSource }> | null = null;
  /** Config overrides set from the console, on top of --config. */
  readonly #overrides = new Map<string, Record<string, unknown>>();

  constructor(opts: DevPluginsOptions) {
    this.#opts = opts;
  }

  /** Loads everything; a plugin that fails to load is reported and listed, not fatal. */
  async start(): Promise<void> {
    for (const target of this.#opts.plan.targets) {
      if (target.kind === 'plugins-dir') {
        await this.#startManager(target.path);
        continue;
      }
      const entry: Direct = { target, source: null, running: false };
      try {
        if (target.kind === 'project') await this.#opts.prepareProject?.(target.path);
        const source = await loadSource(target.path);
        const clash = this.#direct.get(source.slug) ?? (this.#manager?.entry(source.slug) ? true : undefined);
        if (clash) {
          source.close();
          throw new UserError(`two plugins have the slug "${source.slug}"; ${target.path} is not loaded`, { code: 'SLUG_CLASH' });
        }
        entry.source = source;
        this.#direct.set(source.slug, entry);
        for (const w of source.warnings) this.#opts.warn(`${source.slug}: ${w}`);
        await this.#loadDirect(entry);
      } catch (err) {
        // a --config flag that names no such key is a usage error, not a plugin's failure
        if (err instanceof UserError && err.code === 'BAD_CONFIG_FLAG') throw err;
        entry.error = message(err);
        if (!entry.source) this.#direct.set(target.path, entry);
        this.#opts.warn(`${target.path}: ${entry.error}`);
      }
    }
    for (const slug of unusedConfigSlugs(this.#opts.configFlags, this.list().map((p) => p.slug))) {
      this.#opts.warn(`--config names "${slug}", which is not one of the served plugins`);
    }
  }

  /** The sources of the plugins that get work now (for routes, public files, icons). */
  live(): LoadedSource[] {
    const working = new Set(this.#opts.runner.plugins().filter((p) => p.state === 'enabled').map((p) => p.slug));
    const out: LoadedSource[] = [];
    for (const [slug, d] of this.#direct) if (d.running && d.source && working.has(slug)) out.push(d.source);
    for (const handle of this.#manager?.snapshot() ?? []) if (working.has(handle.slug)) out.push(handle.source);
    return out.sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
  }

  /** Every plugin known, for the console and the admin list. */
  list(): DevPluginInfo[] {
    const runner = new Map(this.#opts.runner.plugins().map((p) => [p.slug, p]));
    const out: DevPluginInfo[] = [];
    for (const [key, d] of this.#direct) {
      const s = d.source;
      const r = s ? runner.get(s.slug) : undefined;
      const status: DevPluginStatus = d.error && !d.running ? 'failed' : !d.running ? 'stopped' : r?.state === 'disabled' ? 'disabled' : 'running';
      out.push({
        ...(s ? this.#describe(s) : { slug: key, name: key, version: '', description: '', permissions: [], config: [] }),
        from: d.target.kind,
        path: d.target.path,
        status,
        ...(d.error && status === 'failed' ? { reason: d.error } : r?.disabledReason ? { reason: r.disabledReason } : {}),
        warnings: s?.warnings ?? [],
      });
    }
    for (const e of this.#manager?.list() ?? []) out.push(this.#fromManager(e, runner.get(e.slug)));
    return out.sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
  }

  /** Production's Manager.List() entries for the admin API (the directory's plugins and the direct ones). */
  adminList(): unknown[] {
    return this.list();
  }

  async enable(slug: string): Promise<void> {
    const d = this.#direct.get(slug);
    if (d) {
      if (d.running && this.#runnerState(slug) === 'enabled') return;
      if (d.running) await this.#opts.runner.unload(slug).catch(() => undefined);
      d.running = false;
      await this.#loadDirect(d);
      return;
    }
    await this.#requireManager(slug).enable(slug);
  }

  async disable(slug: string): Promise<void> {
    const d = this.#direct.get(slug);
    if (d) {
      if (d.running) await this.#opts.runner.unload(slug).catch(() => undefined);
      d.running = false;
      return;
    }
    await this.#requireManager(slug).disable(slug);
  }

  /** Reads the plugin from disk again (rebuilding a project whose sources changed) and swaps it in. */
  async reload(slug: string): Promise<void> {
    const d = this.#direct.get(slug);
    if (!d) return this.#requireManager(slug).reload(slug);
    if (d.target.kind === 'project') await this.#opts.prepareProject?.(d.target.path);
    await this.#swap(slug, d, await loadSource(d.target.path));
  }

  /**
   * Swaps in a plugin already read (a watch loop's fresh build) for the one given at `path`,
   * without building or reading anything; one that failed to load at start is loaded now.
   */
  async reloadSource(path: string, next: LoadedSource): Promise<void> {
    const found = [...this.#direct].find(([, d]) => d.target.path === path);
    if (!found) {
      next.close();
      throw new UserError(`${path} is not one of the served plugins`, { code: 'PLUGIN_NOT_FOUND' });
    }
    const [key, d] = found;
    if (!d.source) {
      // it never loaded: it is listed by its path until it has a slug
      if (this.#direct.has(next.slug) || this.#manager?.entry(next.slug)) {
        next.close();
        throw new UserError(`two plugins have the slug "${next.slug}"; ${path} is not loaded`, { code: 'SLUG_CLASH' });
      }
      this.#direct.delete(key);
      this.#direct.set(next.slug, d);
    }
    await this.#swap(d.source?.slug ?? next.slug, d, next);
  }

  async #swap(slug: string, d: Direct, next: LoadedSource): Promise<void> {
    if (next.slug !== slug) {
      next.close();
      throw new UserError(`${d.target.path} now has the slug "${next.slug}" (was "${slug}"); restart serve (or watch) to pick it up`, {
        code: 'SLUG_CHANGED',
      });
    }
    if (d.running) await this.#opts.runner.unload(slug).catch(() => undefined);
    d.running = false;
    d.source?.close();
    d.source = next;
    await this.#loadDirect(d);
  }

  /** Config values set from the console: validated like --config, then the plugin is reloaded with them. */
  async setConfig(slug: string, values: Record<string, unknown>): Promise<void> {
    const source = this.#source(slug);
    if (!source) throw new UserError(`no plugin "${slug}"`, { code: 'PLUGIN_NOT_FOUND' });
    for (const key of Object.keys(values)) {
      if (!Object.hasOwn(source.manifest.config, key)) {
        throw new UserError(`the manifest of "${slug}" declares no config key "${key}"`, { code: 'BAD_CONFIG' });
      }
    }
    this.#overrides.set(slug, { ...this.#overrides.get(slug), ...values });
    const d = this.#direct.get(slug);
    if (d) {
      if (d.running) await this.#opts.runner.unload(slug).catch(() => undefined);
      d.running = false;
      await this.#loadDirect(d);
    } else {
      await this.#requireManager(slug).reload(slug);
    }
  }

  /** The plugins given directly (projects, packages, loose files) that loaded once: what --watch follows. */
  watchable(): { slug: string; kind: 'project' | 'package' | 'loose'; path: string }[] {
    const out: { slug: string; kind: 'project' | 'package' | 'loose'; path: string }[] = [];
    for (const [slug, d] of this.#direct) {
      if (d.source && d.target.kind !== 'plugins-dir') out.push({ slug, kind: d.target.kind, path: d.target.path });
    }
    return out;
  }

  /** The manager's strike switch: a plugin the runner disabled leaves the manager's snapshot. */
  markAutoDisabled(slug: string): void {
    this.#manager?.setAutoDisabled(slug);
  }

  async close(): Promise<void> {
    await this.#manager?.stop();
    for (const d of this.#direct.values()) d.source?.close();
    this.#direct.clear();
  }

  // -------------------------------------------------------------------------------------

  async #startManager(dir: string): Promise<void> {
    const runner = this.#opts.runner;
    const manager = new PluginManager<PluginHandle & { source: LoadedSource }>({
      pluginsDir: dir,
      stateDir: join(this.#opts.plan.stateDir, 'manager'),
      scanIntervalMs: this.#opts.scanIntervalMs ?? 2_000,
      logger: { warn: (m) => this.#opts.warn(m) },
      load: async (source) => {
        const loaded = await runner.load(this.#pluginSource(source));
        return { slug: loaded.slug, registration: loaded.registerOutput, source, close: () => runner.unload(loaded.slug) };
      },
    });
    this.#manager = manager;
    await manager.start();
  }

  async #loadDirect(d: Direct): Promise<void> {
    const source = d.source!;
    try {
      await this.#opts.runner.load(this.#pluginSource(source));
      d.running = true;
      delete d.error;
    } catch (err) {
      d.running = false;
      d.error = message(err);
      throw err;
    }
  }

  #pluginSource(source: LoadedSource): PluginSource {
    return toPluginSource(source, { ...configOverridesFor(source.manifest, this.#opts.configFlags), ...this.#overrides.get(source.slug) });
  }

  #describe(s: LoadedSource): Pick<DevPluginInfo, 'slug' | 'name' | 'version' | 'description' | 'permissions' | 'config' | 'adminPages'> {
    const overrides = { ...safeOverrides(s, this.#opts.configFlags), ...this.#overrides.get(s.slug) };
    return {
      slug: s.slug,
      name: s.name,
      version: s.manifest.version,
      description: s.manifest.description,
      permissions: [...s.permissions],
      adminPages: s.manifest.admin.pages.map((p) => ({ title: p.title, path: p.path })),
      config: Object.entries(s.manifest.config).map(([key, f]) => ({
        key,
        type: f.type,
        description: f.description,
        default: f.default,
        value: Object.hasOwn(overrides, key) ? overrides[key] : f.default,
      })),
    };
  }

  #fromManager(e: DiscoveredEntry, r: ReturnType<PluginRunner['plugins']>[number] | undefined): DevPluginInfo {
    const source = this.#manager?.source(e.slug);
    const status: DevPluginStatus = !e.enabled
      ? 'discovered'
      : !e.loaded
        ? 'failed'
        : e.autoDisabled || r?.state === 'disabled'
          ? 'disabled'
          : 'running';
    const reason = e.lastError ?? r?.disabledReason ?? (e.pendingPermissions?.length ? `needs approval: ${e.pendingPermissions.join(', ')}` : undefined);
    return {
      ...(source
        ? this.#describe(source)
        : { slug: e.slug, name: e.name, version: e.version ?? '', description: e.description ?? '', permissions: e.permissions ?? [], config: [] }),
      from: 'plugins-dir',
      path: e.path,
      status,
      ...(reason ? { reason } : {}),
      warnings: source?.warnings ?? [],
    };
  }

  #source(slug: string): LoadedSource | undefined {
    return this.#direct.get(slug)?.source ?? this.#manager?.source(slug);
  }

  #runnerState(slug: string): 'enabled' | 'disabled' | undefined {
    return this.#opts.runner.plugins().find((p) => p.slug === slug)?.state;
  }

  #requireManager(slug: string): PluginManager<PluginHandle & { source: LoadedSource }> {
    if (!this.#manager?.entry(slug)) throw new UserError(`no plugin "${slug}"`, { code: 'PLUGIN_NOT_FOUND' });
    return this.#manager;
  }
}

/** --config values for the console's view; a bad flag was already reported at load. */
function safeOverrides(s: LoadedSource, flags: ConfigFlags): Record<string, unknown> {
  try {
    return configOverridesFor(s.manifest, flags);
  } catch {
    return {};
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
