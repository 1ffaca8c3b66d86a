// CommonJS packages are loaded with require(), not import(): Node's ESM loader runs its
// CommonJS export scanner (cjs-module-lexer) over the whole file before the module runs, which
// for typescript.js (9 MB) took ~600 ms of a ~1 s load here, and for esbuild's main.js 30-70 ms
// of every build. require() skips the scan. Resolution is the same (this package's node_modules,
// from tsc's lib/ and from the CLI bundle alike).
import {createRequire} from 'node:module'

const requireHere = createRequire(import.meta.url)

export const loadEsbuild = (): typeof import('esbuild') => requireHere('esbuild') as typeof import('esbuild')

export const loadTypescriptModule = (): typeof import('typescript') => requireHere('typescript') as typeof import('typescript')
