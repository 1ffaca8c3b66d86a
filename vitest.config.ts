import {fileURLToPath} from 'node:url'
import {defineConfig} from 'vitest/config'

// The JS test API as plugin projects import it, from the sources (test/testing/api-packages.test.ts
// checks the package "exports" that a project resolves, on the compiled lib/).
const TESTING_API = fileURLToPath(new URL('./src/testing.ts', import.meta.url))

// Two cores on every machine (developers and CI): two forked workers, one file each.
// Tests that bundle with esbuild or instantiate wasm are slow on a cold machine, hence the generous timeouts.
export default defineConfig({
  resolve: {
    alias: {'owncast-plugin/testing': TESTING_API, '@owncast/plugin-sdk/testing': TESTING_API},
  },
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
    // No type-check server from the CLI processes tests start (it would outlive them); its own tests turn it on with their own cache.
    env: {FORCE_COLOR: '0', NO_COLOR: '1', OWNCAST_PLUGIN_NO_DAEMON: '1'},
  },
})
