// The commands as loaders, for the bundle: a start imports only the command it runs, so
// `lint-manifest` does not load what `serve` or `new` import at their top (node:net,
// node:readline, node:child_process, worker_threads, ...) nor their chunks. oclif lists and
// helps from oclif.manifest.json and asks for a command's class only to run it.
// src/commands/index.ts stays the list oclif reads from disk (unbundled runs, `oclif
// manifest`); test/cli/bundle.test.ts checks that both lists hold the same commands.
import type {Command} from '@oclif/core'

type CommandClass = typeof Command

export const COMMAND_LOADERS: Record<string, () => Promise<CommandClass>> = {
  build: async () => (await import('../commands/build.js')).default,
  demo: async () => (await import('../commands/demo.js')).default,
  inspect: async () => (await import('../commands/inspect.js')).default,
  'lint-manifest': async () => (await import('../commands/lint-manifest.js')).default,
  new: async () => (await import('../commands/new.js')).default,
  package: async () => (await import('../commands/package.js')).default,
  serve: async () => (await import('../commands/serve.js')).default,
  simulate: async () => (await import('../commands/simulate.js')).default,
  test: async () => (await import('../commands/test.js')).default,
  watch: async () => (await import('../commands/watch.js')).default,
}
