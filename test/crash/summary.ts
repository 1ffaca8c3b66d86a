// The figures of the crash tests. Each test appends its part to $CRASH_RESULTS (set by
// `npm run crash`, see vitest.crash.config.ts); the global teardown (summary-setup.ts) turns
// them into .cache/crash-summary.json and prints them, for SECURITY.md and BENCHMARKS.md.
import { appendFileSync } from 'node:fs';

export interface StorageFigures {
  kills: number;
  killTriggers: { acks: number; timer: number };
  attemptedWrites: number;
  acknowledgedWrites: { kv: number; sql: number; fs: number; total: number };
  /** Requests unanswered when the kill was sent (summed over kills). */
  inFlightAtKill: number;
  /** Unacknowledged writes found committed (the kill fell between commit and answer). */
  unacknowledgedFoundCommitted: number;
  /** Presence checks of acknowledged writes: on disk after each kill, and through the plugin after each restart. */
  checks: { onDisk: number; afterRestart: number };
  losses: number;
  databasesChecked: number;
  integrityFailures: number;
  tornFiles: number;
  /** Multi-statement execs found half applied. */
  tornTransactions: number;
  refusedRequests: number;
  restartMs: { median: number; max: number };
  /** From serve's death to the end of the last process it started (the SQL helper). */
  helpersGoneMs: { median: number; max: number };
  durationMs: number;
}

export interface ManagerFigures {
  kills: number;
  attemptedChanges: number;
  acknowledgedChanges: number;
  checks: { onDisk: number; afterRestart: number };
  losses: number;
  databasesChecked: number;
  integrityFailures: number;
  refusedRequests: number;
  durationMs: number;
}

export interface FsFigures {
  kills: number;
  bytesPerWrite: number;
  acknowledgedWrites: number;
  /** Kills after which the file held the generation being written (its rename landed). */
  inFlightFoundWhole: number;
  tornFiles: number;
  olderThanAcknowledged: number;
  durationMs: number;
}

export type CrashRecord =
  | { part: 'storage'; seed: number; figures: StorageFigures }
  | { part: 'manager'; seed: number; figures: ManagerFigures }
  | { part: 'fs'; seed: number; figures: FsFigures };

export function emptyStorage(): StorageFigures {
  return {
    kills: 0,
    killTriggers: { acks: 0, timer: 0 },
    attemptedWrites: 0,
    acknowledgedWrites: { kv: 0, sql: 0, fs: 0, total: 0 },
    inFlightAtKill: 0,
    unacknowledgedFoundCommitted: 0,
    checks: { onDisk: 0, afterRestart: 0 },
    losses: 0,
    databasesChecked: 0,
    integrityFailures: 0,
    tornFiles: 0,
    tornTransactions: 0,
    refusedRequests: 0,
    restartMs: { median: 0, max: 0 },
    helpersGoneMs: { median: 0, max: 0 },
    durationMs: 0,
  };
}

export function emptyManager(): ManagerFigures {
  return {
    kills: 0,
    attemptedChanges: 0,
    acknowledgedChanges: 0,
    checks: { onDisk: 0, afterRestart: 0 },
    losses: 0,
    databasesChecked: 0,
    integrityFailures: 0,
    refusedRequests: 0,
    durationMs: 0,
  };
}

/** Appends a test's figures to $CRASH_RESULTS; nothing when it is unset (the normal suite). */
export function recordFigures(record: CrashRecord): void {
  const file = process.env.CRASH_RESULTS;
  if (file) appendFileSync(file, `${JSON.stringify(record)}\n`);
}

export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The summary as text, one block per part that ran. */
export function renderSummary(s: { startedAt: string; wallMs: number; node: string; cpus: string; records: CrashRecord[] }): string {
  const lines = [`npm run crash on ${s.startedAt.slice(0, 10)}: Node ${s.node}, ${s.cpus}, wall ${seconds(s.wallMs)}`];
  for (const r of s.records) {
    if (r.part === 'storage') {
      const f = r.figures;
      lines.push(
        `serve SIGKILLed mid KV/SQL/fs writes: ${f.kills} kills in ${seconds(f.durationMs)} (seed ${r.seed}; ${f.killTriggers.acks} after N acknowledgments, ${f.killTriggers.timer} after a delay)`,
        `  writes sent ${f.attemptedWrites}, acknowledged ${f.acknowledgedWrites.total} (kv ${f.acknowledgedWrites.kv}, sql ${f.acknowledgedWrites.sql}, fs ${f.acknowledgedWrites.fs}); in flight at the kills ${f.inFlightAtKill}, of which found committed ${f.unacknowledgedFoundCommitted}`,
        `  presence checks of acknowledged writes: ${f.checks.onDisk} on disk after a kill + ${f.checks.afterRestart} through the plugin after a restart`,
        `  losses ${f.losses}; databases integrity-checked ${f.databasesChecked}, failures ${f.integrityFailures}; torn files ${f.tornFiles}; torn transactions ${f.tornTransactions}; refused requests ${f.refusedRequests}`,
        `  restart to ready: median ${f.restartMs.median} ms, max ${f.restartMs.max} ms; helpers gone after the kill: median ${f.helpersGoneMs.median} ms, max ${f.helpersGoneMs.max} ms`,
      );
    } else if (r.part === 'manager') {
      const f = r.figures;
      lines.push(
        `serve SIGKILLed mid enable/disable/approval (plugins directory): ${f.kills} kills in ${seconds(f.durationMs)} (seed ${r.seed})`,
        `  changes sent ${f.attemptedChanges}, acknowledged ${f.acknowledgedChanges}; checks ${f.checks.onDisk} on disk + ${f.checks.afterRestart} after a restart`,
        `  losses ${f.losses}; databases integrity-checked ${f.databasesChecked}, failures ${f.integrityFailures}; refused requests ${f.refusedRequests}`,
      );
    } else {
      const f = r.figures;
      lines.push(
        `fs sandbox writer SIGKILLed mid-write (${f.bytesPerWrite} bytes a write): ${f.kills} kills in ${seconds(f.durationMs)} (seed ${r.seed})`,
        `  acknowledged writes ${f.acknowledgedWrites}; torn files ${f.tornFiles}; older than acknowledged ${f.olderThanAcknowledged}; write in flight found whole ${f.inFlightFoundWhole}`,
      );
    }
  }
  return lines.join('\n');
}
