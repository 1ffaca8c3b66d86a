// Bundles the CLI's main-thread code (src/cli/main.ts and everything it imports, lazily loaded
// parts as split chunks) into lib/cli/bundle/ with esbuild. bin/run.js prefers it: a start then
// reads a handful of files instead of the ~400 modules of oclif and our own lib/. Worker threads
// and helper processes keep running from tsc's lib/ output (they are separate isolates anyway).
// Packages with native binaries, wasm or their own workers stay external and load from node_modules.
import {build} from 'esbuild'
import {readFile, rm} from 'node:fs/promises'
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

// oclif's modules require their dependencies at the top, so every start evaluated ejs (help
// templates), minimatch and tinyglobby (plugin discovery we do not use), wrap-ansi, spinners and
// more, ~15 ms on this machine before any command ran. In the bundle those requires become lazy:
// a proxy that requires the module on first property access, which is all oclif does with them
// (`x_1.default.render(...)`, `minimatch_1.minimatch(...)`). And oclif's check of its own
// `engines` (semver, oclif's package.json) is skipped: npm checks ours, which is stricter.
// Its plugin loader also sorts the command ids with localeCompare, whose first call loads ICU's
// collation data (10-70 ms here); the ids are lowercase ASCII, where code-point order is the same.
// oclif is pinned exactly; a change in these lines fails the bundle here, not at run time.
const LAZY_DEPS = ['ejs', 'minimatch', 'tinyglobby', 'wrap-ansi', 'debug', 'lilconfig', 'cli-spinners', 'supports-color', 'string-width', 'widest-line']
const LAZY_REQUIRE = new RegExp(`^const (\\w+) = (__importDefault\\()?require\\("(${LAZY_DEPS.join('|')})"\\)\\)?;$`, 'gm')
const EXPECTED_LAZY = 13
const LAZY_HELPER =
  'const __ocpLazy = (load) => { let m; const get = () => (m ??= load()); ' +
  'return new Proxy({}, {get: (_, k) => get()[k], has: (_, k) => k in get()}) };\n'
let lazyMade = 0
let nodeCheckSkipped = false
let collationSkipped = false
const LOCALE_SORT = '.sort((a, b) => a.id.localeCompare(b.id));'
const lazyOclifDeps = {
  name: 'lazy-oclif-deps',
  setup(b) {
    b.onLoad({filter: /[\\/]@oclif[\\/]core[\\/]lib[\\/].*\.js$/}, async (args) => {
      let text = await readFile(args.path, 'utf8')
      let made = 0
      text = text.replace(LAZY_REQUIRE, (_, name, wrap, mod) => {
        made++
        return `const ${name} = __ocpLazy(() => ${wrap ? `__importDefault(require("${mod}"))` : `require("${mod}")`});`
      })
      if (made) text = LAZY_HELPER + text
      lazyMade += made
      if (/[\\/]lib[\\/]index\.js$/.test(args.path) && text.includes('\ncheckNodeVersion();\n')) {
        text = text.replace('\ncheckNodeVersion();\n', '\n')
        nodeCheckSkipped = true
      }
      if (/[\\/]lib[\\/]config[\\/]plugin\.js$/.test(args.path) && text.includes(LOCALE_SORT)) {
        text = text.replace(LOCALE_SORT, '.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));')
        collationSkipped = true
      }
      return {contents: text, loader: 'js'}
    })
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
  plugins: [noDevtools, lazyOclifDeps],
  // CommonJS dependencies call require() for Node built-ins; ESM output has none of its own.
  banner: {js: "import {createRequire as __ocpCreateRequire} from 'node:module'; const require = __ocpCreateRequire(import.meta.url);"},
  jsx: 'automatic',
  sourcemap: 'linked',
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
})
if (lazyMade !== EXPECTED_LAZY || !nodeCheckSkipped || !collationSkipped) {
  throw new Error(
    `bundle-cli: oclif's code changed (${lazyMade} of ${EXPECTED_LAZY} requires made lazy, node check skipped: ${nodeCheckSkipped}, ` +
      `collation skipped: ${collationSkipped}); update the lazy-oclif-deps plugin in scripts/bundle-cli.mjs`,
  )
}
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0)
process.stderr.write(`bundled the CLI into lib/cli/bundle (${Object.keys(result.metafile.outputs).length} files, ${(bytes / 1024).toFixed(0)} KiB)\n`)
