import { dirname, relative, resolve } from 'node:path';

import { PluginError } from '../errors.js';
import { parseManifest } from '../manifest/index.js';
import type { Manifest } from '../manifest/index.js';
import { compileWasm, loadEngineModule } from './engine-module.js';
import { createHostFunctions, type HostImplementation } from './host-functions.js';
import { EngineCallError, PluginInstance, type EngineExport, type GuestLogger } from './instance.js';
import { StackMapper } from './source-map.js';

/** Owncast's services as the plugins see them. Tests record calls; the dev server prints them. */
export interface HostEnv {
  chat: {
    send(slug: string, text: string, kind: 'chat' | 'action' | 'system'): void;
    sendTo(slug: string, clientId: bigint, text: string): void;
  };
  kv: {
    get(slug: string, key: string): string | null;
    set(slug: string, key: string, value: string): void;
  };
  events: {
    emit(slug: string, eventType: string, payloadJson: string): void;
  };
}

/** Where host diagnostics go (permission warnings, plugin console output). */
export interface HostLogger {
  warn(message: string): void;
  plugin(slug: string, level: 'debug' | 'info' | 'warn' | 'error', message: string): void;
}

/** A built plugin to load: a shared-engine script (plugin.js) or a self-contained plugin.wasm. */
export interface PluginSource {
  manifestJson: string;
  script?: string;
  wasm?: Uint8Array;
  /** plugin.js.map, to map plugin stack traces back to the author's sources. */
  sourceMap?: string;
  /** Where the source map lives, so its relative source paths resolve. */
  sourceMapFile?: string;
}

export interface Subscriptions {
  notify: { event: string }[];
  filter: { event: string; priority: number }[];
}

export interface Registration {
  subscriptions: Subscriptions;
  commands: unknown[];
  raw: Record<string, unknown>;
}

export type FilterResult =
  | { action: 'pass' }
  | { action: 'modify'; payload: unknown }
  | { action: 'drop'; reason?: string };

const KV_KEY_MAX = 1024;
const KV_VALUE_MAX = 256 * 1024;

/** The host functions this minimal host implements (the rest are no-ops returning 0). */
function implementations(env: HostEnv, logger: HostLogger): Partial<Record<string, HostImplementation>> {
  return {
    owncast_send_chat: (c) => env.chat.send(c.caller.slug, c.text(0), 'chat'),
    owncast_send_chat_action: (c) => env.chat.send(c.caller.slug, c.text(0), 'action'),
    owncast_send_chat_system: (c) => env.chat.send(c.caller.slug, c.text(0), 'system'),
    owncast_send_chat_to: (c) => env.chat.sendTo(c.caller.slug, c.args[0] as bigint, c.text(1)),
    owncast_kv_get: (c) => env.kv.get(c.caller.slug, c.text(0)),
    owncast_kv_set: (c) => {
      const key = c.text(0);
      const value = c.text(1);
      if (Buffer.byteLength(key) > KV_KEY_MAX || Buffer.byteLength(value) > KV_VALUE_MAX) {
        logger.warn(`owncast_kv_set: plugin "${c.caller.slug}" wrote a key or value over the limit (key 1 KiB, value 256 KiB); dropped`);
        return;
      }
      env.kv.set(c.caller.slug, key, value);
    },
    owncast_emit_event: (c) => env.events.emit(c.caller.slug, c.text(0), c.text(1)),
    owncast_log_info: (c) => logger.plugin(c.caller.slug, 'info', c.text(0)),
    owncast_log_warning: (c) => logger.plugin(c.caller.slug, 'warn', c.text(0)),
    owncast_log_error: (c) => logger.plugin(c.caller.slug, 'error', c.text(0)),
  };
}

/** One loaded plugin: its instance, what it registered, and how to map its stack traces. */
export class LoadedPlugin {
  readonly slug: string;
  readonly manifest: Manifest;
  readonly registration: Registration;
  readonly instance: PluginInstance;
  readonly #mapper: StackMapper | null;

  constructor(manifest: Manifest, registration: Registration, instance: PluginInstance, mapper: StackMapper | null) {
    this.slug = manifest.slug;
    this.manifest = manifest;
    this.registration = registration;
    this.instance = instance;
    this.#mapper = mapper;
  }

  /** Calls an export; a failure becomes a PluginError naming the plugin and export, its stack source-mapped. */
  async call(exportName: EngineExport, input: string | Uint8Array = ''): Promise<string> {
    try {
      return (await this.instance.call(exportName, input)).text();
    } catch (err) {
      throw this.toPluginError(err, exportName);
    }
  }

  /** Delivers a notification: {eventType, payload} to on_event. */
  async notify(eventType: string, payload: unknown): Promise<void> {
    await this.call('on_event', JSON.stringify({ eventType, payload }));
  }

  /** Runs the plugin's filter on an event. */
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
  env: HostEnv;
  logger: HostLogger;
  /** Working directory for showing source paths. */
  cwd?: string;
}

/**
 * The embedded host: compiles the engine once, instantiates one engine per plugin with
 * the production config keys (__slug, script, manifest), gates every host call by the
 * manifest's permissions, and calls register/on_event/on_filter.
 */
export class PluginHost {
  readonly #opts: PluginHostOptions;
  readonly #plugins = new Set<LoadedPlugin>();
  readonly #deniedWarned = new Set<string>();

  constructor(opts: PluginHostOptions) {
    this.#opts = opts;
  }

  get plugins(): LoadedPlugin[] {
    return [...this.#plugins];
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
    const { env, logger } = this.#opts;
    const caller = { slug: manifest.slug, permissions: new Set(manifest.permissions) };
    const hostFunctions = createHostFunctions({
      caller,
      implementations: implementations(env, logger),
      onError: (fn, err) =>
        logger.warn(`${fn.name}: the host failed while serving plugin "${manifest.slug}": ${err instanceof Error ? err.message : String(err)}`),
      onDenied: (fn, who) => {
        const key = `${who.slug}\0${fn.name}`;
        if (this.#deniedWarned.has(key)) return;
        this.#deniedWarned.add(key);
        logger.warn(
          `${fn.name}: plugin "${who.slug}" lacks permission "${fn.permission}"; the call did nothing. ` +
            `Add "${fn.permission}" to "permissions" in plugin.manifest.json.`,
        );
      },
    });
    const module = source.wasm ? await compileWasm(source.wasm) : await loadEngineModule();
    const config: Record<string, string> = { __slug: manifest.slug, manifest: source.manifestJson };
    if (!source.wasm) {
      if (source.script === undefined) throw new Error('PluginSource needs script or wasm');
      config.script = source.script;
    }
    const guestLogger: GuestLogger = {
      debug: (m) => logger.plugin(manifest.slug, 'debug', m),
      info: (m) => logger.plugin(manifest.slug, 'info', m),
      warn: (m) => logger.plugin(manifest.slug, 'warn', m),
      error: (m) => logger.plugin(manifest.slug, 'error', m),
    };
    const instance = await PluginInstance.create({ module, config, hostFunctions, logger: guestLogger });
    let mapper: StackMapper | null = null;
    if (source.sourceMap) {
      const base = source.sourceMapFile ? dirname(source.sourceMapFile) : undefined;
      const cwd = this.#opts.cwd ?? process.cwd();
      mapper = new StackMapper(source.sourceMap, {
        resolveSource: base ? (s) => relative(cwd, resolve(base, s)) : undefined,
      });
    }
    const provisional = new LoadedPlugin(manifest, emptyRegistration(), instance, mapper);
    let registration: Registration;
    try {
      const out = await provisional.call('register');
      registration = parseRegistration(out);
    } catch (err) {
      await instance.close();
      throw err;
    }
    const loaded = new LoadedPlugin(manifest, registration, instance, mapper);
    this.#plugins.add(loaded);
    return loaded;
  }

  async unload(plugin: LoadedPlugin): Promise<void> {
    this.#plugins.delete(plugin);
    await plugin.close();
  }

  async close(): Promise<void> {
    const all = [...this.#plugins];
    this.#plugins.clear();
    await Promise.all(all.map((p) => p.close()));
  }
}

function emptyRegistration(): Registration {
  return { subscriptions: { notify: [], filter: [] }, commands: [], raw: {} };
}

export function parseRegistration(out: string): Registration {
  const raw = (out ? JSON.parse(out) : {}) as Record<string, unknown>;
  const subs = (raw.subscriptions ?? {}) as Partial<Subscriptions>;
  return {
    subscriptions: {
      notify: Array.isArray(subs.notify) ? subs.notify : [],
      filter: Array.isArray(subs.filter) ? subs.filter.map((f) => ({ event: f.event, priority: f.priority ?? 100 })) : [],
    },
    commands: Array.isArray(raw.commands) ? raw.commands : [],
    raw,
  };
}
