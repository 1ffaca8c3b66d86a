// The player keeps the script's clock on the wall clock times the speed: events run when due,
// the clock moves between them, and pause, step and speed changes never make it jump.
import { describe, expect, it } from 'vitest';

import { Player } from '../../src/lib/simulate/player.js';
import type { Simulation } from '../../src/lib/simulate/simulation.js';

/** What the player uses of a Simulation: a script of event times and a clock. */
function fakeSim(times: number[]) {
  let scriptTime = 0;
  let cursor = 0;
  const ran: number[] = [];
  const sim = {
    get scriptTime() {
      return scriptTime;
    },
    get nextAt() {
      return times[cursor] ?? null;
    },
    get ended() {
      return cursor >= times.length;
    },
    async advanceTo(t: number) {
      while (cursor < times.length && times[cursor]! <= t) ran.push(times[cursor++]!);
      scriptTime = Math.max(scriptTime, t);
    },
    async step() {
      const next = times[cursor];
      if (next === undefined) return false;
      await sim.advanceTo(next);
      return true;
    },
  };
  return { sim: sim as unknown as Simulation, ran, time: () => scriptTime };
}

describe('Player', () => {
  it('runs events when the wall clock times the speed reaches them, then stops at the end with untilEnd', async () => {
    let now = 0;
    const { sim, ran } = fakeSim([0, 100, 1000]);
    const player = new Player(sim, { speed: 10, untilEnd: true, now: () => now });
    const run = player.run();
    await new Promise((r) => setTimeout(r, 5));
    expect(ran).toEqual([0]);
    now = 10; // 10 ms × 10 = 100 ms of script
    await new Promise((r) => setTimeout(r, 60));
    expect(ran).toEqual([0, 100]);
    now = 100;
    await run;
    expect(ran).toEqual([0, 100, 1000]);
    expect(player.state.running).toBe(false);
  });

  it('pauses, steps one event at a time, resumes from where it was, and changes speed through the steps', async () => {
    let now = 0;
    const { sim, ran, time } = fakeSim([0, 5000, 9000]);
    const states: string[] = [];
    const player = new Player(sim, { paused: true, now: () => now });
    player.subscribe((s) => states.push(`${s.paused ? 'paused' : 'playing'} ${s.speed}x`));
    const run = player.run();
    now = 100_000; // a paused player lets the wall clock go by
    await new Promise((r) => setTimeout(r, 20));
    expect(ran).toEqual([]);
    await player.step();
    expect(ran).toEqual([0]);
    await player.step();
    expect(ran).toEqual([0, 5000]);
    expect(time()).toBe(5000);
    player.resume();
    now += 1000; // one second later at 1x: 6 s into the script, not 100 s
    await new Promise((r) => setTimeout(r, 60));
    expect(time()).toBe(6000);
    expect(ran).toEqual([0, 5000]);
    player.faster();
    player.faster();
    expect(player.state.speed).toBe(4);
    now += 1000; // 4 s of script at 4x
    await new Promise((r) => setTimeout(r, 60));
    expect(ran).toEqual([0, 5000, 9000]);
    player.slower();
    expect(player.state.speed).toBe(2);
    player.setSpeed(-1);
    expect(player.state.speed).toBe(2);
    player.stop();
    await run;
    expect(states).toEqual(['paused 1x', 'paused 1x', 'paused 1x', 'playing 1x', 'playing 2x', 'playing 4x', 'playing 2x', 'playing 2x']);
  });
});
