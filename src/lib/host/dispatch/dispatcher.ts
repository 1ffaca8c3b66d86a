// The dispatcher: filter chain, notifications, chat commands and !help, emits, timers, tick
// and strikes, over the live set of loaded plugins (production dispatcher.go, commands.go,
// help.go, timer.go; DESIGN §3.3–3.5).

import { stringifyJson } from '../../manifest/json.js';
import { clipText, guardObserver, type ActivityObserver, type EmitDrop } from '../activity.js';
import type { AuthSessionSink } from '../env/auth.js';
import type { EngineExport } from '../instance.js';
import type { CallablePlugin } from '../types.js';
import { CallTracker, type QueuedEmit, type Settled } from './calls.js';
import { filterChain, notifyPermitted } from './chain.js';
import { AUTH_FAILED, parseAuthVerdict, type AuthVerdict, type ContentRequest } from './content.js';
import { CommandCooldowns, commandAllowed, isModerator, matchCommand, type CommandEvent, type CommandMessage } from './commands.js';
import { CHAT_MESSAGE_RECEIVED, TICK, isReservedEvent, localHookName } from './events.js';
import { errorMessage, failureKind } from './failure.js';
import { parseFilterOutput, type FilterAnswer } from './filter-result.js';
import { buildHelpMessage, isHelpCommand } from './help.js';
import { realScheduler, type Scheduler } from './scheduler.js';
import { StrikeBook, type StrikePath } from './strikes.js';
import { TimerHub } from './timers.js';
import type {
  ChatDispatchReport,
  CommandDelivery,
  DispatchReport,
  DispatcherOptions,
  EventSink,
  NotifyStep,
  DispatchOptions,
} from './reports.js';

export const MAX_EMIT_DEPTH = 8;
/**
 * Emitted events one root event may set off. Depth bounds how long an emit loop runs, not how
 * wide it gets: plugins that each emit k events per hop make k^8 deliveries. Not in
 * production; without it two plugins emitting ten events each would keep the host busy for hours.
 */
export const MAX_EMITS_PER_CHAIN = 1000;

/** What one root event (a dispatch from outside, or an emit from outside any call) set off. */
interface EmitChain {
  dispatched: number;
  budgetWarned: boolean;
  depthWarned: boolean;
}
const newChain = (): EmitChain => ({ dispatched: 0, budgetWarned: false, depthWarned: false });
export const TICK_INTERVAL_MS = 1000;

interface CallOptions<T> {
  path: StrikePath;
  /** Depth the call's emits are dispatched at. */
  emitDepth: number;
  /** What failed, for the log line: `on_filter(chat.message.received)`. */
  what: string;
  parse(out: string): T;
  /** The chain the call's emits belong to; absent: they start a new one. */
  chain?: EmitChain;
  /** Where grantSession / endSession put the session cookie (on_http_request). */
  authSink?: AuthSessionSink;
}

const identity = (out: string) => out;
const envelope = (eventType: string, payloadJson: string) => `{"eventType":${JSON.stringify(eventType)},"payload":${payloadJson}}`;
const isObject = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);

/** Who invoked a command, as the activity feed names them. */
function commandUser(message: CommandMessage): { id: string; displayName: string } | null {
  const user = message.user as { id?: unknown; displayName?: unknown } | null | undefined;
  if (!isObject(user)) return null;
  return { id: typeof user.id === 'string' ? user.id : '', displayName: typeof user.displayName === 'string' ? user.displayName : '' };
}

export class Dispatcher implements EventSink {
  readonly timers: TimerHub;
  readonly #plugins: () => readonly CallablePlugin[];
  readonly #log: { warn(message: string): void };
  readonly #sendSystem: (text: string) => void;
  readonly #onDisabled: (slug: string, reason: string) => void;
  readonly #scheduler: Scheduler;
  readonly #now: () => number;
  readonly #strikes: StrikeBook;
  readonly #calls = new CallTracker();
  readonly #cooldowns = new Map<string, CommandCooldowns>();
  readonly #background = new Set<Promise<unknown>>();
  /** The activity observer, guarded; null when nobody listens (no events are built then). */
  readonly #activity: ActivityObserver | null;
  #tickHandle: unknown = null;
  #tickBusy = false;

  constructor(opts: DispatcherOptions) {
    this.#plugins = opts.plugins;
    this.#log = opts.log ?? { warn: (m) => console.warn(m) };
    this.#sendSystem = opts.sendSystem ?? (() => undefined);
    this.#onDisabled = opts.onDisabled ?? (() => undefined);
    this.#scheduler = opts.scheduler ?? realScheduler;
    this.#now = opts.monotonic ?? (() => performance.now());
    this.#activity = guardObserver(opts.onActivity, this.#log);
    this.#strikes = new StrikeBook({
      onDisabled: (slug, reason) => this.#disabled(slug, reason),
      onStrike: (slug, path, count, err) => this.#activity?.({ at: this.#scheduler.now(), type: 'strike', slug, path, count, message: errorMessage(err) }),
    });
    this.timers = new TimerHub({ fire: (slug, id) => this.#fireTimer(slug, id), scheduler: this.#scheduler });
  }

  // ---- the plugin set -------------------------------------------------------------------

  /** The plugins that get work: the snapshot minus the ones strikes disabled. */
  live(): CallablePlugin[] {
    return this.#plugins().filter((p) => !this.#strikes.isDisabled(p.slug));
  }

  #liveBySlug(slug: string): CallablePlugin | undefined {
    return this.live().find((p) => p.slug === slug);
  }

  // ---- events -----------------------------------------------------------------------------

  /**
   * Runs the filter chain, then (unless dropped) notifies every subscriber with the final
   * payload. `accepted` sees that payload between the two, where Owncast broadcasts and
   * stores a chat message (so a bot's answer comes after the message it answers).
   */
  dispatch(eventType: string, payload: unknown, opts: DispatchOptions = {}): Promise<DispatchReport> {
    // scenario files and dev-API bodies may nest 10 000 levels deep, past JSON.stringify's stack
    const json = stringifyJson(payload) ?? 'null';
    return this.#dispatch(eventType, payload === undefined ? null : payload, json, 0, null, newChain(), opts);
  }

  /**
   * A chat message as production handles it: {@link dispatch}, then, for an accepted message
   * from a human, the host's !help answer and the chat commands it invokes.
   */
  async dispatchChatMessage(message: unknown, opts: DispatchOptions = {}): Promise<ChatDispatchReport> {
    const report = await this.dispatch(CHAT_MESSAGE_RECEIVED, message, opts);
    const accepted = !report.dropped && !report.depthExceeded && isObject(report.payload);
    const msg = report.payload as CommandMessage;
    if (!accepted || (isObject(msg.user) && msg.user.isBot === true)) return { ...report, help: null, commands: [] };
    const help = this.answerHelp(msg);
    return { ...report, help, commands: await this.dispatchCommands(msg) };
  }

  async #dispatch(
    eventType: string,
    payload: unknown,
    json: string,
    depth: number,
    emitter: string | null,
    chain: EmitChain = newChain(),
    opts: DispatchOptions = {},
  ): Promise<DispatchReport> {
    const report: DispatchReport = {
      eventType,
      depth,
      depthExceeded: false,
      filters: [],
      dropped: null,
      payload,
      modified: false,
      notified: [],
    };
    if (depth >= MAX_EMIT_DEPTH) {
      // once per chain: a loop that fans out would otherwise log every dropped emit
      if (!chain.depthWarned) this.#log.warn(`dispatcher: max emit depth ${MAX_EMIT_DEPTH} reached for "${eventType}", dropping`);
      chain.depthWarned = true;
      report.depthExceeded = true;
      return report;
    }
    // the emitter is never handed its own event back (production: it would deadlock on itself)
    const receivers = this.live().filter((p) => p.slug !== emitter);

    const filters = opts.only === 'notifications' ? [] : filterChain(receivers, eventType);
    for (const { plugin, priority } of filters) {
      if (this.#strikes.isDisabled(plugin.slug)) continue;
      const t0 = this.#now();
      const settled = await this.#call(plugin, 'on_filter', envelope(eventType, json), {
        path: 'filter',
        emitDepth: depth + 1,
        what: `on_filter(${eventType}) failed (fail-open)`,
        parse: parseFilterOutput,
        chain,
      });
      const base = { slug: plugin.slug, priority, durationMs: this.#now() - t0 };
      if (!settled.ok) {
        report.filters.push({ ...base, action: 'error', error: settled.error });
        continue;
      }
      const answer: FilterAnswer = settled.value;
      if (answer.action === 'pass' || answer.action === '') {
        report.filters.push({ ...base, action: 'pass' });
      } else if (answer.action === 'modify') {
        report.payload = answer.payload;
        json = answer.payloadJson;
        report.modified = true;
        report.filters.push({ ...base, action: 'modify', payload: answer.payload });
      } else if (answer.action === 'drop') {
        report.filters.push({ ...base, action: 'drop', reason: answer.reason });
        report.dropped = { slug: plugin.slug, reason: answer.reason };
        return report;
      } else {
        this.#log.warn(`plugin ${plugin.slug}: unknown filter action ${JSON.stringify(answer.action)} (fail-open)`);
        report.filters.push({ ...base, action: 'unknown', value: answer.action });
      }
    }

    opts.accepted?.(report.payload);
    if (opts.only === 'filters') return report;
    // a filter that just failed its fifth time is out of the notifications too
    const targets = receivers.filter(
      (p) => !this.#strikes.isDisabled(p.slug) && notifyPermitted(p, eventType) && p.subscriptions.notify.some((s) => s.event === eventType),
    );
    report.notified = await Promise.all(
      targets.map((p) => this.#notify(p, envelope(localHookName(p.slug, eventType), json), eventType, 'notification', depth + 1, chain)),
    );
    return report;
  }

  async #notify(
    plugin: CallablePlugin,
    input: string,
    eventType: string,
    path: StrikePath,
    emitDepth: number,
    chain?: EmitChain,
  ): Promise<NotifyStep> {
    const t0 = this.#now();
    const settled = await this.#call(plugin, 'on_event', input, { path, emitDepth, what: `on_event(${eventType}) failed`, parse: identity, chain });
    const durationMs = this.#now() - t0;
    return settled.ok ? { slug: plugin.slug, ok: true, durationMs } : { slug: plugin.slug, ok: false, error: settled.error, durationMs };
  }

  // ---- emits ------------------------------------------------------------------------------

  /**
   * An event a plugin emitted (owncast_emit_event). During one of our calls into that plugin it
   * waits for the call to return and is then dispatched, in emit order, one level deeper than
   * the call; emitted from anywhere else (a call we did not make) it starts at depth 0.
   */
  emit(slug: string, eventType: string, payloadJson: string | null): void {
    if (isReservedEvent(eventType)) {
      this.#log.warn(`plugin ${slug}: emit of the host event "${eventType}" dropped; plugins emit custom hooks ("<slug>.<hook>")`);
      this.#reportEmit(slug, eventType, -1, payloadJson ?? 'null', [], 'reserved');
      return;
    }
    if (this.#strikes.isDisabled(slug)) return;
    let payload: unknown = null;
    let json = 'null';
    if (payloadJson !== null && payloadJson !== '') {
      try {
        payload = JSON.parse(payloadJson);
        json = payloadJson;
      } catch (err) {
        this.#log.warn(`plugin ${slug}: emit of "${eventType}" dropped: invalid JSON payload: ${errorMessage(err)}`);
        this.#reportEmit(slug, eventType, -1, payloadJson, [], 'invalid-payload', errorMessage(err));
        return;
      }
    }
    const queued: QueuedEmit = { eventType, payload, json };
    const call = this.#calls.current(slug);
    if (call) {
      call.emits.push(queued);
      return;
    }
    // We are inside the emitter's (untracked) call: start once it has unwound, never inside it.
    this.#track(Promise.resolve().then(() => this.#drain(slug, 0, [queued])));
  }

  async #drain(emitter: string, depth: number, emits: QueuedEmit[], chain: EmitChain = newChain()): Promise<void> {
    for (const e of emits) {
      if (chain.dispatched >= MAX_EMITS_PER_CHAIN) {
        if (!chain.budgetWarned) {
          this.#log.warn(
            `dispatcher: plugin "${emitter}" emitted past ${MAX_EMITS_PER_CHAIN} events set off by one event ("${e.eventType}" and the rest dropped)`,
          );
        }
        chain.budgetWarned = true;
        this.#reportEmit(emitter, e.eventType, depth, e.json, [], 'budget');
        continue;
      }
      chain.dispatched++;
      const report = await this.#dispatch(e.eventType, e.payload, e.json, depth, emitter, chain);
      if (!this.#activity) continue;
      const deliveredTo = report.notified.map((n) => n.slug);
      if (report.depthExceeded) this.#reportEmit(emitter, e.eventType, depth, e.json, deliveredTo, 'depth');
      else if (report.dropped) this.#reportEmit(emitter, e.eventType, depth, e.json, deliveredTo, 'filter', `${report.dropped.slug}: ${report.dropped.reason}`);
      else this.#reportEmit(emitter, e.eventType, depth, e.json, deliveredTo);
    }
  }

  /** Depth -1: refused before it was queued (never dispatched at any depth). */
  #reportEmit(slug: string, eventType: string, depth: number, json: string, deliveredTo: string[], dropped?: EmitDrop, reason?: string): void {
    if (!this.#activity) return;
    this.#activity({
      at: this.#scheduler.now(),
      type: 'emit',
      slug,
      eventType,
      depth,
      payload: clipText(json),
      deliveredTo,
      ...(dropped ? { dropped } : {}),
      ...(reason !== undefined ? { reason } : {}),
    });
  }

  #track(work: Promise<unknown>): void {
    const p = work.catch((err) => this.#log.warn(`dispatcher: ${errorMessage(err)}`)).finally(() => this.#background.delete(p));
    this.#background.add(p);
  }

  // ---- calls and strikes ------------------------------------------------------------------

  /**
   * Every call into a plugin goes through here: tracked (so its emits find it), counted for
   * strikes, and followed by the dispatch of what it emitted.
   */
  async #call<T>(plugin: CallablePlugin, exportName: EngineExport, input: string, opts: CallOptions<T>): Promise<Settled<T>> {
    const { settled, emits } = await this.#calls.run(
      plugin.slug,
      opts.emitDepth,
      async (context) => opts.parse(await plugin.call(exportName, input, context)),
      opts.authSink,
    );
    if (settled.ok) this.#strikes.recordSuccess(plugin.slug, opts.path);
    else this.#failed(plugin, opts.path, opts.what, settled.error);
    await this.#drain(plugin.slug, opts.emitDepth, emits, opts.chain);
    return settled;
  }

  #failed(plugin: CallablePlugin, path: StrikePath, what: string, err: unknown): void {
    // unloaded while the call was in flight (closed instance): not the plugin's fault. By slug:
    // a snapshot may hand out fresh wrapper objects on every read.
    if (!this.#plugins().some((p) => p.slug === plugin.slug)) return;
    const kind = failureKind(err);
    const quiet = kind === 'missing-export' && (path === 'content' || path === 'auth');
    if (!quiet) this.#log.warn(`plugin ${plugin.slug}: ${what}: ${errorMessage(err)}`);
    this.#strikes.recordFailure(plugin.slug, path, err);
  }

  #disabled(slug: string, reason: string): void {
    this.timers.cancelAll(slug);
    this.#log.warn(`plugin ${slug}: auto-disabled: ${reason}`);
    this.#activity?.({ at: this.#scheduler.now(), type: 'disabled', slug, reason });
    this.#onDisabled(slug, reason);
  }

  /** For paths outside the dispatcher (the HTTP server): a call that worked on `path`. */
  recordSuccess(slug: string, path?: StrikePath): void {
    this.#strikes.recordSuccess(slug, path);
  }

  /** For paths outside the dispatcher: a failed call (missing-export is benign). True when it disabled the plugin. */
  recordFailure(slug: string, path: StrikePath, err: unknown): boolean {
    return this.#strikes.recordFailure(slug, path, err);
  }

  isDisabled(slug: string): boolean {
    return this.#strikes.isDisabled(slug);
  }

  /** Consecutive failures so far. */
  strikes(slug: string): number {
    return this.#strikes.count(slug);
  }

  /** Re-enables a plugin strikes disabled (enable, reload). */
  clearStrikes(slug: string): void {
    this.#strikes.clear(slug);
  }

  /** Forgets everything about a plugin: timers, cooldowns, strikes. Call on unload and reload. */
  forget(slug: string): void {
    this.timers.cancelAll(slug);
    this.#cooldowns.delete(slug);
    this.#strikes.clear(slug);
  }

  /**
   * Calls an export outside event dispatch (HTTP handlers, content, auth), tracked like every
   * other call: what it emits is dispatched after it returns, at depth 0, and a failure strikes.
   * `validate` may throw to turn an unusable output (too large, malformed) into a failure.
   * `authSink` (on_http_request) receives the session cookie changes owncast.auth makes during
   * the call; the host functions find it in the call's context. Rejects with the call's error.
   */
  async invoke(
    plugin: CallablePlugin,
    exportName: EngineExport,
    input: string,
    opts: { path: StrikePath; validate?(out: string): void; authSink?: AuthSessionSink },
  ): Promise<string> {
    const validate = opts.validate;
    const settled = await this.#call(plugin, exportName, input, {
      path: opts.path,
      emitDepth: 0,
      what: `${exportName}() failed`,
      parse: validate ? (out) => (validate(out), out) : identity,
      authSink: opts.authSink,
    });
    if (!settled.ok) throw settled.error;
    return settled.value;
  }

  // ---- content and auth -----------------------------------------------------------------

  /** on_tab_content: the tab's HTML; '' when the plugin is not live, has no such export or fails. */
  tabContent(slug: string, req: ContentRequest): Promise<string> {
    return this.#content(slug, 'on_tab_content', JSON.stringify(req));
  }

  /** on_page_content: extra page HTML. */
  pageContent(slug: string, req: ContentRequest): Promise<string> {
    return this.#content(slug, 'on_page_content', JSON.stringify(req));
  }

  /** on_page_styles: raw CSS. */
  pageStyles(slug: string): Promise<string> {
    return this.#content(slug, 'on_page_styles', '');
  }

  /** on_page_scripts: raw JS (the caller wraps it in try/catch, as production does). */
  pageScripts(slug: string): Promise<string> {
    return this.#content(slug, 'on_page_scripts', '');
  }

  async #content(slug: string, exportName: EngineExport, input: string): Promise<string> {
    const plugin = this.#liveBySlug(slug);
    if (!plugin) return '';
    return this.invoke(plugin, exportName, input, { path: 'content' }).catch(() => '');
  }

  /** on_auth_check for the active gate: ok, refresh or deny; any failure denies (fail closed). */
  async authCheck(slug: string, user: unknown): Promise<AuthVerdict> {
    const plugin = this.#liveBySlug(slug);
    if (!plugin) return AUTH_FAILED;
    try {
      return parseAuthVerdict(
        await this.invoke(plugin, 'on_auth_check', JSON.stringify({ user: user ?? null }), { path: 'auth', validate: parseAuthVerdict }),
      );
    } catch {
      return AUTH_FAILED;
    }
  }

  // ---- commands -------------------------------------------------------------------------

  /** The !help text for this message, sent through sendSystem; null when not asked or nothing to list. */
  answerHelp(message: CommandMessage): string | null {
    if (!isHelpCommand(message.body)) return null;
    const sources = this.live().map((p) => ({ slug: p.slug, name: p.identity?.name ?? '', commands: p.commands }));
    const text = buildHelpMessage(sources, isModerator(message));
    if (text === '') return null;
    this.#sendSystem(text);
    return text;
  }

  /**
   * Delivers chat.command to every plugin with a matching command the sender may use and that
   * is not cooling down, concurrently; resolves with the deliveries in snapshot order.
   */
  async dispatchCommands(message: CommandMessage): Promise<CommandDelivery[]> {
    const targets: { plugin: CallablePlugin; event: CommandEvent }[] = [];
    for (const plugin of this.live()) {
      for (const command of plugin.commands) {
        const event = matchCommand(message, command);
        if (!event || !commandAllowed(message, command) || !this.#cooldownsOf(plugin.slug).ready(message, command)) continue;
        targets.push({ plugin, event });
      }
    }
    return Promise.all(
      targets.map(async ({ plugin, event }): Promise<CommandDelivery> => {
        const step = await this.#notify(plugin, envelope('chat.command', stringifyJson(event)!), 'chat.command', 'command', 1);
        this.#activity?.({
          at: this.#scheduler.now(),
          type: 'command',
          slug: plugin.slug,
          command: event.command,
          invokedAs: event.invokedAs,
          args: event.args,
          user: commandUser(message),
          ok: step.ok,
          ...(step.ok ? {} : { error: errorMessage(step.error) }),
        });
        return { slug: plugin.slug, command: event.command, ok: step.ok, ...(step.ok ? {} : { error: step.error }) };
      }),
    );
  }

  #cooldownsOf(slug: string): CommandCooldowns {
    let c = this.#cooldowns.get(slug);
    if (!c) this.#cooldowns.set(slug, (c = new CommandCooldowns()));
    return c;
  }

  /** Cooldown entries held for a plugin (tests, diagnostics). */
  cooldownEntries(slug: string): number {
    return this.#cooldowns.get(slug)?.size ?? 0;
  }

  // ---- timers and tick ------------------------------------------------------------------

  async #fireTimer(slug: string, id: bigint): Promise<void> {
    const plugin = this.#liveBySlug(slug);
    if (!plugin) return;
    // the id goes out digit for digit: it is a uint64 on the wire, beyond what a double holds
    const input = `{"eventType":"timer.fire","payload":{"id":${id.toString()}}}`;
    const t0 = this.#now();
    const settled = await this.#call(plugin, 'on_event', input, { path: 'timer', emitDepth: 0, what: `timer ${id} fire failed`, parse: identity });
    this.#activity?.({
      at: this.#scheduler.now(),
      type: 'timer',
      slug,
      id: id.toString(),
      ok: settled.ok,
      durationMs: this.#now() - t0,
      ...(settled.ok ? {} : { error: errorMessage(settled.error) }),
    });
  }

  /** Delivers one tick ({now}: Unix ms) to every plugin subscribed to it. */
  async tick(now: number = this.#scheduler.now()): Promise<NotifyStep[]> {
    const json = JSON.stringify({ now });
    const targets = this.live().filter((p) => p.subscriptions.notify.some((s) => s.event === TICK));
    return Promise.all(targets.map((p) => this.#notify(p, envelope(TICK, json), TICK, 'tick', 1)));
  }

  /** Ticks once a second until {@link stopTick}; a tick still running when the next is due skips it. */
  startTick(): void {
    if (this.#tickHandle !== null) return;
    const arm = () => {
      this.#tickHandle = this.#scheduler.setTimeout(async () => {
        arm();
        if (this.#tickBusy) return;
        this.#tickBusy = true;
        try {
          await this.tick();
        } finally {
          this.#tickBusy = false;
        }
      }, TICK_INTERVAL_MS);
    };
    arm();
  }

  stopTick(): void {
    if (this.#tickHandle === null) return;
    this.#scheduler.clearTimeout(this.#tickHandle);
    this.#tickHandle = null;
  }

  /** Resolves when no emitted event, timer callback or tick is still being delivered. */
  async idle(): Promise<void> {
    while (this.#background.size > 0) await Promise.all([...this.#background]);
    await this.timers.idle();
  }

  /** Stops tick and drops every timer. */
  close(): void {
    this.stopTick();
    this.timers.close();
  }
}
