// watch --simulate: the simulator plays a stream through the watched plugin (and any others
// given with --with) and each good build is swapped in while the stream goes on
// (Simulation.reload with the plugin just built: KV, SQL and files stay; strikes, timers and
// in-memory state start over). On a terminal it is the simulator's UI, whose log pane also
// shows the watch's builds; otherwise the stream is printed as text (or JSON lines) until
// Ctrl-C. The simulator starts with the first good build.

import type { Context } from '../context.js';
import type { SimEvent } from '../simulate/events.js';
import type { Player } from '../simulate/player.js';
import type { SimScript } from '../simulate/script.js';
import type { Simulation } from '../simulate/simulation.js';
import type { WatchEvent } from './events.js';
import type { GoodBuild, WatchConsumer } from './project.js';

export interface WatchSimulateOptions {
  script: SimScript;
  /** Other plugins to load beside the watched one (projects, packages, plugin files, plugins directories). */
  with?: string[];
  /** --config slug.key=value */
  config?: string[];
  /** Keep KV, SQL and files here (default: in memory). */
  stateDir?: string;
  /** Replay speed (1: real time). */
  speed?: number;
  /** tui: the simulator's terminal UI; plain: text lines; json: one `{"type":"simulate","event":...}` line per event. */
  mode: 'tui' | 'plain' | 'json';
  /** Told once the terminal UI owns the screen (watch's output goes to its log pane from then on). */
  onScreen?(sim: Simulation): void;
}

export class SimulateConsumer implements WatchConsumer {
  readonly #ctx: Context;
  readonly #dir: string;
  readonly #opts: WatchSimulateOptions;
  #sim: Simulation | null = null;
  #player: Player | null = null;
  #playing: Promise<void> | null = null;
  #quit!: () => void;
  /** Resolves when the user leaves the terminal UI (never in the other modes). */
  readonly quit = new Promise<void>((resolve) => (this.#quit = resolve));

  constructor(ctx: Context, dir: string, opts: WatchSimulateOptions) {
    this.#ctx = ctx;
    this.#dir = dir;
    this.#opts = opts;
  }

  get simulation(): Simulation | null {
    return this.#sim;
  }

  async open(first: GoodBuild | null): Promise<WatchEvent[]> {
    if (!first) return [{ type: 'waiting', what: 'the simulator starts after the first good build' }];
    return this.#start();
  }

  async built(good: GoodBuild): Promise<WatchEvent[]> {
    const sim = this.#sim;
    if (!sim) return this.#start();
    const slug = good.build.slug;
    const started = performance.now();
    try {
      await sim.reload(slug, await good.load());
    } catch (error) {
      return [{ type: 'reload', to: 'simulate', slug, ok: false, error }];
    }
    // a plugin that does not load (register() throws) is reported by the simulation, not thrown
    const failed = sim.plugins().find((p) => p.slug === slug && p.state === 'failed');
    if (failed) return [{ type: 'reload', to: 'simulate', slug, ok: false, error: new Error(failed.lastError ?? 'the plugin failed to load') }];
    const done = performance.now();
    return [
      {
        type: 'reload',
        to: 'simulate',
        slug,
        ok: true,
        durationMs: Math.round(done - started),
        ...(good.changedAt === null ? {} : { sinceChangeMs: Math.round(done - good.changedAt) }),
      },
    ];
  }

  async #start(): Promise<WatchEvent[]> {
    const { Simulation } = await import('../simulate/simulation.js');
    const { Player } = await import('../simulate/player.js');
    const { createStreamPrinter } = await import('../simulate/run.js');
    const mode = this.#opts.mode;
    const plain = mode === 'plain' ? createStreamPrinter(this.#ctx, 'plain') : null;
    // what happens while loading is replayed into the terminal UI once it is up
    const early: SimEvent[] = [];
    let mounted = false;
    const sim = await Simulation.create(this.#ctx, {
      script: this.#opts.script,
      paths: [this.#dir, ...(this.#opts.with ?? [])],
      config: this.#opts.config ?? [],
      ...(this.#opts.stateDir ? { stateDir: this.#opts.stateDir } : {}),
      onEvent: (e) => {
        if (mode === 'json') this.#ctx.stdout.write(`${JSON.stringify({ type: 'simulate', event: e })}\n`);
        else if (plain) plain(e);
        else if (!mounted) early.push(e);
      },
    });
    this.#sim = sim;
    const player = new Player(sim, { speed: this.#opts.speed ?? 1, untilEnd: false });
    this.#player = player;
    if (mode === 'tui') {
      // React's production build unless the user asked for another (read when React loads)
      process.env.NODE_ENV ??= 'production';
      const { renderSimulator } = await import('../tui/render.js');
      mounted = true;
      this.#opts.onScreen?.(sim);
      // the UI runs the player; leaving it (q, Ctrl-C) ends the watch
      this.#playing = renderSimulator({ sim, player, initialEvents: early }).finally(() => this.#quit());
    } else {
      this.#playing = player.run();
    }
    return [{ type: 'simulating', plugins: sim.pluginInfo().map((p) => p.slug) }];
  }

  async close(): Promise<void> {
    this.#player?.stop();
    await this.#playing?.catch(() => undefined);
    await this.#sim?.close();
    this.#sim = null;
  }
}
