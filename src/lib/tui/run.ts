// simulate on a terminal: load the plugins, then play the script on screen until the user quits.

import type { Context } from '../context.js';
import type { SimEvent } from '../simulate/events.js';
import { Player } from '../simulate/player.js';
import { Simulation, type SimulationOptions } from '../simulate/simulation.js';

export interface InteractiveRunOptions extends Omit<SimulationOptions, 'onEvent'> {
  speed?: number;
  /** Leave when the script is over instead of keeping the stream going. */
  untilEnd?: boolean;
}

/** Loads (progress on stderr), then hands the terminal to the TUI. */
export async function runInteractive(ctx: Context, opts: InteractiveRunOptions): Promise<void> {
  // what happens while loading (builds, load failures) is shown on stderr and replayed into the panes
  const early: SimEvent[] = [];
  let mounted = false;
  const sim = await Simulation.create(ctx, {
    ...opts,
    onEvent: (e) => {
      if (mounted) return;
      early.push(e);
      if (e.type === 'log' && e.source === 'host' && !e.redundant) (e.level === 'warn' ? ctx.logger.warn : ctx.logger.info)(e.message);
    },
  });
  try {
    const player = new Player(sim, { speed: opts.speed ?? 1, untilEnd: opts.untilEnd ?? false });
    // React's development build checks and warns as it renders, at several times the cost:
    // pick the production one unless the user asked for another (read when React loads)
    process.env.NODE_ENV ??= 'production';
    const { renderSimulator } = await import('./render.js');
    mounted = true;
    await renderSimulator({ sim, player, initialEvents: early });
  } finally {
    await sim.close();
  }
}
