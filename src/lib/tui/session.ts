// The TUI's wiring, without Ink: a store fed by the simulation and the player, and the
// controls the keys call. renderSimulator mounts it; tests mount the same session with
// ink-testing-library.

import { createElement, type ReactElement } from 'react';

import type { Player } from '../simulate/player.js';
import type { ScriptUser } from '../simulate/script.js';
import type { Simulation } from '../simulate/simulation.js';
import { SimulatorApp, type SimControls } from './App.js';
import { SimStore } from './store.js';

export interface TuiSession {
  readonly store: SimStore;
  readonly controls: SimControls;
  /** Resolves when the user quits (q, Ctrl-C). */
  readonly quit: Promise<void>;
  /** The app to mount. */
  element(columns?: number): ReactElement;
  /** Stops listening to the simulation and the player. */
  dispose(): void;
}

/** How often the clock on the status line moves while nothing else happens (ms). */
const CLOCK_REFRESH_MS = 250;

export function createTuiSession(sim: Simulation, player: Player, opts: { user?: ScriptUser } = {}): TuiSession {
  const firstUser = opts.user ?? sim.users.find((u) => u.role === 'viewer') ?? sim.users[0]!;
  const store = new SimStore(sim, player.state, firstUser);
  let user = firstUser;
  const report = (err: unknown) => store.add({ t: sim.now, type: 'log', source: 'host', level: 'warn', message: err instanceof Error ? err.message : String(err) });
  let quitNow!: () => void;
  const quit = new Promise<void>((resolve) => (quitNow = resolve));
  const stops = [sim.subscribe((e) => store.add(e)), player.subscribe((s) => store.setPlayer(s))];
  const clock = setInterval(() => store.tick(), CLOCK_REFRESH_MS);
  clock.unref();

  const controls: SimControls = {
    users: sim.users,
    toggle: () => player.toggle(),
    faster: () => player.faster(),
    slower: () => player.slower(),
    step: () => void player.step().catch(report),
    say: (text) => void sim.say(user, text).catch(report),
    chooseUser: (u) => {
      user = u;
      store.setUser(u);
    },
    reload: () => void sim.reload().catch(report),
    quit: () => quitNow(),
  };

  return {
    store,
    controls,
    quit,
    element: (columns) => createElement(SimulatorApp, { store, controls, ...(columns !== undefined ? { columns } : {}) }),
    dispose: () => {
      clearInterval(clock);
      for (const stop of stops) stop();
    },
  };
}
