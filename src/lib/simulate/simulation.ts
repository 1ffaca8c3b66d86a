// The simulator's engine (no UI): plugins loaded into one PluginHost on this thread (DESIGN
// §2.3) over the simulator's world, a clock only the simulation moves (a ManualScheduler
// behind timers, tick, message timestamps and host rate limits), and a script replayed
// through the real dispatcher. Everything that happens comes out as SimEvents. Work is
// serialized: a scripted step, a typed message, a reload and a stretch of clock never overlap.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';

import { createLogger, type Context } from '../context.js';
import { configOverridesFor, parseConfigFlags, unusedConfigSlugs, type ConfigFlags } from '../devserver/config-flags.js';
import { UserError } from '../errors.js';
import { ManualScheduler, type DispatchReport } from '../host/dispatch/index.js';
import type { HostChatMessage } from '../host/env/index.js';
import { PluginHost, type LoadedPlugin } from '../host/host.js';
import { toPluginSource, type LoadedSource } from '../host/manager/index.js';
import type { HostLog } from '../host/types.js';
import type { FilterPathStep, NotifyFailure, SimEvent, SimPluginInfo, SimPluginStats } from './events.js';
import { fixtureHttpService } from './fixtures.js';
import { chatUser, worldEvent } from './payloads.js';
import { TYPING_USERS, type ScriptEvent, type ScriptUser, type SimScript } from './script.js';
import { EventReporter, shortError } from './reporter.js';
import { loadTarget, resolveTargets, type SimTarget } from './sources.js';
import { createSimulatorEnv, scriptWorld, type SimulatorEnv } from './world.js';

export interface SimulationOptions {
  script: SimScript;
  /** Projects, packages, plugin files or plugins directories, relative to ctx.cwd; default the script's plugins. */
  paths?: readonly string[];
  /** --config slug.key=value overrides for plugins with a config schema. */
  config?: readonly string[];
  /** Where KV, SQL and files persist between runs; absent: in memory, gone at close. */
  stateDir?: string;
  /** Unix ms the simulated clock starts at; default the script's start, else now (whole seconds). */
  startMs?: number;
  /** Told every event from the first (the build and load messages, then `start`). */
  onEvent?(event: SimEvent): void;
}

interface PluginRecord {
  target: SimTarget;
  slug: string;
  source: LoadedSource | null;
  plugin: LoadedPlugin | null;
  calls: number;
  timeMs: number;
  lastError?: string;
  disabledReason?: string;
  loadError?: string;
}

type Listener = (event: SimEvent) => void;

export class Simulation {
  readonly script: SimScript;
  /** Unix ms at t = 0. */
  readonly startMs: number;
  /** The script's cast (copied: renames change it) followed by the typing users. */
  readonly users: ScriptUser[];
  readonly host: PluginHost;
  readonly env: SimulatorEnv;
  readonly #ctx: Context;
  readonly #opts: SimulationOptions;
  readonly #scheduler: ManualScheduler;
  readonly #reporter: EventReporter;
  readonly #records: PluginRecord[] = [];
  readonly #failedAtStart: { path: string; error: string }[] = [];
  readonly #configFlags: ConfigFlags;
  readonly #scratch: string;
  #cursor = 0;
  #scriptMs = 0;
  #jumpedMs = 0;
  #queue: Promise<unknown> = Promise.resolve();
  #ended = false;
  #closed = false;
  #messages = 0;
  #modified = 0;
  #dropped = 0;
  #scratchSeq = 0;

  private constructor(ctx: Context, opts: SimulationOptions, configFlags: ConfigFlags, scratch: string) {
    this.#opts = opts;
    this.script = opts.script;
    this.#scratch = scratch;
    this.startMs = opts.startMs ?? opts.script.start ?? Math.floor(ctx.clock.now() / 1000) * 1000;
    const cast = structuredClone(opts.script.users);
    this.users = [...cast, ...TYPING_USERS.filter((t) => !cast.some((u) => u.id === t.id || u.displayName === t.displayName)).map((u) => structuredClone(u))];
    this.#configFlags = configFlags;
    this.#reporter = new EventReporter({
      now: () => this.now,
      label: (slug) => this.host.plugin(slug)?.identity.botDisplayName,
      clientName: (id) => this.env.world.chatClients.find((c) => String(c.id) === id)?.displayName,
      failed: (slug, error) => {
        const r = this.#record(slug);
        if (r) r.lastError = error;
      },
    });
    if (opts.onEvent) this.#reporter.subscribe(opts.onEvent);
    // builds report through the simulation's log, never straight to a terminal a TUI may own
    this.#ctx = { ...ctx, logger: createLogger({ write: (chunk: string) => this.#reporter.hostLog('info', chunk.replace(/\n$/, '')) }, 'info') };
    this.#scheduler = new ManualScheduler(this.startMs);
    this.env = createSimulatorEnv({
      world: scriptWorld(opts.script, this.startMs),
      now: () => this.#scheduler.now(),
      effect: (effect) => this.#reporter.emit({ type: 'effect', effect }),
    });
    const log: HostLog = {
      warn: (message) => this.#reporter.hostLog('warn', message),
      plugin: (slug, level, message) => this.#reporter.emit({ type: 'log', source: 'plugin', slug, level, message }),
    };
    this.host = new PluginHost({
      env: this.env,
      log,
      ...(opts.stateDir ? { dataDir: opts.stateDir } : {}),
      http: fixtureHttpService(opts.script.httpResponses, (r) => this.#reporter.emit({ type: 'fetch', ...r })),
      clock: { now: () => this.#scheduler.now() },
      scheduler: {
        now: () => this.#scheduler.now(),
        // a timer's (or tick's) work is one group: the timer line first, then what it set off
        setTimeout: (task, ms) => this.#scheduler.setTimeout(() => this.#reporter.group(task), ms),
        clearTimeout: (handle) => this.#scheduler.clearTimeout(handle),
      },
      tick: true,
      cwd: ctx.cwd,
      onActivity: (a) => this.#reporter.activity(a),
      // reported where the plugin emits, and completed (depth, receivers) once delivered
      onEmit: (slug, eventType, payloadJson) => this.#reporter.emitted(slug, eventType, payloadJson),
    });
    this.host.onPluginDisabled((slug, reason) => {
      const r = this.#record(slug);
      if (r) r.disabledReason = reason;
    });
  }

  /**
   * Loads the plugins (building projects whose dist/ is stale) and reports `start`. A plugin
   * that fails to load is reported and left out; none loading at all is a UserError.
   */
  static async create(ctx: Context, opts: SimulationOptions): Promise<Simulation> {
    const paths = opts.paths && opts.paths.length > 0 ? opts.paths : opts.script.plugins;
    if (paths.length === 0) {
      throw new UserError('no plugins to simulate', {
        code: 'NO_PLUGINS',
        nextSteps: ['Name project directories, .ocpkg files or a plugins directory, or list "plugins" in the script.'],
      });
    }
    const configFlags = parseConfigFlags(opts.config ?? []);
    const targets = await resolveTargets(paths, ctx.cwd);
    const sim = new Simulation(ctx, opts, configFlags, await mkdtemp(join(tmpdir(), 'ocp-simulate-')));
    try {
      await sim.#loadAll(targets);
    } catch (err) {
      await sim.close();
      throw err;
    }
    return sim;
  }

  async #loadAll(targets: SimTarget[]): Promise<void> {
    for (const target of targets) {
      const record: PluginRecord = { target, slug: '', source: null, plugin: null, calls: 0, timeMs: 0 };
      try {
        const source = await loadTarget(this.#ctx, target, this.#nextScratch());
        record.slug = source.slug;
        record.source = source;
        if (this.#record(source.slug)) throw new UserError(`two plugins have the slug "${source.slug}"; ${target.path} is not loaded`, { code: 'SLUG_CLASH' });
        this.#records.push(record);
        await this.#load(record);
      } catch (err) {
        if (err instanceof UserError && err.code === 'BAD_CONFIG_FLAG') throw err;
        const error = message(err);
        this.#failedAtStart.push({ path: target.path, error });
        this.#reporter.hostLog('warn', `${target.path}: ${error}`);
      }
    }
    if (!this.#records.some((r) => r.plugin)) {
      throw new UserError('no plugin could be loaded', {
        code: 'NO_PLUGINS',
        exitCode: 1,
        diagnostics: this.#failedAtStart.map((f) => ({ text: f.error, file: f.path })),
      });
    }
    for (const slug of unusedConfigSlugs(this.#configFlags, this.#records.map((r) => r.slug))) {
      this.#reporter.hostLog('warn', `--config names "${slug}", which is not one of the simulated plugins`);
    }
    this.#reporter.emit({ type: 'start', script: this.script.name, events: this.script.events.length, plugins: this.pluginInfo(), failed: [...this.#failedAtStart] });
    if (this.script.events.length === 0) this.#end();
  }

  async #load(record: PluginRecord): Promise<void> {
    const source = record.source!;
    const plugin = await this.host.load(toPluginSource(source, configOverridesFor(source.manifest, this.#configFlags)));
    // calls and time per plugin, for the plugins pane: every dispatcher call goes through call()
    const call = plugin.call.bind(plugin);
    plugin.call = async (exportName, input, context) => {
      if (exportName === 'on_event' && typeof input === 'string') this.#reporter.callStarting(plugin.slug, input);
      const t0 = performance.now();
      try {
        return await call(exportName, input, context);
      } finally {
        record.calls++;
        record.timeMs += performance.now() - t0;
      }
    };
    record.plugin = plugin;
    delete record.loadError;
    delete record.disabledReason;
  }

  #nextScratch(): string {
    return join(this.#scratch, String(++this.#scratchSeq));
  }

  // ---- listening --------------------------------------------------------------------------

  /** Tells `listener` every event from now on; returns the function that stops it. */
  subscribe(listener: Listener): () => void {
    return this.#reporter.subscribe(listener);
  }

  /** Simulated milliseconds since the start (clock jumps included): the `t` of events. */
  get now(): number {
    return this.#scheduler.now() - this.startMs;
  }

  /** How far into the script the simulation is (clock jumps not counted). */
  get scriptTime(): number {
    return this.#scriptMs;
  }

  /** Script time of the next scripted event; null once they have all run. */
  get nextAt(): number | null {
    return this.script.events[this.#cursor]?.at ?? null;
  }

  /** Scripted events run so far. */
  get position(): number {
    return this.#cursor;
  }

  /** Whether every scripted event has run. */
  get ended(): boolean {
    return this.#ended;
  }

  pluginInfo(): SimPluginInfo[] {
    return this.#records.flatMap((r) => {
      const p = r.plugin;
      if (!p) return [];
      return [
        {
          slug: p.slug,
          name: p.manifest.name,
          version: p.manifest.version,
          label: p.identity.botDisplayName,
          path: shownPath(this.#ctx.cwd, r.target.path),
          filters: p.subscriptions.filter.map((f) => ({ event: f.event, priority: f.priority })),
          notify: p.subscriptions.notify.map((n) => n.event),
          commands: p.commands.map((c) => `${c.prefix}${c.name}`),
        },
      ];
    });
  }

  /** Every plugin's state, strikes, calls and time, in load order. */
  plugins(): SimPluginStats[] {
    return this.#records.map((r) => {
      const disabled = !!r.plugin && this.host.dispatcher.isDisabled(r.slug);
      return {
        slug: r.slug,
        state: !r.plugin ? 'failed' : disabled ? 'disabled' : 'running',
        strikes: r.plugin ? this.host.dispatcher.strikes(r.slug) : 0,
        calls: r.calls,
        timeMs: Math.round(r.timeMs * 100) / 100,
        ...(r.loadError ?? r.lastError ? { lastError: r.loadError ?? r.lastError } : {}),
        ...(disabled && r.disabledReason ? { disabledReason: r.disabledReason } : {}),
      };
    });
  }

  user(idOrName: string): ScriptUser | undefined {
    return this.users.find((u) => u.id === idOrName) ?? this.users.find((u) => u.displayName === idOrName);
  }

  // ---- driving ----------------------------------------------------------------------------

  /** Runs every scripted event due by `scriptMs` (in order, the clock moved to each), then moves the clock to `scriptMs`. */
  advanceTo(scriptMs: number): Promise<void> {
    return this.#exclusive(async () => {
      for (;;) {
        const next = this.script.events[this.#cursor];
        if (!next || next.at > scriptMs) break;
        await this.#moveClockTo(next.at);
        this.#cursor++;
        await this.#runStep(next);
        if (this.#cursor === this.script.events.length) this.#end();
      }
      await this.#moveClockTo(Math.max(this.#scriptMs, scriptMs));
    });
  }

  /** Runs the next scripted event, moving the clock straight to it. False when none is left. */
  async step(): Promise<boolean> {
    const at = this.nextAt;
    if (at === null) return false;
    await this.advanceTo(at);
    return true;
  }

  /** Runs the rest of the script as fast as the plugins allow. */
  runToEnd(): Promise<void> {
    const last = this.script.events[this.script.events.length - 1];
    return this.advanceTo(last ? last.at : this.#scriptMs);
  }

  /** A chat line typed by `user` now (the TUI's `i`). */
  say(user: ScriptUser, body: string): Promise<void> {
    return this.#exclusive(() => this.#chat(user, body, 'typed'));
  }

  /**
   * Reads a plugin (or every plugin) from disk again, rebuilding a stale project, and swaps
   * it in while the stream goes on: KV, SQL and files stay; strikes, timers and in-memory
   * state start over. `source` hands in a plugin already read (a watch loop's fresh build).
   * This is the hook `watch --simulate` drives.
   */
  reload(slug?: string, source?: LoadedSource): Promise<void> {
    return this.#exclusive(async () => {
      const records = slug === undefined ? [...this.#records] : this.#records.filter((r) => r.slug === slug);
      if (slug !== undefined && records.length === 0) throw new UserError(`no plugin "${slug}" in this simulation`, { code: 'PLUGIN_NOT_FOUND' });
      for (const record of records) await this.#reload(record, source);
    });
  }

  async #reload(record: PluginRecord, given?: LoadedSource): Promise<void> {
    this.#reporter.hold();
    try {
      const next = given ?? (await loadTarget(this.#ctx, record.target, this.#nextScratch()));
      if (next.slug !== record.slug) throw new UserError(`${record.target.path} now has the slug "${next.slug}" (was "${record.slug}")`, { code: 'SLUG_CHANGED' });
      if (record.plugin) await this.host.unload(record.plugin);
      record.plugin = null;
      record.source?.close();
      record.source = next;
      delete record.lastError;
      await this.#load(record);
      this.#reporter.finish({ type: 'reload', slug: record.slug, ok: true });
    } catch (err) {
      record.loadError = message(err);
      this.#reporter.finish({ type: 'reload', slug: record.slug, ok: false, error: record.loadError });
    }
  }

  /** A line of the host's log from outside the simulation (a watch loop's builds and reloads). */
  log(level: 'info' | 'warn', message: string): void {
    this.#reporter.hostLog(level, message);
  }

  /** Stops the clock and unloads everything; state in --state DIR stays. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue.catch(() => undefined);
    await this.host.close();
    for (const r of this.#records) r.source?.close();
    await rm(this.#scratch, { recursive: true, force: true });
  }

  // ---- steps ------------------------------------------------------------------------------

  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(() => {
      if (this.#closed) throw new Error('the simulation is closed');
      return work();
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Moves the clock to script time `scriptMs`: due timers and ticks fire on the way. */
  async #moveClockTo(scriptMs: number): Promise<void> {
    const target = this.startMs + scriptMs + this.#jumpedMs;
    const ms = target - this.#scheduler.now();
    this.#scriptMs = Math.max(this.#scriptMs, scriptMs);
    if (ms > 0) await this.#scheduler.advance(ms);
    await this.host.dispatcher.idle();
  }

  async #runStep(event: ScriptEvent): Promise<void> {
    const step = event.step;
    switch (step.type) {
      case 'chat':
        return this.#chat(this.#cast(step.user), step.body, 'script');
      case 'clock':
        this.#jumpedMs += step.advance;
        this.#reporter.emit({ type: 'clock', advancedMs: step.advance });
        await this.#scheduler.advance(step.advance);
        await this.host.dispatcher.idle();
        return;
      case 'viewers':
        this.env.world.stream = { ...this.env.world.stream, viewers: step.count };
        return;
      default: {
        const ev = worldEvent(step, this.env, (id) => this.#cast(id), this.#iso());
        const report = await this.#holding(async () => {
          const r = await this.host.dispatch(ev.eventType, ev.payload);
          await this.host.dispatcher.idle();
          return r;
        });
        this.#reporter.finish({
          type: 'event',
          eventType: ev.eventType,
          summary: ev.summary,
          payload: ev.payload,
          notified: report.notified.map((n) => n.slug),
          failures: failures(report),
          ...(report.dropped ? { dropped: report.dropped } : {}),
        });
      }
    }
  }

  /** Runs a step's dispatch with its events held for the step's own event; a failure lets them go. */
  async #holding<T>(work: () => Promise<T>): Promise<T> {
    this.#reporter.hold();
    try {
      return await work();
    } catch (err) {
      this.#reporter.finish();
      throw err;
    }
  }

  #cast(id: string): ScriptUser {
    const user = this.users.find((u) => u.id === id);
    if (!user) throw new Error(`no user ${id}`);
    return user;
  }

  async #chat(user: ScriptUser, body: string, source: 'script' | 'typed'): Promise<void> {
    const client = this.env.join(user);
    const id = `sim-${++this.#messages}`;
    const payload = { id, user: chatUser(user), body, timestamp: this.#iso(), clientId: client.id };
    const report = await this.#holding(async () => {
      const r = await this.host.dispatchChatMessage(payload, { accepted: (accepted) => this.env.recordChat(accepted as HostChatMessage) });
      await this.host.dispatcher.idle();
      return r;
    });
    const strikes = this.#reporter.held.filter((e): e is Extract<SimEvent, { type: 'strike' }> => e.type === 'strike' && e.path === 'filter');
    const filters = filterPath(report, body, strikes);
    const shown = report.dropped ? undefined : bodyOf(report.payload);
    if (report.dropped) this.#dropped++;
    else if (report.modified) this.#modified++;
    this.#reporter.finish({
      type: 'message',
      id,
      user: { id: user.id, displayName: user.displayName, role: user.role },
      body,
      source,
      filters,
      ...(shown !== undefined ? { shown } : {}),
      ...(report.dropped ? { dropped: report.dropped } : {}),
      notified: report.notified.map((n) => n.slug),
      failures: failures(report),
    });
  }

  #iso(): string {
    return new Date(this.#scheduler.now()).toISOString();
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#reporter.emit({
      type: 'end',
      messages: this.#messages,
      modified: this.#modified,
      dropped: this.#dropped,
      botMessages: this.#reporter.pluginPosts,
      disabled: this.#records.filter((r) => r.plugin && this.host.dispatcher.isDisabled(r.slug)).map((r) => r.slug),
      plugins: this.plugins(),
    });
  }

  #record(slug: string): PluginRecord | undefined {
    return this.#records.find((r) => r.slug === slug);
  }
}

/** A path relative to the working directory when it is inside it. */
function shownPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

function bodyOf(payload: unknown): string {
  const body = (payload as { body?: unknown } | null)?.body;
  return typeof body === 'string' ? body : JSON.stringify(payload);
}

/** Each filter's verdict, with the text before and after a modification and the strike a failure cost. */
function filterPath(report: DispatchReport, body: string, strikes: { slug: string; count: number }[]): FilterPathStep[] {
  let current = body;
  const pending = [...strikes];
  return report.filters.map((f): FilterPathStep => {
    const base = { slug: f.slug, priority: f.priority };
    switch (f.action) {
      case 'pass':
        return { ...base, action: 'pass' };
      case 'modify': {
        const after = bodyOf(f.payload);
        const step = { ...base, action: 'modify' as const, before: current, after };
        current = after;
        return step;
      }
      case 'drop':
        return { ...base, action: 'drop', reason: f.reason };
      case 'unknown':
        return { ...base, action: 'unknown', value: f.value };
      case 'error': {
        const i = pending.findIndex((s) => s.slug === f.slug);
        const strike = i >= 0 ? pending.splice(i, 1)[0]!.count : 0;
        return { ...base, action: 'error', error: shortError(message(f.error)), strike };
      }
    }
  });
}

function failures(report: DispatchReport): NotifyFailure[] {
  return report.notified.filter((n) => !n.ok).map((n) => ({ slug: n.slug, error: shortError(message(n.error)) }));
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

