// One scenario's world: a fresh PluginHost whose Owncast is the recording env, with a fake
// clock for timers and tick, canned outbound HTTP, and the plugins under test loaded and
// seeded from `given`. Each step type is a method, so the scenario runner and a JS test API
// drive plugins the same way.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { SseHub } from '../../devserver/http/index.js';
import { ManualScheduler, type ChatDispatchReport, type DispatchReport } from '../../host/dispatch/index.js';
import { createRecordingEnv, type EnvSeed, type RecordingEnv } from '../../host/env/index.js';
import { PluginHost, type LoadedPlugin } from '../../host/host.js';
import { toPluginSource, type LoadedSource } from '../../host/manager/index.js';
import type { Given, PluginGiven } from '../scenario.js';
import { EffectLog } from './effects.js';
import { fixtureHttpService } from './fixture-http.js';
import { ScenarioHttpClient, type HttpStepReply, type HttpStepRequest } from './http-client.js';
import { resolveStepEventType } from './event-names.js';
import { seedPluginStorage } from './seed.js';
import { sharedScenarioSql, type ScenarioSql } from './sql.js';

export { sharedScenarioSql, type ScenarioSql } from './sql.js';

export interface HarnessOptions {
  /** The plugin under test first, then the others (already built). */
  sources: LoadedSource[];
  given?: Given;
  /** A shared SQL service (the runner's); default: one of its own, in a temp dir removed on close. */
  sql?: ScenarioSql;
  /** Start of the fake clock, Unix ms; default now. */
  startMs?: number;
}

const PERMISSION_WARNING = /lacks permission "([^"]+)"/;

/** The Owncast data of `given`, for the recording env's world (what it leaves out stays at zero values). */
function worldSeed(given: Given): EnvSeed {
  const { stream, server, broadcaster, socials, federation, tags, videoConfig, chatHistory, chatClients, users, emotes } = given;
  const seed: EnvSeed = { stream, server, broadcaster, socials, federation, tags, chatHistory, chatClients, users, emotes };
  if (videoConfig) seed.videoConfig = { ...videoConfig, variants: videoConfig.variants ?? [] };
  return Object.fromEntries(Object.entries(seed).filter(([, v]) => v !== undefined)) as EnvSeed;
}

export class ScenarioHarness {
  readonly host: PluginHost;
  readonly env: RecordingEnv;
  readonly effects: EffectLog;
  readonly clock: ManualScheduler;
  /** Slug of the plugin under test. */
  readonly slug: string;
  readonly slugs: readonly string[];
  /** Warnings about calls a plugin made without the permission they need (once per plugin and function). */
  readonly permissionWarnings: string[] = [];
  /** Everything else the host warned about (failed calls, strikes, unmatched fixtures). */
  readonly hostWarnings: string[] = [];
  readonly #peakMemory = new Map<string, number>();
  readonly #hub = new SseHub();
  readonly #sql: ScenarioSql;
  /** Where this harness's own SQL databases live when nobody shared a service with it. */
  readonly #ownSqlDir: string | null;
  #http: ScenarioHttpClient | null = null;
  #messages = 0;

  private constructor(opts: HarnessOptions) {
    const given = opts.given ?? {};
    this.slugs = opts.sources.map((s) => s.slug);
    this.slug = this.slugs[0]!;
    this.clock = new ManualScheduler(opts.startMs ?? Date.now());
    this.#ownSqlDir = opts.sql ? null : mkdtempSync(join(tmpdir(), 'ocp-scenario-sql-'));
    // the helper process starts on the first query, so plugins without storage.sql never pay for it
    this.#sql = opts.sql ?? sharedScenarioSql(this.#ownSqlDir!);
    const env = createRecordingEnv(worldSeed(given));
    // what plugins send with owncast.sse.send is recorded and also reaches /_sse streams
    const recordSse = env.sse!.send;
    env.sse = { send: (slug, channel, event, data) => (recordSse(slug, channel, event, data), void this.#hub.send(slug, channel, event, data)) };
    this.env = env;
    const effects = (this.effects = new EffectLog(env));
    this.host = new PluginHost({
      env,
      log: {
        warn: (m) => (PERMISSION_WARNING.test(m) ? this.permissionWarnings : this.hostWarnings).push(m),
        plugin: (slug, level, message) => void effects.logs.push({ slug, level, message }),
      },
      http: fixtureHttpService(given.httpResponses ?? [], (r) => void effects.requests.push(r)),
      sql: this.#sql.service,
      scheduler: this.clock,
      clock: this.clock,
      tick: true,
      onEmit: (slug, eventType, payloadJson) => void effects.emits.push({ slug, eventType, payload: payloadJson === null ? null : JSON.parse(payloadJson) }),
      // one plugin: emits are recorded, not delivered (the reference's mock); several: delivered for real
      dispatchEmits: opts.sources.length > 1,
      onCallStart: () => this.sampleMemory(),
    });
  }

  /**
   * Loads the plugins (the one under test first) into a fresh host and applies `given`:
   * Owncast's data before the load, config values with it, storage (kv, fs, sql) after it,
   * as the reference seeds KV. Rejects (and leaves nothing running) when a plugin does not
   * load or a seed fails.
   */
  static async create(opts: HarnessOptions): Promise<ScenarioHarness> {
    if (opts.sources.length === 0) throw new Error('a scenario needs a plugin');
    const harness = new ScenarioHarness(opts);
    try {
      await harness.#load(opts.sources, opts.given ?? {});
    } catch (err) {
      await harness.close();
      throw err;
    }
    return harness;
  }

  async #load(sources: LoadedSource[], given: Given): Promise<void> {
    const twice = this.slugs.find((slug, i) => this.slugs.indexOf(slug) !== i);
    if (twice) throw new Error(`two of the scenario's plugins have the slug "${twice}"`);
    const seeds = new Map<string, PluginGiven>([[this.slug, given]]);
    for (const [slug, seed] of Object.entries(given.plugins ?? {})) {
      if (!this.slugs.includes(slug)) throw new Error(`given.plugins: no plugin "${slug}" in this scenario (it has ${this.slugs.join(', ')})`);
      if (slug === this.slug) throw new Error(`given.plugins: "${slug}" is the plugin under test; give its state at the top of "given"`);
      seeds.set(slug, seed);
    }
    this.#sql.reset(this.slugs);
    for (const source of sources) {
      const unknown = Object.keys(seeds.get(source.slug)?.config ?? {}).filter((key) => !Object.hasOwn(source.manifest.config, key));
      if (unknown.length > 0) {
        const declared = Object.keys(source.manifest.config);
        throw new Error(
          `given config: the manifest of "${source.slug}" declares no config key ${unknown.map((k) => `"${k}"`).join(', ')}` +
            (declared.length ? ` (it declares ${declared.join(', ')})` : ''),
        );
      }
      await this.host.load(toPluginSource(source, { ...seeds.get(source.slug)?.config }));
    }
    for (const [slug, seed] of seeds) seedPluginStorage(this, slug, seed);
    this.sampleMemory();
  }

  plugin(slug = this.slug): LoadedPlugin {
    const p = this.host.plugin(slug);
    if (!p) throw new Error(`no plugin "${slug}" in this scenario`);
    return p;
  }

  // ---- steps ----------------------------------------------------------------------------

  /**
   * Delivers an event to its subscribers, notifications only (the reference's Notify). A
   * custom name that is not qualified addresses the plugin under test's own hook.
   */
  async event(eventType: string, payload: unknown = null): Promise<DispatchReport> {
    const resolved = resolveStepEventType(eventType, this.slug, this.host.plugins);
    return this.#settled(this.host.dispatcher.dispatch(resolved, payload, { only: 'notifications' }));
  }

  /** Runs the filter chain alone (no notifications), with fail-open and strikes. */
  filter(eventType: string, payload: unknown = null): Promise<DispatchReport> {
    return this.#settled(this.host.dispatcher.dispatch(eventType, payload, { only: 'filters' }));
  }

  /** An event from outside any plugin, addressed as written: filters, then notifications. */
  emit(eventType: string, payload: unknown = null): Promise<DispatchReport> {
    return this.#settled(this.host.dispatcher.dispatch(eventType, payload));
  }

  /**
   * A chat line as Owncast handles one: filters, notifications, `!help`, then the command
   * matcher. Fields the scenario leaves out get defaults: a message id, the fake clock's time
   * (so command cooldowns follow `advance`) and a viewer.
   */
  command(body: string, opts: { user?: unknown; message?: Record<string, unknown> } = {}): Promise<ChatDispatchReport> {
    const n = ++this.#messages;
    const user = typeof opts.user === 'string' ? { id: `user-${opts.user}`, displayName: opts.user } : (opts.user ?? { id: 'viewer', displayName: 'viewer' });
    const message = { id: `scenario-msg-${n}`, body, user, timestamp: new Date(this.clock.now()).toISOString(), ...opts.message };
    return this.#settled(this.host.dispatchChatMessage(message));
  }

  /** Moves the fake clock: due timers fire in time order, and `tick` once per second passed. */
  async advance(ms: number): Promise<void> {
    await this.#settled(this.clock.advance(ms));
  }

  /** A request to a plugin's routes through the real plugin HTTP server. */
  async http(req: HttpStepRequest, slug = this.slug): Promise<HttpStepReply> {
    this.#http ??= new ScenarioHttpClient(this.host, this.#hub, (m) => this.hostWarnings.push(m));
    return this.#settled(this.#http.request(slug, req));
  }

  async #settled<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } finally {
      await this.host.dispatcher.idle();
      this.sampleMemory();
    }
  }

  // ---- state ----------------------------------------------------------------------------

  /** The plugin's stored KV value ("" when missing, as the reference reads it). */
  kv(key: string, slug = this.slug): string {
    return this.host.kv.get(slug, key) ?? '';
  }

  /** A file in the plugin's storage.fs sandbox, or null. */
  file(path: string, slug = this.slug): Uint8Array | null {
    return this.host.fs.sandbox(slug).read(path);
  }

  /** Runs a query on the plugin's database: its rows keyed by column (as owncast.sql.query gives them), or an error. */
  query(sql: string, params: unknown[] = [], slug = this.slug): { rows: Record<string, unknown>[] } | { error: string } {
    const answer = JSON.parse(this.#sql.service.query(slug, JSON.stringify({ sql, params }))) as { columns?: string[]; rows?: unknown[][]; error?: string };
    if (answer.error !== undefined) return { error: answer.error };
    const columns = answer.columns ?? [];
    return { rows: (answer.rows ?? []).map((values) => Object.fromEntries(columns.map((c, i) => [c, values[i]]))) };
  }

  /** Runs a statement on the plugin's database (what `given.sql` does). */
  exec(sql: string, params: unknown[] = [], slug = this.slug): { error?: string } {
    return JSON.parse(this.#sql.service.exec(slug, JSON.stringify({ sql, params }))) as { error?: string };
  }

  strikes(slug = this.slug): number {
    return this.host.dispatcher.strikes(slug);
  }

  disabled(slug = this.slug): boolean {
    return this.host.dispatcher.isDisabled(slug);
  }

  /** The largest linear memory each plugin's instance held, sampled at every call and step. */
  peakMemoryBytes(slug = this.slug): number {
    return this.#peakMemory.get(slug) ?? 0;
  }

  sampleMemory(): void {
    for (const p of this.host.plugins) {
      const bytes = p.instance.memoryBytes;
      if (bytes > (this.#peakMemory.get(p.slug) ?? 0)) this.#peakMemory.set(p.slug, bytes);
    }
  }

  async close(): Promise<void> {
    await this.#http?.close();
    this.#hub.close();
    await this.host.close();
    if (this.#ownSqlDir) {
      this.#sql.close();
      rmSync(this.#ownSqlDir, { recursive: true, force: true });
    }
  }
}
