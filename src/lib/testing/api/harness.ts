// loadPlugin: the JS test API's harness (issue 5 item 5). A plugin project (built first when
// its sources are newer than dist/) runs in the real engine on a fresh host whose Owncast is
// the scenario runner's recording fake; each scenario step is a method, and what the plugins
// did is read back as plain data. It wraps the runner's ScenarioHarness, so a JS test and a
// `.test.json` scenario drive plugins the same way and assert with the same rules.

import { resolve } from 'node:path';

import { createContext } from '../../context.js';
import { errorMessage } from '../../host/functions/common.js';
import type { ChatDispatchReport, DispatchReport } from '../../host/dispatch/index.js';
import type { HostUser } from '../../host/env/types.js';
import { ScenarioHarness } from '../harness/harness.js';
import type { SlugFilter } from '../harness/effects.js';
import type { Failure } from '../results.js';
import { checkExpectations } from '../run/expectations.js';
import { prepareProjects } from '../run/projects.js';
import { readEffect, readEffects, type Effects } from './effects.js';
import { ExpectationError, setupError } from './errors.js';
import { parseExpectations, parseGiven } from './parse.js';
import { leaseSql } from './sql.js';
import type { ExpectInput, GivenInput } from './types.js';

export interface LoadPluginOptions {
  /**
   * Other plugin projects loaded beside this one (relative to the working directory). What a
   * plugin emits then really reaches the others; with one plugin emits are only recorded.
   */
  plugins?: string[];
  /** Where relative directories resolve; default process.cwd(). */
  cwd?: string;
  /** Start of the fake clock (Unix ms, or a date); default now. */
  startTime?: number | Date | string;
}

/** How a plugin handled a delivery: ok, or the error its handler threw (or its budget ran out). */
export interface Delivery {
  slug: string;
  ok: boolean;
  error?: string;
}

/** What an `event()` or `emit()` did. */
export interface EventOutcome {
  /** The plugins whose handler ran, in order. */
  notified: Delivery[];
}

/** What the filter chain did with a payload (`filter()`, and the filtering half of `emit()` and `command()`). */
export interface FilterOutcome {
  /** "drop" when a filter dropped it, "modify" when the payload was changed, else "pass". */
  action: 'pass' | 'modify' | 'drop';
  /** The payload after the chain (what notifications then get). */
  payload: unknown;
  /** The drop reason ("" unless dropped). */
  reason: string;
  /** The plugin that dropped it. */
  droppedBy?: string;
  /** Each filter that ran, in chain order, with its verdict ("error": it failed and the chain went on without it). */
  filters: { slug: string; action: 'pass' | 'modify' | 'drop' | 'error' | 'unknown'; error?: string }[];
}

/** What a chat line did: the filter chain, notifications, `!help` and the commands it ran. */
export interface CommandOutcome extends FilterOutcome, EventOutcome {
  /** The host's `!help` answer, when the line asked for it. */
  help: string | null;
  commands: { slug: string; command: string; ok: boolean; error?: string }[];
}

/** A request to a plugin's routes (below `/plugins/<slug>`). */
export interface HttpRequestInit {
  /** Default GET. */
  method?: string;
  /** Below `/plugins/<slug>`, with any query string ("/api/me?x=1"); a leading "/" is added. */
  path: string;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON (with Content-Type: application/json unless set). */
  body?: unknown;
  /** Signed in as the admin. */
  authenticated?: boolean;
  /** Signed in as this viewer (also counts as authenticated, as in the reference runner). */
  user?: { id: string; displayName: string; scopes?: string[]; isBot?: boolean; isAuthenticated?: boolean; [key: string]: unknown } | null;
  /** Another loaded plugin's routes. */
  plugin?: string;
}

export interface HttpResponse {
  status: number;
  /** Lower-case names; a header sent several times has an array. */
  headers: Record<string, string | string[] | undefined>;
  /** The body as UTF-8 (for an event stream, what arrived in its first 200 ms). */
  body: string;
  /** The body parsed as JSON (throws when it is not JSON). */
  json<T = unknown>(): T;
}

/** A chat line's sender: a display name (id "user-<name>"), or a user object. */
export type CommandUser = string | { id: string; displayName: string; scopes?: string[]; isBot?: boolean; [key: string]: unknown };

const describe = (err: unknown): string => errorMessage(err);

function deliveries(report: DispatchReport): Delivery[] {
  return report.notified.map((n) => ({ slug: n.slug, ok: n.ok, ...(n.ok ? {} : { error: describe(n.error) }) }));
}

function filterOutcome(report: DispatchReport): FilterOutcome {
  return {
    action: report.dropped ? 'drop' : report.modified ? 'modify' : 'pass',
    payload: report.payload,
    reason: report.dropped?.reason ?? '',
    ...(report.dropped ? { droppedBy: report.dropped.slug } : {}),
    filters: report.filters.map((f) => ({ slug: f.slug, action: f.action, ...(f.action === 'error' ? { error: describe(f.error) } : {}) })),
  };
}

function startMs(value: LoadPluginOptions['startTime']): number | undefined {
  if (value === undefined) return undefined;
  const ms = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : value;
  if (!Number.isFinite(ms)) throw setupError(new Error(`startTime: ${String(value)} is not a time`));
  return ms;
}

/**
 * A plugin (and any others) loaded into a fresh host. Each method is a scenario step; the
 * effect getters (`chatSends`, `emits`, `kv`, `logs`, …) read what happened so far. Close it
 * when done (`await using` works too).
 */
export class PluginHarness implements Effects, AsyncDisposable {
  readonly #h: ScenarioHarness;
  readonly #release: () => void;
  #closed = false;

  /** @internal use {@link loadPlugin} */
  constructor(harness: ScenarioHarness, release: () => void = () => undefined) {
    this.#h = harness;
    this.#release = release;
  }

  /** Slug of the plugin under test. */
  get slug(): string {
    return this.#h.slug;
  }

  /** Every loaded plugin, the one under test first. */
  get slugs(): readonly string[] {
    return this.#h.slugs;
  }

  // ---- steps ------------------------------------------------------------------------------

  /**
   * Delivers an event to the notification handlers (no filters), like a scenario's `event`
   * step. A custom name that is not built in and not qualified (`announcement.broadcast`)
   * reaches the plugin under test's own `on` hook.
   */
  async event(eventType: string, payload: unknown = null): Promise<EventOutcome> {
    return { notified: deliveries(await this.#h.event(eventType, payload)) };
  }

  /** Runs the filter chain alone (no notifications), with fail-open and strikes, like a `filter` step. */
  async filter(eventType: string, payload: unknown = null): Promise<FilterOutcome> {
    return filterOutcome(await this.#h.filter(eventType, payload));
  }

  /** An event from outside any plugin, addressed as written (`<slug>.<hook>` for a custom hook): filters, then notifications. */
  async emit(eventType: string, payload: unknown = null): Promise<FilterOutcome & EventOutcome> {
    const report = await this.#h.emit(eventType, payload);
    return { ...filterOutcome(report), notified: deliveries(report) };
  }

  /**
   * A chat line as Owncast handles one: filters, notifications, `!help`, then the command
   * matcher. The message gets an id, the fake clock's time and a viewer unless given.
   */
  async command(body: string, opts: { user?: CommandUser; message?: Record<string, unknown> } = {}): Promise<CommandOutcome> {
    const report: ChatDispatchReport = await this.#h.command(body, { ...(opts.user !== undefined ? { user: opts.user } : {}), ...(opts.message ? { message: opts.message } : {}) });
    return {
      ...filterOutcome(report),
      notified: deliveries(report),
      help: report.help,
      commands: report.commands.map((c) => ({ slug: c.slug, command: c.command, ok: c.ok, ...(c.ok ? {} : { error: describe(c.error) }) })),
    };
  }

  /** Moves the fake clock: due timers fire in time order, and `tick` once per second passed. */
  async advance(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advance: ${ms} is not a number of milliseconds ≥ 0`);
    await this.#h.advance(ms);
  }

  /** Now on the fake clock (Unix ms): the time timers, `tick` and command messages see. */
  get now(): number {
    return this.#h.clock.now();
  }

  /**
   * A request to a plugin's routes through the real plugin HTTP server (admin gate, public/
   * files, caps, header allowlist). A string is a GET of that path.
   */
  async http(request: string | HttpRequestInit): Promise<HttpResponse> {
    const req: HttpRequestInit = typeof request === 'string' ? { path: request } : request;
    const headers: Record<string, string> = { ...req.headers };
    let body = '';
    if (typeof req.body === 'string') body = req.body;
    else if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
    }
    const path = req.path.startsWith('/') ? req.path : `/${req.path}`;
    const reply = await this.#h.http(
      { method: (req.method ?? 'GET').toUpperCase(), path, headers, body, authenticated: req.authenticated === true, user: (req.user ?? null) as HostUser | null },
      req.plugin,
    );
    const text = reply.body;
    return { status: reply.status, headers: { ...reply.headers }, body: text, json: <T>() => JSON.parse(text) as T };
  }

  // ---- what happened ----------------------------------------------------------------------

  /** Every effect so far, across all loaded plugins (a fresh copy). */
  get effects(): Effects {
    return readEffects(this.#h.effects, null);
  }

  /** The effects of one plugin only. */
  effectsOf(slug: string): Effects {
    this.#h.plugin(slug);
    return readEffects(this.#h.effects, new Set([slug]));
  }

  #read<K extends keyof Effects>(key: K, only: SlugFilter = null): Effects[K] {
    return readEffect(this.#h.effects, key, only);
  }

  get chatSends(): string[] {
    return this.#read('chatSends');
  }
  get chatActions(): string[] {
    return this.#read('chatActions');
  }
  get chatSystems(): string[] {
    return this.#read('chatSystems');
  }
  get chatTo(): Effects['chatTo'] {
    return this.#read('chatTo');
  }
  get emits(): Effects['emits'] {
    return this.#read('emits');
  }
  get httpRequests(): Effects['httpRequests'] {
    return this.#read('httpRequests');
  }
  get deletedMessages(): string[] {
    return this.#read('deletedMessages');
  }
  get kickedClients(): Effects['kickedClients'] {
    return this.#read('kickedClients');
  }
  get discordPosts(): string[] {
    return this.#read('discordPosts');
  }
  get browserPushes(): Effects['browserPushes'] {
    return this.#read('browserPushes');
  }
  get fediversePosts(): Effects['fediversePosts'] {
    return this.#read('fediversePosts');
  }
  get fediverseOutbox(): string[] {
    return this.#read('fediverseOutbox');
  }
  get userModerations(): Effects['userModerations'] {
    return this.#read('userModerations');
  }
  get bannedIPs(): string[] {
    return this.#read('bannedIPs');
  }
  get uploads(): Effects['uploads'] {
    return this.#read('uploads');
  }
  get videoConfigWrites(): Effects['videoConfigWrites'] {
    return this.#read('videoConfigWrites');
  }
  get logs(): Effects['logs'] {
    return this.#read('logs');
  }
  get sse(): Effects['sse'] {
    return this.#read('sse');
  }

  /** The plugin under test's whole KV store, keys sorted (see {@link kvOf} for another plugin). */
  get kv(): Record<string, string> {
    return this.kvOf(this.slug);
  }

  kvOf(slug: string): Record<string, string> {
    this.#h.plugin(slug);
    const kv = this.#h.host.kv;
    return Object.fromEntries(kv.keys(slug).map((key) => [key, kv.get(slug, key) ?? '']));
  }

  /** A file in the plugin's storage.fs sandbox as UTF-8 text, or null when there is none. */
  file(path: string, slug = this.slug): string | null {
    const bytes = this.#h.file(path, slug);
    return bytes === null ? null : Buffer.from(bytes).toString('utf8');
  }

  /** A file's bytes, or null. */
  fileBytes(path: string, slug = this.slug): Uint8Array | null {
    return this.#h.file(path, slug);
  }

  /** Rows of a query on the plugin's storage.sql database, keyed by column (throws on an SQL error). */
  query<Row = Record<string, unknown>>(sql: string, params: unknown[] = [], slug = this.slug): Row[] {
    const answer = this.#h.query(sql, params, slug);
    if ('error' in answer) throw new Error(`query failed: ${answer.error}`);
    return answer.rows as Row[];
  }

  /** Runs a statement on the plugin's database, as `given.sql` does (throws on an SQL error). */
  exec(sql: string, params: unknown[] = [], slug = this.slug): void {
    const result = this.#h.exec(sql, params, slug);
    if (result.error !== undefined) throw new Error(`exec failed: ${result.error}`);
  }

  /** Consecutive failures counted against the plugin (5 disable it). */
  strikes(slug = this.slug): number {
    return this.#h.strikes(slug);
  }

  /** Whether strikes auto-disabled the plugin. */
  disabled(slug = this.slug): boolean {
    return this.#h.disabled(slug);
  }

  /** Host calls a plugin made without the permission they need (each did nothing, as in production). */
  get permissionWarnings(): string[] {
    return [...this.#h.permissionWarnings];
  }

  /** Everything else the host warned about: handlers that threw, strikes, requests no fixture answered. */
  get hostWarnings(): string[] {
    return [...this.#h.hostWarnings];
  }

  /** The largest linear memory the plugin's instance has held. */
  peakMemoryBytes(slug = this.slug): number {
    return this.#h.peakMemoryBytes(slug);
  }

  /**
   * Forgets what was recorded so far (effects and warnings), keeping the plugins' state
   * (KV, files, SQL, memory, timers): each test can then look at its own effects only.
   */
  clearEffects(): void {
    this.#h.env.clear();
    this.#h.effects.logs.length = 0;
    this.#h.effects.emits.length = 0;
    this.#h.effects.requests.length = 0;
    this.#h.permissionWarnings.length = 0;
    this.#h.hostWarnings.length = 0;
  }

  // ---- assertions with the scenario rules -------------------------------------------------

  /**
   * Checks a scenario's final `expect` against what happened so far, with the scenario
   * matching rules (`/.../` strings are regular expressions, lists in order, payloads
   * partially, `kv` only the keys listed). Returns each failing key with its JSON pointer
   * (empty when everything holds). An invalid or misspelt key throws a TestSetupError.
   */
  check(expect: ExpectInput): Failure[] {
    return checkExpectations(parseExpectations(expect), this.#h);
  }

  /** Like {@link check}, but throws an ExpectationError (with a diff per key) when something does not hold. */
  assert(expect: ExpectInput): void {
    const failures = this.check(expect);
    if (failures.length > 0) throw new ExpectationError(failures);
  }

  /** Stops the plugins and frees the host (timers, HTTP server, storage). Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#h.close();
    } finally {
      this.#release();
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Loads a plugin project into a fresh host with the recording Owncast, building it first when
 * its sources are newer than `dist/`. `given` is a scenario's starting state (kv, fs, sql,
 * config, stream, users, httpResponses, …), validated like a scenario file's: a problem throws
 * a TestSetupError naming its JSON pointer, as does a project that does not build or load.
 *
 * ```ts
 * const bot = await loadPlugin('.', { kv: { greeting: 'Hello' } })
 * await bot.event('chat.message.received', { id: 'm1', body: 'hi', user: { id: 'u1', displayName: 'ada' } })
 * expect(bot.chatSends).toEqual(['Hello, ada!'])
 * await bot.close()
 * ```
 */
export async function loadPlugin(dir: string, given?: GivenInput, opts: LoadPluginOptions = {}): Promise<PluginHarness> {
  const parsed = parseGiven(given);
  const start = startMs(opts.startTime);
  const ctx = createContext({ cwd: resolve(opts.cwd ?? process.cwd()), logLevel: 'warn' });
  const dirs = [dir, ...(opts.plugins ?? [])].map((d) => resolve(ctx.cwd, d));
  let prepared;
  try {
    prepared = await prepareProjects(ctx, dirs);
  } catch (err) {
    throw setupError(err);
  }
  const sources = dirs.map((d) => prepared.sources.get(d)!);
  const lease = leaseSql(sources.map((s) => s.slug));
  try {
    const harness = await ScenarioHarness.create({
      sources,
      given: parsed,
      ...(lease.sql ? { sql: lease.sql } : {}),
      ...(start !== undefined ? { startMs: start } : {}),
    });
    return new PluginHarness(harness, lease.release);
  } catch (err) {
    lease.release();
    throw setupError(err);
  }
}
