import { fileURLToPath } from 'node:url';

import { defineConfig } from 'vitest/config';

// `npm run fuzz`: the properties of test/fuzz at FUZZ_RUNS runs each (default 100 000; the
// properties that do real I/O per case run a stated share, see test/fuzz/support/fuzz.ts),
// every property also stopped by a time ceiling so the run always ends. Each property appends
// its counts to .cache/fuzz/results.jsonl; the global teardown (support/summary.ts) writes
// .cache/fuzz-summary.json and .cache/fuzz-summary.md, the figures SECURITY.md quotes.
const root = fileURLToPath(new URL('../..', import.meta.url));

export default defineConfig({
  root,
  test: {
    include: ['test/fuzz/**/*.test.ts'],
    globalSetup: ['test/fuzz/support/summary.ts'],
    testTimeout: 30 * 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    disableConsoleIntercept: true,
    env: {
      FORCE_COLOR: '0',
      NO_COLOR: '1',
      FUZZ_RUNS: process.env.FUZZ_RUNS ?? '100000',
      FUZZ_SUMMARY: `${root}.cache/fuzz/results.jsonl`,
    },
  },
});
