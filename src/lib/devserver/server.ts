// `owncast-plugin serve`: a localhost Owncast for plugin authors. The HTTP thread (this one)
// serves plugin routes, static files, SSE, the host endpoints, the dev API and the console;
// the plugins run in a ThreadedHost's worker (DESIGN §2.3), whose watchdog ends a call that
// overruns. State (KV, SQL, fs, the plugins directory's approvals) lives in .owncast-dev/.

import { mkdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';

import type { Context } from '../context.js';
import { ThreadedHost, type ThreadedHostEvent } from '../host/threaded/index.js';
import { ActivityFeed } from './activity-feed.js';
import { parseConfigFlags } from './config-flags.js';
import { serveConsole } from './console/index.js';
import { devLoginToken, handleDevApi } from './dev-api.js';
import { chainAuthResolvers, createPluginHttpHandler, devAuthResolver, sessionCookieResolver, type AuthResolver } from './http/index.js';
import { ANONYMOUS } from './http/request-auth.js';
import { checkRequestOrigin } from './http/request-guard.js';
import { sendError } from './http/respond.js';
import { listenLoopback } from './listen.js';
import { DevPlugins } from './plugins.js';
import { buildIfStale } from './project-build.js';
import { clearState, planServe, type ServePlan } from './targets.js';
import { threadedHttpBackend } from './threaded-backend.js';
import { watchPlugins } from './watch.js';

export interface DevServerOptions {
  /** Project directories, .ocpkg files, loose plugin files or one plugins directory; default ".". */
  paths: string[];
  port: number;
  /** Start from empty state (removes .owncast-dev first). */
  fresh?: boolean;
  /** --config slug.key=value */
  config?: string[];
  /** Rescan period of a plugins directory; default production's 2 s. */
  scanIntervalMs?: number;
  /** Rebuild and reload a changed project (or plugin file) in place. */
  watch?: boolean;
  /** --watch's quiet time after the last change. */
  watchDebounceMs?: number;
  /** Build a project whose dist/ is stale before loading it (default); false: load dist/ as it is (`watch` builds). */
  buildProjects?: boolean;
}

export interface DevServer {
  readonly url: string;
  readonly port: number;
  readonly plan: ServePlan;
  readonly plugins: DevPlugins;
  readonly host: ThreadedHost;
  readonly feed: ActivityFeed;
  close(): Promise<void>;
}

export async function startDevServer(ctx: Context, opts: DevServerOptions): Promise<DevServer> {
  const plan = await planServe(opts.paths, ctx.cwd);
  const configFlags = parseConfigFlags(opts.config ?? []);
  if (opts.fresh) await clearState(plan.stateDir);
  await mkdir(join(plan.stateDir, 'data'), { recursive: true });

  const feed = new ActivityFeed();
  const warn = (message: string) => {
    ctx.logger.warn(message);
    feed.publish({ type: 'log', level: 'warn', message });
  };
  let plugins: DevPlugins | null = null;
  let hub: { send(slug: string, channel: string, event: string, data: string): unknown; close(slug?: string): void } | null = null;

  const host = new ThreadedHost({
    dataDir: join(plan.stateDir, 'data'),
    env: { kind: 'dev' },
    tick: true,
    cwd: ctx.cwd,
    onLog: (line) => {
      if (line.kind === 'plugin') {
        ctx.stderr.write(`[${line.slug}] ${line.level}: ${line.message}\n`);
        feed.publish({ type: 'log', slug: line.slug, level: line.level, message: line.message });
      } else if (line.kind === 'warn') {
        warn(line.message);
      } else {
        ctx.stderr.write(`${line.message}\n`);
        feed.publish({ type: 'log', level: 'info', message: line.message });
      }
    },
    onEvent: (event: ThreadedHostEvent) => {
      if (event.type === 'disabled') {
        if (event.by === 'strikes') plugins?.markAutoDisabled(event.slug);
        hub?.close(event.slug);
      }
      const text = describeHostEvent(event);
      if (text) warn(text);
      feed.publish({ ...event, type: `host.${event.type}` });
    },
    onActivity: (activity) => {
      if (activity.type === 'sse') hub?.send(activity.slug, activity.channel, activity.event, activity.data);
      else feed.publish(activity);
    },
  });

  plugins = new DevPlugins({
    runner: host,
    plan,
    configFlags,
    warn,
    ...(opts.scanIntervalMs !== undefined ? { scanIntervalMs: opts.scanIntervalMs } : {}),
    ...(opts.buildProjects === false
      ? {}
      : {
          prepareProject: async (dir: string) => {
            const built = await buildIfStale(ctx, dir);
            if (built) feed.publish({ type: 'build', slug: built.slug, durationMs: Math.round(built.durationMs) });
          },
        }),
  });
  const devPlugins = plugins;

  const backend = threadedHttpBackend(host, devPlugins, {
    list: async () => devPlugins.adminList(),
    enable: (slug) => devPlugins.enable(slug),
    disable: async (slug) => {
      await devPlugins.disable(slug);
      pluginHttp.hub.close(slug);
    },
    reload: (slug) => devPlugins.reload(slug),
  });
  const auth = chainAuthResolvers(devAuthResolver(), consoleLoginResolver(), sessionCookieResolver({ secret: host.sessionSecret }));
  const pluginHttp = createPluginHttpHandler({ backend, auth, log: { warn } });
  hub = pluginHttp.hub;

  let server: Server | null = null;
  try {
    await host.ready();
    await devPlugins.start();
    const deps = { host, plugins: devPlugins, feed, closeStreams: (slug: string) => pluginHttp.hub.close(slug) };
    server = createServer((req, res) => route(req, res));
    // set once bound; no request arrives before
    let boundPort = 0;
    const route = (req: IncomingMessage, res: ServerResponse) => {
      const refused = checkRequestOrigin(req, boundPort);
      if (refused) return sendError(res, refused.status, refused.message);
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (handleDevApi(req, res, path, deps)) return;
      pluginHttp(req, res, () => serveConsole(req, res, path));
    };
    const watcher = opts.watch
      ? watchPlugins(ctx, devPlugins, devPlugins.watchable(), {
          ...(opts.watchDebounceMs !== undefined ? { debounceMs: opts.watchDebounceMs } : {}),
          onReload: (slug, outcome) => {
            if (outcome.ok) {
              ctx.stderr.write(`reloaded ${slug} (${Math.round(outcome.durationMs)} ms)\n`);
              feed.publish({ type: 'reload', slug, ok: true, durationMs: Math.round(outcome.durationMs) });
            } else {
              const text = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
              warn(`${slug}: reload failed: ${text}`);
              feed.publish({ type: 'reload', slug, ok: false, error: text });
            }
          },
        })
      : null;
    await watcher?.ready;
    const port = await listenLoopback(server, opts.port);
    boundPort = port;
    const url = `http://127.0.0.1:${port}`;
    const running = server;
    return {
      url,
      port,
      plan,
      plugins: devPlugins,
      host,
      feed,
      async close() {
        await watcher?.close();
        pluginHttp.close();
        feed.close();
        running.closeAllConnections();
        await new Promise<void>((resolve) => running.close(() => resolve()));
        await devPlugins.close();
        await host.close();
      },
    };
  } catch (err) {
    pluginHttp.close();
    feed.close();
    server?.close();
    await devPlugins.close().catch(() => undefined);
    await host.close().catch(() => undefined);
    throw err;
  }
}

/** The console's "log in" cookie, as the reference's bearer tokens. */
function consoleLoginResolver(): AuthResolver {
  const bearer = devAuthResolver();
  return (req) => {
    const token = devLoginToken(req);
    if (!token) return ANONYMOUS;
    return bearer({ headers: { authorization: `Bearer ${token}` } } as IncomingMessage);
  };
}

function describeHostEvent(event: ThreadedHostEvent): string | null {
  switch (event.type) {
    case 'overrun':
      return `plugin "${event.slug}": ${event.exportName}() ran ${Math.round(event.elapsedMs)} ms, past its ${event.budgetMs} ms budget; its thread was ended`;
    case 'crashed':
      return `the plugin thread crashed${event.slug ? ` in "${event.slug}" ${event.exportName}()` : ''}: ${event.message}`;
    case 'disabled':
      return `plugin "${event.slug}" disabled (${event.by}): ${event.reason}`;
    case 'worker-restarted':
      return `plugin thread restarted; reloaded ${event.reloaded.join(', ') || 'nothing'}${event.failed.length ? `; failed: ${event.failed.map((f) => f.slug).join(', ')}` : ''}`;
    case 'failed':
      return `the plugin host failed: ${event.message}`;
  }
}
