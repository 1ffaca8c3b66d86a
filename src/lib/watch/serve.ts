// watch --serve: the dev server in the same process, its plugin swapped for each good build.
// The server loads dist/ as the watch wrote it (it never builds: the watch just did), and the
// reload hands it the bundle just built, so a save is one build. KV, SQL and files live by
// slug in .owncast-dev and outlast every reload.

import type { Context } from '../context.js';
import type { DevServer } from '../devserver/server.js';
import type { WatchEvent } from './events.js';
import type { GoodBuild, WatchConsumer } from './project.js';

export interface WatchServeOptions {
  port: number;
  /** Forget stored state (.owncast-dev) first. */
  fresh?: boolean;
  /** --config slug.key=value */
  config?: string[];
}

export class ServeConsumer implements WatchConsumer {
  readonly #ctx: Context;
  readonly #dir: string;
  readonly #opts: WatchServeOptions;
  #server: DevServer | null = null;

  constructor(ctx: Context, dir: string, opts: WatchServeOptions) {
    this.#ctx = ctx;
    this.#dir = dir;
    this.#opts = opts;
  }

  /** The running server (after open). */
  get server(): DevServer | null {
    return this.#server;
  }

  /** Starts the server on whatever dist/ holds: the first build, or an older good one when it failed. */
  async open(): Promise<WatchEvent[]> {
    const { startDevServer } = await import('../devserver/server.js');
    this.#server = await startDevServer(this.#ctx, {
      paths: [this.#dir],
      port: this.#opts.port,
      ...(this.#opts.fresh ? { fresh: true } : {}),
      config: this.#opts.config ?? [],
      buildProjects: false,
    });
    return [{ type: 'serving', url: this.#server.url, stateDir: this.#server.plan.stateDir }];
  }

  async built(good: GoodBuild): Promise<WatchEvent[]> {
    const server = this.#server;
    if (!server) return [];
    const slug = good.build.slug;
    const started = performance.now();
    server.feed.publish({ type: 'build', slug, durationMs: Math.round(good.build.durationMs) });
    try {
      await server.plugins.reloadSource(this.#dir, await good.load());
    } catch (error) {
      server.feed.publish({ type: 'reload', slug, ok: false, error: error instanceof Error ? error.message : String(error) });
      return [{ type: 'reload', to: 'serve', slug, ok: false, error }];
    }
    const done = performance.now();
    server.feed.publish({ type: 'reload', slug, ok: true, durationMs: Math.round(done - started) });
    return [
      {
        type: 'reload',
        to: 'serve',
        slug,
        ok: true,
        durationMs: Math.round(done - started),
        ...(good.changedAt === null ? {} : { sinceChangeMs: Math.round(done - good.changedAt) }),
      },
    ];
  }

  async close(): Promise<void> {
    await this.#server?.close();
    this.#server = null;
  }
}
