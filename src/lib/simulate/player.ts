// Plays a simulation in real time: the script's clock follows the wall clock times a speed
// factor, so scripted events happen when they are due and timers fire in between. Pause,
// step and speed changes re-anchor the two clocks, so nothing jumps when play resumes.

import type { Simulation } from './simulation.js';

export const SPEEDS = [0.25, 0.5, 1, 2, 4, 8, 16, 64] as const;
/** How often the clock moves while nothing is due (ms of real time). */
const FRAME_MS = 50;

export interface PlayerOptions {
  speed?: number;
  /** Stop once the script has run (otherwise the clock keeps going: timers, typed messages). */
  untilEnd?: boolean;
  /** Start paused. */
  paused?: boolean;
  /** The real clock, ms (tests pass their own). */
  now?: () => number;
}

export interface PlayerState {
  paused: boolean;
  speed: number;
  running: boolean;
}

export class Player {
  readonly #sim: Simulation;
  readonly #now: () => number;
  readonly #untilEnd: boolean;
  readonly #listeners = new Set<(state: PlayerState) => void>();
  #speed: number;
  #paused: boolean;
  #running = false;
  #stopped = false;
  #anchor = { script: 0, real: 0 };
  #wake: (() => void) | null = null;
  #stepping: Promise<unknown> = Promise.resolve();

  constructor(sim: Simulation, opts: PlayerOptions = {}) {
    this.#sim = sim;
    this.#now = opts.now ?? (() => performance.now());
    this.#untilEnd = opts.untilEnd ?? false;
    this.#speed = opts.speed ?? 1;
    this.#paused = opts.paused ?? false;
  }

  get state(): PlayerState {
    return { paused: this.#paused, speed: this.#speed, running: this.#running };
  }

  /** Tells `listener` of every pause, resume, speed change, start and stop. */
  subscribe(listener: (state: PlayerState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Plays until {@link stop} (or the end of the script with `untilEnd`). Rejects if a step fails. */
  async run(): Promise<void> {
    this.#running = true;
    this.#reanchor();
    this.#changed();
    try {
      while (!this.#stopped) {
        if (this.#untilEnd && this.#sim.ended) break;
        if (this.#paused) {
          await this.#sleep(Infinity);
          continue;
        }
        await this.#stepping;
        const target = this.#target();
        const next = this.#sim.nextAt;
        if (next !== null && next <= target) {
          await this.#sim.advanceTo(next);
          continue;
        }
        await this.#sim.advanceTo(target);
        const wait = next === null ? FRAME_MS : Math.min(FRAME_MS, (next - target) / this.#speed);
        await this.#sleep(Math.max(1, wait));
      }
    } finally {
      this.#running = false;
      this.#changed();
    }
  }

  pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    this.#changed();
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#reanchor();
    this.#changed();
    this.#wakeUp();
  }

  toggle(): void {
    if (this.#paused) this.resume();
    else this.pause();
  }

  /** Pauses, then runs the next scripted event (the clock jumps to it). */
  step(): Promise<void> {
    this.pause();
    const run = this.#stepping.then(async () => {
      await this.#sim.step();
      this.#reanchor();
      this.#changed();
    });
    this.#stepping = run.catch(() => undefined);
    return run;
  }

  setSpeed(speed: number): void {
    if (!(speed > 0) || speed === this.#speed) return;
    this.#reanchor();
    this.#speed = speed;
    this.#changed();
    this.#wakeUp();
  }

  /** The next speed up (`+`). */
  faster(): void {
    this.setSpeed(SPEEDS.find((s) => s > this.#speed) ?? this.#speed);
  }

  /** The next speed down (`-`). */
  slower(): void {
    this.setSpeed([...SPEEDS].reverse().find((s) => s < this.#speed) ?? this.#speed);
  }

  stop(): void {
    this.#stopped = true;
    this.#wakeUp();
  }

  #target(): number {
    return this.#anchor.script + (this.#now() - this.#anchor.real) * this.#speed;
  }

  #reanchor(): void {
    this.#anchor = { script: this.#sim.scriptTime, real: this.#now() };
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = Number.isFinite(ms) ? setTimeout(done, ms) : null;
      const self = this;
      function done() {
        if (timer) clearTimeout(timer);
        self.#wake = null;
        resolve();
      }
      this.#wake = done;
    });
  }

  #wakeUp(): void {
    this.#wake?.();
  }

  #changed(): void {
    const state = this.state;
    for (const l of [...this.#listeners]) l(state);
  }
}
