import { fileURLToPath } from 'node:url';

import { defineConfig } from 'vitest/config';

// `npm run crash`: the SIGKILL tests of test/crash at full length, one file at a time (the
// kills land by timing, which a second busy worker would only blur). CRASH_KILLS (default 100)
// kills of serve mid KV/SQL/fs writes, CRASH_MANAGER_KILLS (30) mid enable/disable/approval,
// CRASH_FS_KILLS (50) of a bare fs-sandbox writer, CRASH_BUILD_KILLS (30) of a repeated build; CRASH_SEED replays a run's choices. Each
// test appends its figures to .cache/crash/results.jsonl; the global teardown
// (summary-setup.ts) writes .cache/crash-summary.json and prints it.
const root = fileURLToPath(new URL('../..', import.meta.url));

export default defineConfig({
  root,
  test: {
    include: ['test/crash/**/*.test.ts'],
    globalSetup: ['test/crash/summary-setup.ts'],
    testTimeout: 4 * 60 * 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    disableConsoleIntercept: true,
    env: {
      FORCE_COLOR: '0',
      NO_COLOR: '1',
      CRASH_KILLS: process.env.CRASH_KILLS ?? '100',
      CRASH_MANAGER_KILLS: process.env.CRASH_MANAGER_KILLS ?? '30',
      CRASH_FS_KILLS: process.env.CRASH_FS_KILLS ?? '50',
      CRASH_BUILD_KILLS: process.env.CRASH_BUILD_KILLS ?? '30',
      CRASH_RESULTS: `${root}.cache/crash/results.jsonl`,
    },
  },
});
