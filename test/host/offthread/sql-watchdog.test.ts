// The SQL helper's watchdog (src/lib/host/offthread/sql/watchdog.ts). Under load a soak saw the
// helper killed by its own watchdog while the statement in flight was about 100 ms old (the
// call answered "SQL storage unavailable"): the old watchdog compared wall-clock timestamps
// written by another thread. Now it times statements by a counter and its own monotonic
// clock. The real thread is run in real processes here: idle and short statements live, a
// stuck statement is killed, and a helper whose parent is gone still dies.
import { spawn, type ChildProcess } from 'node:child_process';

import { describe, expect, it } from 'vitest';

import { statementJudge, watchdogSource } from '../../../src/lib/host/offthread/sql/watchdog.js';

describe('statementJudge', () => {
  it('kills only for one statement seen running past the limit on the watchdog’s own clock', () => {
    const stuck = statementJudge(1000);
    // idle (an even count) for any time: never
    expect([0, 2, 2, 4].map((n, i) => stuck(n, i * 10_000))).toEqual([false, false, false, false]);
    // a statement seen at 50 000 and still running 900 ms later: not yet; 1 001 ms: yes
    expect(stuck(5, 50_000)).toBe(false);
    expect(stuck(5, 50_900)).toBe(false);
    expect(stuck(5, 51_001)).toBe(true);
    // another statement (a new odd count) starts its own time, whatever the last one did
    expect(stuck(7, 60_000)).toBe(false);
    expect(stuck(7, 60_500)).toBe(false);
    // many short statements back to back never add up
    const busy = statementJudge(1000);
    expect(Array.from({ length: 50 }, (_, i) => busy(2 * i + 1, i * 250)).some(Boolean)).toBe(false);
  });
});

/**
 * A process that runs the watchdog thread as the helper does (limit 300 ms, a tick of 50 ms),
 * then does `script` with `mark()` (a statement starts or ends) and `block(ms)` (the main thread
 * stuck in native code, as in a statement).
 */
function probe(script: string, env: Record<string, string> = {}): ChildProcess {
  const source = `
    const { Worker } = require('node:worker_threads');
    const state = new Int32Array(new SharedArrayBuffer(4));
    const mark = () => Atomics.add(state, 0, 1);
    const block = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    const parent = Number(process.env.WATCHDOG_PARENT || process.ppid);
    new Worker(process.env.WATCHDOG_SOURCE, { eval: true, workerData: { state: state.buffer, ppid: parent, limitMs: 300, tickMs: 50 } }).unref();
    setTimeout(() => { ${script} }, 300);`;
  return spawn(process.execPath, ['-e', source], { env: { ...process.env, WATCHDOG_SOURCE: watchdogSource(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

function exit(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the watchdog thread', () => {
  it('leaves an idle helper and one running short statements alive, far past the limit', async () => {
    const idle = await exit(probe(`block(1500); console.log('alive');`));
    expect(idle).toMatchObject({ code: 0, signal: null, stdout: 'alive\n' });
    const busy = await exit(
      probe(`for (let i = 0; i < 60; i++) { mark(); block(20); mark(); } console.log('alive');`),
    );
    expect(busy).toMatchObject({ code: 0, signal: null, stdout: 'alive\n' });
  }, 60_000);

  it('kills a helper whose statement runs past the limit', async () => {
    const started = performance.now();
    const stuck = await exit(probe(`mark(); block(20000); console.log('survived');`));
    expect(stuck.signal, stuck.stderr).toBe('SIGKILL');
    expect(stuck.stdout).toBe('');
    expect(performance.now() - started).toBeLessThan(15_000);
  }, 60_000);

  it('kills a helper whose parent is gone', async () => {
    // a middle process starts the helper (its parent), says its pid, and exits
    const middle = spawn(
      process.execPath,
      [
        '-e',
        `const { spawn } = require('node:child_process');
         const helper = spawn(process.execPath, ['-e', process.env.PROBE], { env: { ...process.env, WATCHDOG_PARENT: String(process.pid) }, stdio: 'ignore', detached: true });
         console.log(helper.pid);
         setTimeout(() => process.exit(0), 500);`,
      ],
      {
        env: {
          ...process.env,
          WATCHDOG_SOURCE: watchdogSource(),
          PROBE: `const { Worker } = require('node:worker_threads');
                  const state = new Int32Array(new SharedArrayBuffer(4));
                  new Worker(process.env.WATCHDOG_SOURCE, { eval: true, workerData: { state: state.buffer, ppid: Number(process.env.WATCHDOG_PARENT), limitMs: 300, tickMs: 50 } }).unref();
                  setTimeout(() => {}, 20000);`,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const { stdout, code } = await exit(middle);
    expect(code).toBe(0);
    const pid = Number(stdout.trim());
    expect(pid).toBeGreaterThan(0);
    const deadline = Date.now() + 10_000;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const survived = alive(pid);
    if (survived) process.kill(pid, 'SIGKILL');
    expect(survived).toBe(false);
  }, 60_000);
});
