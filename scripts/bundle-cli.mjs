// Bundles the CLI's main-thread code (src/cli/main.ts and everything it imports, lazily loaded
// parts as split chunks) into lib/cli/bundle/ with esbuild. bin/run.js prefers it: a start then
// reads a handful of files instead of the ~400 modules of oclif and our own lib/. Worker threads
// and helper processes keep running from tsc's lib/ output (they are separate isolates anyway).
// Packages with native binaries, wasm or their own workers stay external and load from node_modules.
import {build} from 'esbuild'
import {rm} from 'node:fs/promises'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const outdir = `${root}lib/cli/bundle`

const EXTERNAL = [
  '@extism/extism',
  '@bytecodealliance/wizer',
  'better-sqlite3',
  'binaryen',
  'esbuild',
  'typescript',
  'sanitize-html',
  'undici',
  'playwright-core',
  'tsx',
  'tsx/*',
]

// ink imports react-devtools-core only when DEV=true; it is not installed, and never wanted here.
const noDevtools = {
  name: 'no-devtools',
  setup(b) {
    b.onResolve({filter: /^react-devtools-core$/}, () => ({path: 'react-devtools-core', namespace: 'stub'}))
    b.onLoad({filter: /.*/, namespace: 'stub'}, () => ({contents: 'export default {connectToDevTools() {}}', loader: 'js'}))
  },
}

await rm(outdir, {recursive: true, force: true})
const result = await build({
  absWorkingDir: root,
  entryPoints: {main: 'src/cli/main.ts'},
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outExtension: {'.js': '.mjs'},
  chunkNames: 'chunks/[name]-[hash]',
  external: EXTERNAL,
  plugins: [noDevtools],
  // CommonJS dependencies call require() for Node built-ins; ESM output has none of its own.
  banner: {js: "import {createRequire as __ocpCreateRequire} from 'node:module'; const require = __ocpCreateRequire(import.meta.url);"},
  jsx: 'automatic',
  sourcemap: 'linked',
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
})
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0)
process.stderr.write(`bundled the CLI into lib/cli/bundle (${Object.keys(result.metafile.outputs).length} files, ${(bytes / 1024).toFixed(0)} KiB)\n`)
