import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';

import { PluginError } from '../errors.js';
import { parseManifest } from '../manifest/index.js';
import type { Manifest } from '../manifest/index.js';
import { guardObserver, type ActivityObserver } from './activity.js';
import { Dispatcher, namespaceSubscriptions, type DispatchOptions, type Scheduler } from './dispatch/index.js';
import { observeEnv, type HostEnv } from './env/index.js';
import { buildHostCallRunner, buildHostFunctions, type Clock, type EventSink, type HostDeps, type SqlService } from './functions/index.js';
import { compileWasm, loadEngineModule } from './engine-module.js';
import { EngineCallError, PluginInstance, type EngineExport, type GuestLogger, type PluginRuntime } from './instance.js';
import type { InstanceFactory } from './executor/spec.js';
import { checkRegistration } from './manager/agreement.js';
import { createHttpKernelOverrides, createHttpService, type HttpService } from './offthread/http/index.js';
import { createSqlService, type SqlInspector } from './offthread/sql/index.js';
import { identityFromManifest } from './identity.js';
import { StackMapper } from './source-map.js';
import { createFsSandboxes, openKvStore, type FsSandboxes, type KvStore } from './storage/index.js';
import type { CallablePlugin, FileSource, HostLog, PluginCommand, PluginIdentity } from './types.js';

/** A built plugin to load: a shared-engine script (plugin.js) or a self-contained plugin.wasm. */
export interface PluginSource {
  manifestJson: string;
  script?: string;
  wasm?: Uint8Array;
  /** plugin.js.map, to map plugin stack traces back to the author's sources. */
  sourceMap?: string;
  /** Where the source map lives, so its relative source paths resolve. */
  sourceMapFile?: string;
  assets?: FileSource | null;
  publicFiles?: FileSource | null;
  /** Admin overrides of the manifest's config values. */
  configOverrides?: Record<string, unknown>;
}

export interface Subscriptions {
  notify: { event: string }[];
  filter: { event: string; priority: number }[];
}

export interface Registration {
  /** As register() reported them (custom hooks not yet namespaced). */
  subscriptions: Subscriptions;
  commands: PluginCommand[];
  /** The parsed register() output. */
  raw: Record<string, unknown>;
}

export type FilterResult =
  | { action: 'pass' }
  | { action: 'modify'; payload: unknown }
  | { action: 'drop'; reason?: string };

/** Per-export budgets, as the engine enforces them (engine/src/glue.c); the host uses them for its own deadlines. */
export const EXPORT_BUDGET_MS: Record<EngineExport, number> = {
  register: 10_000,
  on_event: 500,
  on_filter: 50,
  on_http_request: 5_000,
  on_auth_check: 5_000,
  on_tab_content: 5_000,
  on_page_content: 5_000,
  on_page_styles: 5_000,
  on_page_scripts: 5_000,
};

/** One loaded plugin: its identity, instance, what it registered, and how to map its stack traces. */
export class LoadedPlugin implements CallablePlugin {
  readonly slug: string;
  readonly identity: PluginIdentity;
  readonly manifest: Manifest;
  readonly registration: Registration;
  /** register()'s output text, verbatim. */
  readonly registerOutput: string;
  /** Notify subscriptions as the dispatcher matches them: custom hooks namespaced to this plugin. */
  readonly subscriptions: Subscriptions;
  readonly commands: PluginCommand[];
  readonly instance: PluginRuntime;
  readonly #mapper: StackMapper | null;

  constructor(parts: {
    identity: PluginIdentity;
    registration: Registration;
    registerOutput: string;
    notify: { event: string }[];
    instance: PluginRuntime;
    mapper: StackMapper | null;
  }) {
    this.identity = parts.identity;
    this.slug = parts.identity.slug;
    this.manifest = parts.identity.manifest;
    this.registration = parts.registration;
    this.registerOutput = parts.registerOutput;
    this.subscriptions = { notify: parts.notify, filter: parts.registration.subscriptions.filter };
    this.commands = parts.registration.commands;
    this.instance = parts.instance;
    this.#mapper = parts.mapper;
  }

  /** Calls an export; a failure becomes a PluginError naming the plugin and export, its stack source-mapped. */
  async call(exportName: EngineExport, input: string | Uint8Array = '', context?: unknown): Promise<string> {
    try {
      return (await this.instance.call(exportName, input, context, { budgetMs: EXPORT_BUDGET_MS[exportName] })).text();
    } catch (err) {
      throw this.toPluginError(err, exportName);
    }
  }

  /** Delivers a notification straight to this plugin (no dispatcher): {eventType, payload} to on_event. */
  async notify(eventType: string, payload: unknown): Promise<void> {
    await this.call('on_event', JSON.stringify({ eventType, payload }));
  }

  /** Runs this plugin's filter on an event (no dispatcher). */
  async filter(eventType: string, payload: unknown): Promise<FilterResult> {
    const out = await this.call('on_filter', JSON.stringify({ eventType, payload }));
    if (!out) return { action: 'pass' };
    return JSON.parse(out) as FilterResult;
  }

  mapStack(stack: string): string {
    return this.#mapper ? this.#mapper.mapStack(stack) : stack;
  }

  toPluginError(err: unknown, exportName: string): unknown {
    if (!(err instanceof EngineCallError)) return err;
    const stack = err.pluginStack ? this.mapStack(err.pluginStack) : undefined;
    const nextSteps =
      err.kind === 'deadline'
        ? [`Keep ${exportName} under its budget: move slow work to owncast.timer or split it up.`]
        : err.kind === 'out-of-memory'
          ? ['The plugin hit its 48 MiB JS heap limit; keep less data in memory (use owncast.kv).']
          : [];
    return new PluginError(`${this.slug}: ${exportName}() failed: ${err.message}`, {
      slug: this.slug,
      exportName,
      pluginStack: stack,
      failure: err.kind,
      nextSteps,
      cause: err,
    });
  }

  close(): Promise<void> {
    return this.instance.close();
  }
}

export interface PluginHostOptions {
  /** Owncast's services (env/: a recording fake, the dev stubs, the simulator's world). */
  env: HostEnv;
  log: HostLog;
  /**
   * Where plugin storage lives: kv.db, <slug>/files/ (storage.fs), <slug>/db/ (storage.sql).
   * Absent: KV in memory and the fs sandboxes in a temp dir removed on close (tests, simulate).
   */
  dataDir?: string;
  /** storage.sql. Default: one SQLite database per plugin under dataDir (throwaway without one); null: none. */
  sql?: SqlService | null;
  /** Outbound HTTP for network.fetch. Default: undici in a worker; null: every request refused. */
  http?: HttpService | null;
  clock?: Clock;
  /** For timers and tick (tests pass a ManualScheduler). */
  scheduler?: Scheduler;
  /** Deliver `tick` once a second to plugins that subscribe to it. */
  tick?: boolean;
  /** Working directory for showing source paths. */
  cwd?: string;
  /**
   * Told as each export starts executing, with the budget it runs under (the threaded host's
   * watchdog publishes it). The export runs synchronously once this returns, so a microtask
   * queued here runs after it has finished.
   */
  onCallStart?(slug: string, exportName: EngineExport, budgetMs: number): void;
  /**
   * Told what plugins do as it happens (activity.ts): chat posts and SSE sends (through the
   * env), emits, timer fires, command deliveries, strikes and disables (from the dispatcher).
   * Runs inside plugin calls: keep it quick. A throw is logged and ignored.
   */
  onActivity?: ActivityObserver;
  /**
   * Told of every event a plugin emits, as owncast.events.emit is called (after the host
   * function dropped reserved names and invalid JSON), before the dispatcher delivers it.
   * `payloadJson` is the plugin's JSON text, or null for no payload. The scenario runner
   * records emits with it (issue 5: `expect.emits`).
   */
  onEmit?(slug: string, eventType: string, payloadJson: string | null): void;
  /** Deliver what plugins emit to the other plugins (default true). False: only onEmit hears of it. */
  dispatchEmits?: boolean;
  /**
   * Where plugins' instances run. Absent: in this thread (test, simulate, bench). serve's host
   * thread gives an executor pool (executor/pool.ts): each plugin in a thread of its own, its
   * host functions still served here. Those instances run network.fetch and storage.sql in
   * their own thread, and onCallStart is not told of their calls (their calls are on their
   * own call boards).
   */
  instances?: InstanceFactory;
}

/**
 * The embedded host: compiles the engine once, instantiates one engine per plugin with the
 * production config keys (__slug, script, manifest), gives it the 49 host functions over
 * Owncast's services and plugin storage behind the permission gate, checks register()
 * against the manifest as production does, and dispatches events, filters, commands,
 * emits and timers to the loaded plugins.
 */
export class PluginHost {
  readonly dispatcher: Dispatcher;
  readonly kv: KvStore;
  /** Every plugin's storage.fs sandbox (what the dev console browses). */
  readonly fs: FsSandboxes;
  /** Read-only access to plugin databases for the dev console; null without storage.sql or with a service that offers none. */
  readonly sqlInspector: SqlInspector | null;
  /** The env plugins reach: `opts.env`, observed when there is an activity observer. */
  readonly env: HostEnv;
  readonly #opts: PluginHostOptions;
  readonly #deps: HostDeps;
  readonly #plugins = new Set<LoadedPlugin>();
  readonly #tempDir: string | null;
  readonly #closers: (() => void)[] = [];
  readonly #http: HttpService | null;
  readonly #disabledListeners = new Set<(slug: string, reason: string) => void>();
  #httpWarm = false;

  constructor(opts: PluginHostOptions) {
    this.#opts = opts;
    this.#tempDir = opts.dataDir ? null : mkdtempSync(join(tmpdir(), 'ocp-host-'));
    const dataDir = opts.dataDir ?? this.#tempDir!;
    this.kv = openKvStore(opts.dataDir ? join(opts.dataDir, 'kv.db') : ':memory:');
    const activity = guardObserver(opts.onActivity, opts.log);
    const env = (this.env = activity ? observeEnv(opts.env, activity) : opts.env);
    this.dispatcher = new Dispatcher({
      plugins: () => [...this.#plugins],
      log: opts.log,
      sendSystem: (text) => env.chat.send({ slug: '', botDisplayName: 'Owncast', kind: 'system', text }),
      onDisabled: (slug, reason) => {
        opts.log.warn(`plugin "${slug}" auto-disabled after 5 consecutive failures (${reason}); reload or re-enable it`);
        for (const listener of [...this.#disabledListeners]) listener(slug, reason);
      },
      scheduler: opts.scheduler,
      onActivity: activity ?? undefined,
    });
    this.fs = createFsSandboxes(dataDir, {
      onRefused: (slug, op, path, reason) => opts.log.warn(`storage.fs: plugin "${slug}" ${op} "${path}" refused: ${reason}`),
    });
    const sql = opts.sql === undefined ? this.#own(createSqlService({ dataDir: opts.dataDir ?? null })) : opts.sql;
    this.sqlInspector = sql && isSqlInspector(sql) ? sql : null;
    this.#deps = {
      env,
      kv: this.kv,
      log: opts.log,
      fs: this.fs,
      sql: sql ?? undefined,
      events: emitSink(this.dispatcher, opts),
      timers: this.dispatcher.timers,
      clock: opts.clock,
    };
    this.#http = opts.http === undefined ? this.#own(createHttpService()) : opts.http;
    if (opts.tick) this.dispatcher.startTick();
  }

  /** A service this host created, and so closes. */
  #own<T extends { close(): void }>(service: T): T {
    this.#closers.push(() => service.close());
    return service;
  }

  /**
   * Tells `listener` when the strike system turns a plugin off (5 consecutive failures on
   * any path). Returns the function that stops telling it.
   */
  onPluginDisabled(listener: (slug: string, reason: string) => void): () => void {
    this.#disabledListeners.add(listener);
    return () => this.#disabledListeners.delete(listener);
  }

  get plugins(): LoadedPlugin[] {
    return [...this.#plugins];
  }

  plugin(slug: string): LoadedPlugin | undefined {
    return [...this.#plugins].find((p) => p.slug === slug);
  }

  async load(source: PluginSource): Promise<LoadedPlugin> {
    const parsed = parseManifest(source.manifestJson);
    if (!parsed.ok || !parsed.manifest) {
      const first = parsed.errors[0];
      throw new PluginError(`invalid manifest: ${first?.message ?? 'unknown error'}`, {
        slug: '(unknown)',
        exportName: 'register',
        exitCode: 1,
      });
    }
    const manifest = parsed.manifest;
    const identity = identityFromManifest(manifest, source.manifestJson, source);
    const { log } = this.#opts;
    const module = source.wasm ? await compileWasm(source.wasm) : await loadEngineModule();
    const config: Record<string, string> = { __slug: manifest.slug, manifest: source.manifestJson };
    if (!source.wasm) {
      if (source.script === undefined) throw new Error('PluginSource needs script or wasm');
      config.script = source.script;
    }
    const guestLogger: GuestLogger = {
      debug: (m) => log.plugin(manifest.slug, 'debug', m),
      info: (m) => log.plugin(manifest.slug, 'info', m),
      warn: (m) => log.plugin(manifest.slug, 'warn', m),
      error: (m) => log.plugin(manifest.slug, 'error', m),
    };
    const instance = this.#opts.instances
      ? await this.#opts.instances.create({
          identity,
          module,
          config,
          budgets: EXPORT_BUDGET_MS,
          runHostCall: buildHostCallRunner(identity, this.#deps),
          logger: guestLogger,
          warn: (m) => log.warn(m),
        })
      : await this.#instanceHere(identity, module, config, guestLogger);
    const mapper = source.sourceMap ? this.#stackMapper(source.sourceMap, source.sourceMapFile) : null;
    try {
      const probe = new LoadedPlugin({
        identity,
        registration: { subscriptions: { notify: [], filter: [] }, commands: [], raw: {} },
        registerOutput: '',
        notify: [],
        instance,
        mapper,
      });
      const registerOutput = await probe.call('register');
      const { runtime, warnings } = checkRegistration(manifest, registerOutput);
      for (const w of warnings) log.warn(w);
      const notify = namespaceSubscriptions(manifest.slug, runtime.subscriptions.notify).notify;
      const loaded = new LoadedPlugin({
        identity,
        registration: { subscriptions: runtime.subscriptions, commands: normalizeCommands(runtime.commands), raw: runtime.raw },
        registerOutput,
        notify,
        instance,
        mapper,
      });
      this.#plugins.add(loaded);
      return loaded;
    } catch (err) {
      await instance.close();
      throw err;
    }
  }

  async unload(plugin: LoadedPlugin): Promise<void> {
    this.#plugins.delete(plugin);
    if (!this.plugin(plugin.slug)) this.dispatcher.forget(plugin.slug);
    await plugin.close();
  }

  /** Filters, then notifications, for any event. */
  dispatch(eventType: string, payload: unknown) {
    return this.dispatcher.dispatch(eventType, payload);
  }

  /** A chat message as Owncast handles one: filters, notifications, then !help and commands. */
  dispatchChatMessage(message: unknown, opts: DispatchOptions = {}) {
    return this.dispatcher.dispatchChatMessage(message, opts);
  }

  async close(): Promise<void> {
    this.dispatcher.close();
    const all = [...this.#plugins];
    this.#plugins.clear();
    await Promise.all(all.map((p) => p.close()));
    await this.dispatcher.idle().catch(() => undefined);
    for (const close of this.#closers.splice(0)) close();
    this.kv.close();
    if (this.#tempDir) rmSync(this.#tempDir, { recursive: true, force: true });
  }

  /** A plugin's instance in this thread, with its host functions and network.fetch. */
  async #instanceHere(identity: PluginIdentity, module: WebAssembly.Module, config: Record<string, string>, logger: GuestLogger): Promise<PluginInstance> {
    this.#warmServices(identity);
    const { manifest } = identity;
    // network.fetch: the engine's Http.request reaches Extism's http_request, which the
    // host serves (allowedHosts on every hop, 10 MiB cap, the running call's deadline).
    let deadlineAt = 0;
    const http = this.#http;
    const kernelOverrides = http
      ? createHttpKernelOverrides(
          http,
          () => ({
            slug: identity.slug,
            allowedHosts: manifest.network.allowedHosts,
            permitted: identity.permissions.has('network.fetch'),
            deadlineAt,
          }),
          this.#opts.log,
        )
      : undefined;
    return PluginInstance.create({
      module,
      config,
      hostFunctions: buildHostFunctions(identity, this.#deps),
      kernelOverrides,
      logger,
      onCallStart: (exportName) => {
        const budgetMs = EXPORT_BUDGET_MS[exportName as EngineExport] ?? 5_000;
        deadlineAt = performance.now() + budgetMs;
        this.#opts.onCallStart?.(manifest.slug, exportName as EngineExport, budgetMs);
      },
    });
  }

  /**
   * SQL and HTTP run in a worker (and SQL in a helper process) started on first use. That
   * start takes a few hundred milliseconds, which must not be charged to a plugin's first
   * call under its 500 ms budget: pay it at load instead, once per service.
   */
  #warmServices(identity: PluginIdentity): void {
    // a real query: it also starts the helper process behind the worker
    if (identity.permissions.has('storage.sql')) this.#deps.sql?.query(identity.slug, '{"sql":"SELECT 1"}');
    if (identity.permissions.has('network.fetch') && this.#http && !this.#httpWarm) {
      this.#httpWarm = true;
      this.#http.warm();
    }
  }

  #stackMapper(sourceMap: string, sourceMapFile: string | undefined): StackMapper {
    const base = sourceMapFile ? dirname(sourceMapFile) : undefined;
    const cwd = this.#opts.cwd ?? process.cwd();
    return new StackMapper(sourceMap, { resolveSource: base ? (s) => relative(cwd, resolve(base, s)) : undefined });
  }
}

/** What owncast_emit_event reaches: the dispatcher, with the caller's emit observer in front. */
function emitSink(dispatcher: Dispatcher, opts: PluginHostOptions): EventSink {
  const { onEmit, dispatchEmits = true } = opts;
  if (!onEmit && dispatchEmits) return dispatcher;
  return {
    emit(slug, eventType, payloadJson) {
      onEmit?.(slug, eventType, payloadJson);
      if (dispatchEmits) dispatcher.emit(slug, eventType, payloadJson);
    },
  };
}

function isSqlInspector(service: SqlService): service is SqlService & SqlInspector {
  return typeof (service as Partial<SqlInspector>).inspect === 'function';
}

/** register()'s commands with production's defaults filled in. */
function normalizeCommands(list: unknown[]): PluginCommand[] {
  const out: PluginCommand[] = [];
  for (const item of list) {
    if (!item || typeof item !== 'object') continue;
    const c = item as Partial<PluginCommand>;
    if (typeof c.name !== 'string' || !c.name) continue;
    out.push({
      name: c.name,
      prefix: typeof c.prefix === 'string' && c.prefix ? c.prefix : '!',
      description: typeof c.description === 'string' ? c.description : '',
      usage: typeof c.usage === 'string' ? c.usage : '',
      aliases: Array.isArray(c.aliases) ? c.aliases.filter((a): a is string => typeof a === 'string') : [],
      modOnly: c.modOnly === true,
      caseSensitive: c.caseSensitive === true,
      cooldownMs: typeof c.cooldownMs === 'number' && c.cooldownMs > 0 ? c.cooldownMs : 0,
    });
  }
  return out;
}
