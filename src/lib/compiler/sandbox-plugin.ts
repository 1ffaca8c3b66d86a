import {builtinModules} from 'node:module'
import type {Plugin} from 'esbuild'

/** The one module a plugin may leave as `require(...)`: the engine provides it. */
export const SDK_MODULE = '@owncast/plugin-sdk'

const BUILTINS = new Set(builtinModules.filter((m) => !m.startsWith('_')))

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}

/** `node:anything`, or a built-in name (`fs`, `fs/promises`, `path`, ...). */
const BUILTIN_FILTER = new RegExp(`^(node:.*|(${[...BUILTINS].map(escapeRegExp).join('|')})(/.*)?)$`)

const SKIP = Symbol.for('owncast-plugin.sandbox.skip')

/**
 * An esbuild plugin that enforces what the plugin engine can run:
 * - Node.js built-ins (`fs`, `node:path`, ...) are an error at the import, unless a package of
 *   that name is installed (`events`, `buffer` and `punycode` have browser-ready npm twins);
 * - `import()` in the plugin's own files is an error (plugin.js is a classic script).
 */
export function sandboxPlugin(): Plugin {
  return {
    name: 'owncast-plugin-sandbox',
    setup(build) {
      build.onResolve({filter: BUILTIN_FILTER}, async (args) => {
        if ((args.pluginData as {[SKIP]?: boolean} | undefined)?.[SKIP]) return undefined
        if (!args.path.startsWith('node:')) {
          const installed = await build.resolve(args.path, {
            kind: args.kind,
            resolveDir: args.resolveDir,
            importer: args.importer,
            pluginData: {[SKIP]: true},
          })
          if (installed.errors.length === 0 && !installed.external) return {path: installed.path, namespace: installed.namespace, sideEffects: installed.sideEffects}
        }
        const name = args.path.replace(/^node:/, '')
        return {
          errors: [
            {
              text: `Node.js built-in module "${args.path}" is not available in Owncast plugins`,
              notes: [
                {
                  text: `Plugins run in a sandboxed JavaScript engine, not in Node.js, so "${name}" does not exist there. Use the owncast.* APIs from ${SDK_MODULE} instead (storage, HTTP, timers, ...).`,
                },
              ],
            },
          ],
        }
      })
      build.onResolve({filter: /.*/}, (args) => {
        if (args.kind !== 'dynamic-import' || /[\\/]node_modules[\\/]/.test(args.importer)) return undefined
        return {
          errors: [
            {
              text: `Dynamic import() is not supported in Owncast plugins: import("${args.path}")`,
              notes: [{text: 'plugin.js runs as a classic script; use a static import at the top of the file instead.'}],
            },
          ],
        }
      })
    },
  }
}
