import {defineConfig} from 'vitest/config'

// Two cores on every machine (developers and CI): two forked workers, one file each.
// Tests that bundle with esbuild or instantiate wasm are slow on a cold machine, hence the generous timeouts.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    // @oclif/core writes through process.stdout; vitest must not swallow it.
    disableConsoleIntercept: true,
    clearMocks: true,
    restoreMocks: true,
    env: {FORCE_COLOR: '0', NO_COLOR: '1'},
  },
})
