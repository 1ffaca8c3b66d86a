// The host worker: a real PluginHost (storage, dispatcher, env) on its own thread, answering
// the main thread's requests (protocol.ts), each plugin's engine in a thread of its own
// (executor/pool.ts) whose host calls it serves. Every host call it serves goes on the call
// board first, so the main thread can see which plugin is stuck if this thread stops
// answering, and end it.

import { parentPort, workerData } from 'node:worker_threads';

import { UserError } from '../../errors.js';
import type { AuthSessionSink, DevEnv, HostChatMessage } from '../env/index.js';
import { adoptEngineModule, loadEngineModule } from '../engine-module.js';
import { ExecutorPool } from '../executor/pool.js';
import { PluginHost } from '../host.js';
import { createSqlService, type SqlService } from '../offthread/sql/index.js';
import type { StrikePath } from '../dispatch/index.js';
import { ActivityQueue } from './activity-queue.js';
import { CallBoardWriter } from './call-board.js';
import { inspect } from './inspect.js';
import {
  CALLABLE_EXPORTS,
  type CallableExport,
  type CallResult,
  type Envelope,
  type HostLogLine,
  type HostRequest,
  type HostWorkerData,
  type MainMessage,
  type PluginSummary,
  type SessionAction,
  type WorkerMessage,
} from './protocol.js';
import { toWireError, toWireReport } from './wire-errors.js';
import { fromWireSource } from './wire-source.js';
import { createWorkerEnv } from './worker-env.js';

const port = parentPort!;
const { options, callBoard, engineModule } = workerData as HostWorkerData;
const post = (message: WorkerMessage) => port.postMessage(message);
const log = (line: HostLogLine) => post({ kind: 'log', line });
const board = new CallBoardWriter(callBoard);
const activity = new ActivityQueue({
  post: (events) => post({ kind: 'activity', events }),
  schedule: (flush) => void setImmediate(flush),
});

function startHost(): { host: PluginHost; env: DevEnv; close(): void } | null {
  let sql: SqlService | null = null;
  let pool: ExecutorPool | null = null;
  try {
    const env = createWorkerEnv(options.env, (message) => log({ kind: 'info', message }));
    // The console's view of the databases; each plugin granted storage.sql runs its
    // statements in its own thread, on the same files (SQLite in WAL mode, busy timeout).
    sql = createSqlService({ dataDir: options.dataDir ?? null, log: { warn: (message) => log({ kind: 'warn', message }) } });
    // Each plugin runs in a thread of its own (executor/); this thread keeps its world (the
    // dispatcher, env, KV, fs, timers) and serves its host calls.
    pool = new ExecutorPool({
      sql: { dataDir: options.dataDir ?? null, scratchDir: sql.scratchDir },
      onServe(slug, exportName, budgetMs, startedAt) {
        // a host function stuck here holds every plugin: the main thread's watchdog sees it on this board
        const ticket = board.begin(slug, exportName, budgetMs, startedAt);
        return () => board.end(ticket);
      },
      onOverrun: ({ slug, exportName, budgetMs, elapsedMs }) => {
        post({ kind: 'plugin-overrun', slug, exportName, budgetMs, elapsedMs });
        putOut(slug);
      },
      onCrashed: (slug, message, exportName) => {
        post({ kind: 'plugin-crashed', slug, message, ...(exportName ? { exportName } : {}) });
        putOut(slug);
      },
    });
    const made = new PluginHost({
      env,
      log: {
        warn: (message) => log({ kind: 'warn', message }),
        plugin: (slug, level, message) => log({ kind: 'plugin', slug, level, message }),
      },
      dataDir: options.dataDir,
      tick: options.tick,
      cwd: options.cwd,
      sql,
      instances: pool,
      onActivity: (event) => activity.push(event),
    });
    made.onPluginDisabled((slug, reason) => post({ kind: 'disabled', slug, reason }));
    const services = { sql, pool };
    // the watchdog ended its thread: it gets no more work (its storage stays) until loaded again
    const putOut = (slug: string) => {
      const plugin = made.plugin(slug);
      if (plugin) void made.unload(plugin).catch(() => undefined);
    };
    return {
      host: made,
      env,
      close() {
        services.pool.close();
        services.sql.close();
      },
    };
  } catch (err) {
    pool?.close();
    sql?.close();
    // said as an error of the taxonomy; an uncaught throw would reach the main thread as a bare crash
    post({ kind: 'boot-failed', error: toWireError(err) });
    return null;
  }
}

const STRIKE_PATH: Record<CallableExport, StrikePath> = {
  on_http_request: 'http',
  on_auth_check: 'auth',
  on_tab_content: 'content',
  on_page_content: 'content',
  on_page_styles: 'content',
  on_page_scripts: 'content',
};

async function handle({ host, env, close }: NonNullable<typeof started>, request: HostRequest): Promise<unknown> {
  switch (request.op) {
    case 'load': {
      const source = fromWireSource(request.source);
      const slug = declaredSlug(source.manifestJson);
      if (slug && host.plugin(slug)) {
        throw new UserError(`plugin "${slug}" is already loaded`, { nextSteps: ['Unload it first to load it again'], code: 'PLUGIN_ALREADY_LOADED' });
      }
      const loaded = await host.load(source);
      const summary: PluginSummary = {
        slug: loaded.slug,
        name: loaded.identity.name,
        version: loaded.manifest.version,
        permissions: [...loaded.identity.permissions],
        subscriptions: loaded.subscriptions,
        commands: loaded.commands,
        registerOutput: loaded.registerOutput,
      };
      return summary;
    }
    case 'unload': {
      const plugin = host.plugin(request.slug);
      if (plugin) await host.unload(plugin);
      return plugin !== undefined;
    }
    case 'dispatch':
      return toWireReport(await host.dispatch(request.eventType, request.payload));
    case 'dispatchChatMessage': {
      // a message the filters let through joins the chat log before the notifications run,
      // as Owncast stores and broadcasts it, so a bot's answer comes after it
      const accepted = request.record ? (payload: unknown) => void recordAccepted(env, payload) : undefined;
      return toWireReport(await host.dispatchChatMessage(request.message, accepted ? { accepted } : {}));
    }
    case 'call':
      return call(host, request.slug, request.exportName, request.input);
    case 'notify': {
      // production calls on_event directly here (the HTTP server's sse.connect): no dispatcher, no strikes
      const plugin = host.plugin(request.slug);
      if (!plugin) throw new UserError(`plugin "${request.slug}" is not loaded`, { code: 'PLUGIN_NOT_LIVE' });
      await plugin.notify(request.eventType, request.payload);
      return null;
    }
    case 'inspect':
      return inspect(host, env, request.query);
    case 'close':
      await host.close();
      close();
      return null;
  }
}

/** The manifest's slug, if it has one (host.load reports a manifest that does not parse). */
function declaredSlug(manifestJson: string): string | undefined {
  try {
    const slug = (JSON.parse(manifestJson) as { slug?: unknown } | null)?.slug;
    return typeof slug === 'string' ? slug : undefined;
  } catch {
    return undefined;
  }
}

/** An HTTP, auth or content export, counted for strikes, with its session cookie changes. */
async function call(host: PluginHost, slug: string, exportName: CallableExport, input: string): Promise<CallResult> {
  if (!CALLABLE_EXPORTS.includes(exportName)) throw new UserError(`${exportName} is not an export the host calls directly`);
  const plugin = host.plugin(slug);
  if (!plugin || host.dispatcher.isDisabled(slug)) {
    throw new UserError(`plugin "${slug}" is not loaded or is disabled`, { code: 'PLUGIN_NOT_LIVE' });
  }
  // owncast.auth writes the session cookie to the response; here the response is on the main
  // thread, so the changes are collected and sent back with the output
  const session: SessionAction[] = [];
  const authSink: AuthSessionSink | undefined =
    exportName === 'on_http_request'
      ? { grant: (token, ttlSeconds) => void session.push({ action: 'grant', token, ttlSeconds }), end: () => void session.push({ action: 'end' }) }
      : undefined;
  const output = await host.dispatcher.invoke(plugin, exportName, input, { path: STRIKE_PATH[exportName], authSink });
  return { output, session };
}

const started = startHost();
if (started) {
  port.on('message', async (message: MainMessage) => {
    if (message.op === 'activity-ack') {
      activity.acknowledge();
      return;
    }
    const { id, ...request } = message as Envelope;
    try {
      const value = await handle(started, request as HostRequest);
      // what the request set off goes out before its answer, when the main thread has room for it
      activity.flush();
      post({ kind: 'result', id, ok: true, value });
    } catch (err) {
      activity.flush();
      post({ kind: 'result', id, ok: false, error: toWireError(err) });
    }
    if (request.op === 'close') port.close();
  });
  // Compiling the engine takes the better part of a second: an earlier worker's is reused,
  // else it starts now (not on the first load) and goes to the main thread for the next ones.
  if (engineModule) adoptEngineModule(engineModule);
  else loadEngineModule().then((module) => post({ kind: 'engine-module', module }), () => undefined);
  post({ kind: 'ready' });
} else {
  port.close();
}

/** An accepted chat message as the dev env's chat log stores it (a payload that is not a message is left out). */
function recordAccepted(env: DevEnv, payload: unknown): void {
  if (!payload || typeof payload !== 'object') return;
  const m = payload as { id?: unknown; user?: unknown; body?: unknown; timestamp?: unknown; clientId?: unknown };
  if (typeof m.body !== 'string') return;
  env.recordChat({
    body: m.body,
    user: m.user && typeof m.user === 'object' ? (m.user as HostChatMessage['user']) : null,
    ...(typeof m.id === 'string' ? { id: m.id } : {}),
    ...(typeof m.timestamp === 'string' ? { timestamp: m.timestamp } : {}),
    ...(typeof m.clientId === 'number' || typeof m.clientId === 'bigint' ? { clientId: m.clientId } : {}),
  });
}
