// The watchdog's rule (DESIGN §2.1), shared by the main thread's (over the host thread's call
// board) and the host thread's (over each plugin executor's): a call still running more than
// a second past its budget has its thread ended.

import { PluginError } from '../../errors.js';
import { sharedNow, type RunningCall } from './call-board.js';

/** How far past its budget a call may run before its thread is ended (DESIGN §2.1: "more than a second"). */
export const OVERRUN_GRACE_MS = 1_000;
/** How often a watchdog reads its call boards. */
export const WATCHDOG_INTERVAL_MS = 200;

/** How long `running` has run, when that is past its budget and the grace; else null. */
export function overrunMs(running: RunningCall | null): number | null {
  if (!running) return null;
  const elapsedMs = sharedNow() - running.startedAt;
  return elapsedMs > running.budgetMs + OVERRUN_GRACE_MS ? Math.round(elapsedMs) : null;
}

/** The error an overrunning call fails with; `ended` says what was ended ("the host thread running it was ended and the plugin unloaded"). */
export function overrunError(running: RunningCall, elapsedMs: number, ended: string): PluginError {
  const { slug, exportName, budgetMs } = running;
  return new PluginError(`${slug}: ${exportName}() was still running ${elapsedMs} ms after it started, past its ${budgetMs} ms budget; ${ended}`, {
    slug,
    exportName,
    failure: 'deadline',
    nextSteps: [
      `Keep ${exportName} under its budget: move slow work to owncast.timer or split it up.`,
      'A self-contained plugin.wasm from another toolchain cannot be stopped inside the call; build it with owncast-plugin.',
      'Load the plugin again once it is fixed.',
    ],
  });
}
