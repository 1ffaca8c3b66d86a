// The simulator's terminal UI, mounted with Ink on a real terminal.

import type { SimEvent } from '../simulate/events.js';
import type { Player } from '../simulate/player.js';
import type { ScriptUser } from '../simulate/script.js';
import type { Simulation } from '../simulate/simulation.js';
import { createTuiSession } from './session.js';

export interface RenderSimulatorOptions {
  sim: Simulation;
  player: Player;
  /** Who `i` types as at first; default the script's first viewer. */
  user?: ScriptUser;
  /** Events from before the screen was up (loading), shown first. */
  initialEvents?: readonly SimEvent[];
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
}

/**
 * Plays the simulation on screen until the user quits (or, with an `untilEnd` player, until
 * the script is over), then unmounts. Rejects if the player fails (a bug, not a plugin failure:
 * those are part of the stream).
 */
export async function renderSimulator(opts: RenderSimulatorOptions): Promise<void> {
  const { render } = await import('ink');
  const session = createTuiSession(opts.sim, opts.player, opts.user ? { user: opts.user } : {});
  for (const e of opts.initialEvents ?? []) session.store.add(e);
  const app = render(session.element(), {
    ...(opts.stdin ? { stdin: opts.stdin } : {}),
    ...(opts.stdout ? { stdout: opts.stdout } : {}),
    ...(opts.stderr ? { stderr: opts.stderr } : {}),
    exitOnCtrlC: false,
    patchConsole: false,
  });
  const playing = opts.player.run();
  // the terminal is in raw mode, so Ctrl-C arrives as a key; a signal from elsewhere quits the same way
  const quit = () => session.controls.quit();
  process.once('SIGINT', quit);
  process.once('SIGTERM', quit);
  try {
    await Promise.race([session.quit, playing]);
  } finally {
    process.off('SIGINT', quit);
    process.off('SIGTERM', quit);
    opts.player.stop();
    await playing.catch(() => undefined);
    // let the last events reach the screen before Ink lets go of it
    await new Promise((resolve) => setTimeout(resolve, 50));
    session.dispose();
    app.unmount();
    await app.waitUntilExit().catch(() => undefined);
  }
  await playing;
}
