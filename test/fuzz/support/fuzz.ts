// One way to run a property, in both modes: the normal suite runs a few hundred cases per
// property (fast, a fresh random seed each time; a failure prints the seed and the shrunk
// counterexample), and `npm run fuzz` (FUZZ_RUNS, see vitest.fuzz.config.ts) runs the same
// property at least 100 000 times and appends what happened to a JSON-lines file that the
// fuzz run's teardown turns into .cache/fuzz-summary.json.
//
// FUZZ_RUNS=N    runs per property (the properties that are slow by nature take a stated share)
// FUZZ_SEED=S    replays a seed (with FUZZ_PATH=P, one counterexample path)
// FUZZ_SUMMARY   the JSON-lines file to append results to (set by the fuzz config)
import { appendFileSync } from 'node:fs';

import fc from 'fast-check';
import { expect } from 'vitest';

export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 0);
/** True under `npm run fuzz`. */
export const fuzzing = Number.isFinite(FUZZ_RUNS) && FUZZ_RUNS > 0;

/** A per-property ceiling under `npm run fuzz`, so that the run always stops by itself. */
const TIME_LIMIT_MS = Number(process.env.FUZZ_TIME_LIMIT_MS ?? 8 * 60_000);

/** The targets of issue 8 item 1, as they are named in SECURITY.md. */
export type Target = 'manifest' | 'ocpkg' | 'scenario' | 'http-router' | 'fs-sandbox' | 'sql' | 'allowed-hosts';

export interface PropertyMeta {
  target: Target;
  /** What is asserted, in a few words (it goes into the summary). */
  name: string;
  /** Runs in the normal suite. */
  runs: number;
  /** Share of FUZZ_RUNS under `npm run fuzz` (default 1); for properties that do real I/O per case. */
  fuzzShare?: number;
  /** For properties whose cases hold several calls: how many calls the run made (read after it). */
  calls?: () => number;
}

export interface PropertyRecord {
  target: Target;
  property: string;
  file: string;
  runs: number;
  requested: number;
  durationMs: number;
  failed: boolean;
  interrupted: boolean;
  seed: number;
  /** Calls under test, for properties whose cases hold several. */
  calls?: number;
  counterexample?: string;
  error?: string;
}

function runsFor(meta: PropertyMeta): number {
  if (!fuzzing) return meta.runs;
  return Math.max(meta.runs, Math.round(FUZZ_RUNS * (meta.fuzzShare ?? 1)));
}

function short(value: unknown, max = 1500): string {
  let text: string;
  try {
    text = fc.stringify(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}

/**
 * Runs `property` and fails the test with fast-check's report when it does not hold. Under
 * `npm run fuzz` the counts, duration and any counterexample are recorded as well.
 */
export async function checkProperty<Ts>(meta: PropertyMeta, property: fc.IAsyncProperty<Ts> | fc.IProperty<Ts>): Promise<void> {
  const requested = runsFor(meta);
  const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
  const started = performance.now();
  const details = await fc.check(property as fc.IRawProperty<Ts>, {
    numRuns: requested,
    includeErrorInReport: true,
    ...(seed === undefined ? {} : { seed }),
    ...(process.env.FUZZ_PATH ? { path: process.env.FUZZ_PATH } : {}),
    ...(fuzzing ? { interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false } : {}),
  });
  const durationMs = Math.round(performance.now() - started);
  const summary = process.env.FUZZ_SUMMARY;
  if (summary) {
    const record: PropertyRecord = {
      target: meta.target,
      property: meta.name,
      file: expect.getState().testPath?.replace(/^.*\/test\//, 'test/') ?? '',
      runs: details.numRuns,
      requested,
      durationMs,
      failed: details.failed,
      interrupted: details.interrupted,
      seed: details.seed,
      ...(meta.calls ? { calls: meta.calls() } : {}),
      ...(details.failed ? { counterexample: short(details.counterexample), error: short(details.errorInstance, 600) } : {}),
    };
    appendFileSync(summary, `${JSON.stringify(record)}\n`);
  }
  if (details.failed) throw new Error(fc.defaultReportMessage(details) ?? 'property failed');
}

/** A generous per-test timeout: the normal budget, or what a fuzz run needs. */
export const FUZZ_TIMEOUT = fuzzing ? 30 * 60_000 : 60_000;
