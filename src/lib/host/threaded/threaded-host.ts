// serve's execution model (DESIGN §2.1): plugins never run on the thread that serves HTTP.
// A ThreadedHost owns a worker thread (the host thread) with a real PluginHost in it and talks
// to it by messages; each plugin runs in a thread of its own under it (executor/), whose
// watchdog ends only that plugin's thread when a call runs a second past its budget, and tells
// this side (plugin-overrun, plugin-crashed): the plugin is disabled here, the others carry on.
// This side's watchdog reads the host thread's call board, where it shows a plugin's host call
// it is serving: one still running a second past that call's budget (a host function that
// blocks) gets the host thread ended, the requests it owed rejected naming the plugin and
// export, and a new host thread started with the other plugins loaded again. The offender
// stays out until the user loads it again. A host thread that dies by itself is handled the
// same way.

import { BugError, PluginError, UserError } from '../../errors.js';
import type { ActionButton } from '../../manifest/index.js';
import { guardObserver, type ActivityObserver, type HostActivity } from '../activity.js';
import type { ChatDispatchReport, DispatchReport } from '../dispatch/index.js';
import { newSessionSecret, type EnvSeed, type HostChatMessage } from '../env/index.js';
import type { PluginSource } from '../host.js';
import type { RunningCall } from './call-board.js';
import { Generation } from './generation.js';
import { overrunError, overrunMs, WATCHDOG_INTERVAL_MS } from './watchdog.js';
import {
  SQL_ROWS_DEFAULT_LIMIT,
  type ChatLog,
  type ChatRecord,
  type FileContent,
  type FileListing,
  type InspectQuery,
  type KvListing,
  type SqlRowsPage,
  type SqlTablesListing,
  type WorldView,
} from './inspection.js';
import type {
  CallableExport,
  CallResult,
  HostLogLine,
  HostRequest,
  HostWorkerOptions,
  PluginSummary,
  WireSource,
  WorkerMessage,
} from './protocol.js';
import { fromWireReport } from './wire-errors.js';
import { toWireSource } from './wire-source.js';

export { OVERRUN_GRACE_MS, WATCHDOG_INTERVAL_MS } from './watchdog.js';
/** How long close() lets the worker close its plugins and storage before ending the thread. */
export const CLOSE_WAIT_MS = 2_000;
/** Crashes that no plugin call explains, within CRASH_WINDOW_MS, before the host stops restarting. */
const CRASH_LIMIT = 3;
const CRASH_WINDOW_MS = 60_000;

export interface ThreadedHostOptions {
  /** Plugin storage (KV, storage.sql, storage.fs) that survives a restart. Absent: in memory, lost with the thread. */
  dataDir?: string;
  /** Owncast's services in the worker: the dev stubs (what `serve` prints). */
  env?: { kind: 'dev'; seed?: EnvSeed; sessionSecret?: Uint8Array };
  /** Deliver `tick` once a second to plugins that subscribe to it. */
  tick?: boolean;
  /** For showing source paths in plugin stack traces. Default: process.cwd(). */
  cwd?: string;
  /** Host warnings, env prints (what plugins did to Owncast) and plugins' own log lines. */
  onLog?(line: HostLogLine): void;
  /** Overruns, crashes, disabled plugins, restarts. */
  onEvent?(event: ThreadedHostEvent): void;
  /**
   * What plugins do, as it happens (activity.ts): chat posts, SSE sends (the dev server's hub
   * takes them from here, in send order), emits, timer fires, commands, strikes, disables. The
   * worker sends them in bounded batches and waits for each to be handled here, so a plugin
   * flooding them cannot grow this thread's queue: past the bound they are dropped and a
   * `dropped` event counts them. A throw is reported once through onLog and ignored.
   */
  onActivity?(event: HostActivity): void;
}

export type ThreadedHostEvent =
  /** A call ran past its budget by more than OVERRUN_GRACE_MS: its thread was ended. */
  | { type: 'overrun'; slug: string; exportName: string; budgetMs: number; elapsedMs: number }
  /** The thread died by itself; slug and export when a plugin call was running. */
  | { type: 'crashed'; message: string; slug?: string; exportName?: string }
  /**
   * A plugin gets no more work until the user loads it again: strikes (still loaded, its
   * calls refused), the watchdog or a crash in its call (unloaded), or it failed to load into
   * the restarted thread.
   */
  | { type: 'disabled'; slug: string; reason: string; by: 'strikes' | 'watchdog' | 'crash' | 'reload' }
  /** A new thread is up and the plugins are loaded again (those that could be). */
  | { type: 'worker-restarted'; after: 'overrun' | 'crash'; generation: number; reloaded: string[]; failed: { slug: string; message: string }[] }
  /** The thread cannot be started, or keeps crashing: every request fails from now on. */
  | { type: 'failed'; message: string };

export interface ThreadedPlugin extends PluginSummary {
  state: 'enabled' | 'disabled';
  disabledReason?: string;
}

interface Entry {
  summary: PluginSummary;
  /** What it was loaded from, to load it again into a restarted thread. */
  source: WireSource;
  state: 'enabled' | 'disabled';
  reason?: string;
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

export class ThreadedHost {
  /** Signs the session cookies plugins grant; the same for every thread this host starts. */
  readonly sessionSecret: Uint8Array;
  readonly #options: ThreadedHostOptions;
  readonly #activity: ActivityObserver | null;
  readonly #workerOptions: HostWorkerOptions;
  /** Loaded plugins in load order (which is reload order). */
  readonly #entries = new Map<string, Entry>();
  readonly #watchdog: NodeJS.Timeout;
  #gen: Generation;
  #generations = 0;
  #closed = false;
  #closing: Promise<void> | null = null;
  #broken: UserError | BugError | null = null;
  #unexplainedCrashes: number[] = [];

  constructor(options: ThreadedHostOptions = {}) {
    this.#options = options;
    this.#activity = guardObserver(options.onActivity?.bind(options), { warn: (message) => options.onLog?.({ kind: 'warn', message }) });
    this.sessionSecret = options.env?.sessionSecret ?? newSessionSecret();
    this.#workerOptions = {
      dataDir: options.dataDir,
      env: { kind: 'dev', seed: options.env?.seed, sessionSecret: this.sessionSecret },
      tick: options.tick ?? false,
      cwd: options.cwd ?? process.cwd(),
    };
    this.#gen = this.#start([], null);
    // The watchdog must never keep the process alive by itself.
    this.#watchdog = setInterval(() => this.#watch(), WATCHDOG_INTERVAL_MS).unref();
  }

  /** Threads started after the first (overruns and crashes). */
  get restarts(): number {
    return this.#generations - 1;
  }

  /** Resolves once the worker is up and its plugins loaded. Requests wait for this by themselves. */
  async ready(): Promise<void> {
    await this.#current();
  }

  /** Loads a plugin into the worker; resolves with what it registered. */
  async load(source: PluginSource): Promise<PluginSummary> {
    const wire = toWireSource(source);
    const summary = (await this.#request({ op: 'load', source: wire })) as PluginSummary;
    this.#entries.delete(summary.slug); // a plugin the watchdog put out, loaded again by the user
    this.#entries.set(summary.slug, { summary, source: wire, state: 'enabled' });
    return structuredClone(summary);
  }

  async unload(slug: string): Promise<void> {
    if (!this.#entries.has(slug)) throw new UserError(`no plugin "${slug}" is loaded`, { code: 'PLUGIN_NOT_LOADED' });
    await this.#request({ op: 'unload', slug });
    this.#entries.delete(slug);
  }

  /** The loaded plugins, in load order, with those that get no work marked disabled. Answered here, even while the worker is busy. */
  plugins(): ThreadedPlugin[] {
    return [...this.#entries.values()].map((e) => ({
      ...structuredClone(e.summary),
      state: e.state,
      ...(e.reason ? { disabledReason: e.reason } : {}),
    }));
  }

  /** Filters, then notifications, for any event. */
  async dispatch(eventType: string, payload: unknown): Promise<DispatchReport> {
    return fromWireReport((await this.#request({ op: 'dispatch', eventType, payload })) as DispatchReport);
  }

  /** A chat message as Owncast handles one: filters, notifications, then !help and commands. */
  /** `record`: an accepted message joins the dev chat log before the notifications run (what /_dev/chat does). */
  async dispatchChatMessage(message: unknown, opts: { record?: boolean } = {}): Promise<ChatDispatchReport> {
    return fromWireReport((await this.#request({ op: 'dispatchChatMessage', message, ...(opts.record ? { record: true } : {}) })) as ChatDispatchReport);
  }

  /**
   * Calls an HTTP, auth or content export of a live plugin (counted for strikes, its emits
   * dispatched). Rejects with a PluginError naming the plugin and export when the call fails,
   * and a UserError (code PLUGIN_NOT_LIVE) when the plugin is not loaded or is disabled.
   */
  async call(slug: string, exportName: CallableExport, input = ''): Promise<CallResult> {
    const entry = this.#entries.get(slug);
    if (!entry || entry.state === 'disabled') {
      throw new UserError(`plugin "${slug}" is not loaded or is disabled`, { code: 'PLUGIN_NOT_LIVE' });
    }
    return (await this.#request({ op: 'call', slug, exportName, input })) as CallResult;
  }

  /**
   * Delivers a host notification (sse.connect / sse.disconnect) straight to the plugin's
   * on_event, as production does: no filters, no strikes. Rejects with the PluginError when the
   * call fails, and a UserError (code PLUGIN_NOT_LIVE) when the plugin is not loaded.
   */
  async notify(slug: string, eventType: string, payload: unknown): Promise<void> {
    await this.#request({ op: 'notify', slug, eventType, payload });
  }

  // ---- the dev console's questions (inspection.ts) ---------------------------------------
  // Answered by the worker from where the plugins keep their state, for any plugin slug (a
  // disabled or unloaded plugin's data is still there). Refusals are UserErrors with a code.

  /** The plugin's KV entries by key, host-kept keys (owncast.actions) marked `runtime`. */
  kv(slug: string): Promise<KvListing> {
    return this.#inspect({ what: 'kv', slug }) as Promise<KvListing>;
  }

  /** The plugin's storage.sql tables with their columns and row counts (none without a database). */
  sqlTables(slug: string): Promise<SqlTablesListing> {
    return this.#inspect({ what: 'sqlTables', slug }) as Promise<SqlTablesListing>;
  }

  /**
   * A page of one table's rows. The table must be one sqlTables lists (else a UserError,
   * code SQL_NO_SUCH_TABLE); no other SQL is ever run. The limit is cut to MAX_INSPECT_ROWS.
   */
  sqlRows(slug: string, table: string, page: { limit?: number; offset?: number } = {}): Promise<SqlRowsPage> {
    const query: InspectQuery = { what: 'sqlRows', slug, table, limit: page.limit ?? SQL_ROWS_DEFAULT_LIMIT, offset: page.offset ?? 0 };
    return this.#inspect(query) as Promise<SqlRowsPage>;
  }

  /** The plugin's storage.fs tree: path, type, size and mtime of each entry. */
  files(slug: string): Promise<FileListing> {
    return this.#inspect({ what: 'files', slug }) as Promise<FileListing>;
  }

  /**
   * The first READ_FILE_MAX_BYTES of a storage.fs file, resolved by the plugin's sandbox:
   * `..`, absolute paths and symlinks out are refused (UserError, code PATH_REFUSED); a
   * missing file is code FILE_NOT_FOUND.
   */
  readFile(slug: string, path: string): Promise<FileContent> {
    return this.#inspect({ what: 'readFile', slug, path }) as Promise<FileContent>;
  }

  /** The action buttons the plugin added at runtime (owncast.actions.add), for /api/plugins/actions. */
  runtimeActions(slug: string): Promise<ActionButton[]> {
    return this.#inspect({ what: 'runtimeActions', slug }) as Promise<ActionButton[]>;
  }

  /** The dev world's chat log, oldest first, as GET /_dev/chat answers it. */
  chatHistory(): Promise<ChatLog> {
    return this.#inspect({ what: 'chatHistory' }) as Promise<ChatLog>;
  }

  /** Users, chat clients, stream and server of the dev world (the console's "send as" personas). */
  world(): Promise<WorldView> {
    return this.#inspect({ what: 'world' }) as Promise<WorldView>;
  }

  /**
   * Adds an accepted chat message to the dev world's chat log (where plugins read history),
   * with an id and timestamp when it has none; resolves with it as stored.
   */
  recordChat(message: ChatRecord): Promise<HostChatMessage> {
    return this.#request({ op: 'inspect', query: { what: 'recordChat', message } }) as Promise<HostChatMessage>;
  }

  /**
   * Closes the plugins and storage in the worker and ends it. A call still running after
   * CLOSE_WAIT_MS is cut off with the thread; requests still unanswered are rejected.
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#watchdog);
    const gen = this.#gen;
    if (gen.alive && gen.hasBooted) {
      const wait = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_WAIT_MS).unref());
      await Promise.race([gen.send({ op: 'close' }).catch(() => undefined), wait]);
    }
    await gen.end(new UserError('the plugin host was closed before it answered', { code: 'HOST_CLOSED' }));
  }

  // ---- requests -------------------------------------------------------------------------

  async #request(request: HostRequest): Promise<unknown> {
    for (;;) {
      const gen = await this.#current();
      // still the one: send (a restart between the await and here sends it to the next)
      if (gen === this.#gen && gen.alive) return gen.send(request);
    }
  }

  /**
   * A read: when the thread answering it is ended under it (the watchdog, a crash), it is
   * asked again of the next one instead of failing with the stuck plugin's error.
   */
  async #inspect(query: InspectQuery): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      const gen = await this.#current();
      try {
        return await gen.send({ op: 'inspect', query });
      } catch (err) {
        if (gen.alive || attempt >= 2) throw err;
      }
    }
  }

  /** The generation requests go to, once it is ready; throws when closed or broken. */
  async #current(): Promise<Generation> {
    for (;;) {
      if (this.#closed) throw new UserError('the plugin host is closed', { code: 'HOST_CLOSED' });
      if (this.#broken) throw this.#broken;
      // A dead generation is never current unless the host is closed or broken (checked
      // above): its replacement is installed in the same turn it dies.
      const gen = this.#gen;
      await gen.ready;
      if (gen === this.#gen && gen.alive && !this.#closed) return gen;
    }
  }

  // ---- generations ------------------------------------------------------------------------

  /** Starts a generation (after `previous` has ended) and loads `reload` into it. */
  #start(reload: Entry[], after: 'overrun' | 'crash' | null, previous?: Promise<void>): Generation {
    const gen: Generation = new Generation({
      number: ++this.#generations,
      options: this.#workerOptions,
      after: previous,
      events: {
        message: (message) => this.#onMessage(message),
        activity: (events) => {
          const observer = this.#activity;
          if (observer) for (const event of events) observer(event);
        },
        died: (cause) => this.#onDied(gen, cause),
      },
    });
    void this.#bringUp(gen, reload, after);
    return gen;
  }

  async #bringUp(gen: Generation, reload: Entry[], after: 'overrun' | 'crash' | null): Promise<void> {
    try {
      await gen.booted;
    } catch {
      return; // #onDied has dealt with it
    }
    const reloaded: string[] = [];
    const failed: { slug: string; message: string }[] = [];
    for (const entry of reload) {
      const { slug } = entry.summary;
      try {
        await gen.send({ op: 'load', source: entry.source });
        reloaded.push(slug);
      } catch (err) {
        if (!gen.alive) return; // this thread died too; the next one reloads from #entries
        failed.push({ slug, message: messageOf(err) });
        this.#disable(slug, `it could not be loaded again after the host thread restarted: ${messageOf(err)}`, 'reload');
      }
    }
    if (!gen.alive) return;
    gen.markReady();
    if (after) this.#emit({ type: 'worker-restarted', after, generation: gen.number, reloaded, failed });
  }

  /** The enabled plugins, to load into a new thread. */
  #reloadList(): Entry[] {
    return [...this.#entries.values()].filter((e) => e.state === 'enabled');
  }

  #onMessage(message: WorkerMessage): void {
    if (message.kind === 'log') this.#options.onLog?.(message.line);
    else if (message.kind === 'disabled') this.#disable(message.slug, message.reason, 'strikes');
    else if (message.kind === 'plugin-overrun') {
      // only that plugin's thread was ended: the host thread and the other plugins carry on
      const { slug, exportName, budgetMs, elapsedMs } = message;
      this.#emit({ type: 'overrun', slug, exportName, budgetMs, elapsedMs });
      this.#disable(slug, `${exportName}() ran past its ${budgetMs} ms budget and its thread was ended`, 'watchdog');
    } else if (message.kind === 'plugin-crashed') {
      const { slug, exportName } = message;
      this.#emit({ type: 'crashed', message: message.message, slug, ...(exportName ? { exportName } : {}) });
      this.#disable(slug, `its thread died${exportName ? ` during its ${exportName}()` : ''}: ${message.message}`, 'crash');
    }
  }

  #disable(slug: string, reason: string, by: 'strikes' | 'watchdog' | 'crash' | 'reload'): void {
    const entry = this.#entries.get(slug);
    if (entry) {
      entry.state = 'disabled';
      entry.reason = reason;
    }
    this.#emit({ type: 'disabled', slug, reason, by });
  }

  #emit(event: ThreadedHostEvent): void {
    this.#options.onEvent?.(event);
  }

  // ---- the watchdog -------------------------------------------------------------------------

  #watch(): void {
    const gen = this.#gen;
    if (this.#closed || !gen.alive || !gen.hasBooted) return;
    const running = gen.board.read();
    const elapsedMs = overrunMs(running);
    if (running && elapsedMs !== null) this.#overrun(gen, running, elapsedMs);
  }

  #overrun(gen: Generation, running: RunningCall, elapsedMs: number): void {
    const { slug, exportName, budgetMs } = running;
    this.#emit({ type: 'overrun', slug, exportName, budgetMs, elapsedMs });
    const error = overrunError(running, elapsedMs, 'the host thread running it was ended and the plugin unloaded');
    this.#replace(gen, error, { slug, reason: `${exportName}() ran past its ${budgetMs} ms budget and its thread was ended`, by: 'watchdog' }, 'overrun');
  }

  #onDied(gen: Generation, cause: Error): void {
    if (!gen.alive || this.#closed) return;
    if (!gen.hasBooted) {
      this.#fail(gen, `the plugin host could not start: ${cause.message}`, cause);
      return;
    }
    const running = gen.board.read();
    this.#emit({ type: 'crashed', message: cause.message, ...(running ? { slug: running.slug, exportName: running.exportName } : {}) });
    if (running) {
      const { slug, exportName } = running;
      const error = new PluginError(`${slug}: the host thread died during ${exportName}(): ${cause.message}`, {
        slug,
        exportName,
        failure: 'crash',
        nextSteps: ['Load the plugin again once it is fixed.'],
        cause,
      });
      this.#replace(gen, error, { slug, reason: `the host thread died during its ${exportName}(): ${cause.message}`, by: 'crash' }, 'crash');
      return;
    }
    // Nothing to blame: the host itself. Restart, but not in a loop.
    const now = Date.now();
    this.#unexplainedCrashes = [...this.#unexplainedCrashes.filter((t) => now - t < CRASH_WINDOW_MS), now];
    if (this.#unexplainedCrashes.length >= CRASH_LIMIT) {
      this.#fail(gen, `the plugin host thread crashed ${CRASH_LIMIT} times within ${CRASH_WINDOW_MS / 1000} s: ${cause.message}`, cause);
      return;
    }
    this.#replace(gen, new BugError(`the plugin host thread died: ${cause.message}`, { cause }), null, 'crash');
  }

  /** Ends `gen` (its requests rejected with `error`), puts `offender` out, and starts the next thread with the rest. */
  #replace(
    gen: Generation,
    error: unknown,
    offender: { slug: string; reason: string; by: 'watchdog' | 'crash' } | null,
    after: 'overrun' | 'crash',
  ): void {
    const ended = gen.end(error);
    if (offender) this.#disable(offender.slug, offender.reason, offender.by);
    // installed in this same turn, so no request ever waits on a dead generation
    this.#gen = this.#start(this.#reloadList(), after, ended);
  }

  #fail(gen: Generation, message: string, cause: Error): void {
    // a UserError (a data directory the host cannot open) stays one: the user can act on it
    this.#broken = cause instanceof UserError ? cause : new BugError(message, { cause });
    void gen.end(this.#broken);
    this.#emit({ type: 'failed', message });
  }
}
