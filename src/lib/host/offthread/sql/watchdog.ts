// The SQL helper's own watchdog (child.ts): a thread that kills the helper process when its
// host went away or when one statement runs far past the host's deadline (the host should
// have killed it). It used to compare Date.now() with a start time the main thread wrote as
// a float into shared memory: wall-clock time from two threads, so anything that moved the
// wall clock or garbled the float between them made an idle helper look stuck for seconds.
// A soak under load saw the helper killed by its watchdog while the statement in flight was
// about 100 ms old, and that call answered "SQL storage unavailable" (a strike): the old check
// could only pass through the wall clock or the float (which of them, the run could not tell).
// Now the main thread only counts statements in an Int32 (Atomics: odd while one runs) and
// the watchdog times a statement it sees running with its own monotonic clock.

/** The shared state's Int32 slot: statements begun plus statements ended (odd: one runs). */
export const STATEMENT_SLOT = 0;

/** The main thread's side: call before and after each statement. */
export function markStatement(state: Int32Array): void {
  Atomics.add(state, STATEMENT_SLOT, 1);
}

/**
 * The watchdog's judgement, tick by tick: true when the same statement has been seen running
 * for more than `limitMs` of the watchdog's own clock (`now`: performance.now() of its thread).
 * A statement is timed from the first tick that sees it, so the kill comes at most one tick
 * past the limit.
 */
export function statementJudge(limitMs: number): (count: number, now: number) => boolean {
  let seen = -1;
  let since = 0;
  return (count, now) => {
    if (count % 2 === 0) {
      seen = -1;
      return false;
    }
    if (count !== seen) {
      seen = count;
      since = now;
      return false;
    }
    return now - since > limitMs;
  };
}

export interface WatchdogData {
  state: SharedArrayBuffer;
  ppid: number;
  limitMs: number;
  tickMs: number;
}

/**
 * The watchdog thread's body. It runs as eval'd source (the helper starts it without a module
 * loader, from source and compiled alike), so it is self-contained: its judge is passed in.
 */
export function watchdogMain(data: WatchdogData, judge: typeof statementJudge): void {
  const state = new Int32Array(data.state);
  const stuck = judge(data.limitMs);
  setInterval(() => {
    // re-parented: the host is gone
    if (process.ppid !== data.ppid || stuck(Atomics.load(state, 0), performance.now())) process.kill(process.pid, 'SIGKILL');
  }, data.tickMs);
}

/** The source a Worker evals to run {@link watchdogMain} with its workerData. */
export function watchdogSource(): string {
  return `const { workerData } = require('node:worker_threads');
(${watchdogMain.toString()})(workerData, ${statementJudge.toString()});`;
}
