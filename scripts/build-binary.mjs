// npm run build:binary → dist/owncast-plugin-linux-x64: Node's single executable application.
// The executable is this machine's node with a SEA blob injected (postject): bin/sea.cjs as the
// main script, and two assets: the installed package as one gzip payload and its checksum.
// What goes in: the files `npm pack` would ship (package.json "files") plus the production
// dependency tree from node_modules, minus what never runs (binaryen's CLI tools, better-sqlite3's
// C sources and object files, type declarations and source maps of dependencies).
import {execFileSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {chmodSync, copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {gzipSync} from 'node:zlib'

const root = fileURLToPath(new URL('..', import.meta.url))
const work = path.join(root, '.cache', 'sea')
const out = path.join(root, 'dist', `owncast-plugin-${process.platform}-${process.arch}`)
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2'
const log = (m) => process.stderr.write(`${m}\n`)

/** Files of a dependency that are never loaded at run time. */
function skipDependencyFile(rel) {
  if (/\.(d\.[cm]?ts|map|md|markdown)$/.test(rel) && !/^node_modules\/typescript\/lib\/lib\..*\.d\.ts$/.test(rel)) return true
  if (rel.startsWith('node_modules/binaryen/bin/')) return true
  if (/^node_modules\/better-sqlite3\/(deps|src|docs)\//.test(rel)) return true
  if (rel.startsWith('node_modules/better-sqlite3/build/') && rel !== 'node_modules/better-sqlite3/build/Release/better_sqlite3.node') return true
  return false
}

function walk(dir, rel, into, skip) {
  for (const entry of readdirSync(dir, {withFileTypes: true})) {
    const abs = path.join(dir, entry.name)
    const r = `${rel}/${entry.name}`
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules' || entry.name === '.bin') continue
      walk(abs, r, into, skip)
    } else if (entry.isFile() && !skip(r)) {
      into.push(r)
    }
  }
}

function packageFiles() {
  const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']}))
  return pack.files.map((f) => f.path)
}

function dependencyFiles() {
  const dirs = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], {cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']})
    .split('\n')
    .filter((d) => d && d !== root.replace(/\/$/, '') && d.includes(`${path.sep}node_modules${path.sep}`))
  const files = []
  for (const dir of new Set(dirs)) walk(dir, path.relative(root, dir), files, skipDependencyFile)
  return files
}

function payload(files) {
  const header = []
  const bodies = []
  for (const rel of files.sort()) {
    const abs = path.join(root, rel)
    const st = statSync(abs)
    const data = readFileSync(abs)
    header.push({path: rel, size: data.length, mode: st.mode & 0o111 ? 0o755 : 0o644, mtime: Math.floor(st.mtimeMs / 1000)})
    bodies.push(data)
  }
  const headerBytes = Buffer.from(JSON.stringify(header))
  const length = Buffer.alloc(4)
  length.writeUInt32LE(headerBytes.length)
  const raw = Buffer.concat([length, headerBytes, ...bodies])
  return {raw, gz: gzipSync(raw, {level: 9})}
}

const started = performance.now()
if (process.platform !== 'linux') throw new Error('build:binary makes the linux executable; run it on linux')
log('building the CLI (tsc, bundle, oclif manifest)')
execFileSync('npm', ['run', '--silent', 'build'], {cwd: root, stdio: ['ignore', 'ignore', 'inherit']})

const files = [...new Set([...packageFiles(), ...dependencyFiles()])]
const {raw, gz} = payload(files)
const key = createHash('sha256').update(gz).digest('hex').slice(0, 16)
log(`payload: ${files.length} files, ${(raw.length / 1048576).toFixed(1)} MiB, ${(gz.length / 1048576).toFixed(1)} MiB gzipped, key ${key}`)

rmSync(work, {recursive: true, force: true})
mkdirSync(work, {recursive: true})
writeFileSync(path.join(work, 'payload.gz'), gz)
writeFileSync(path.join(work, 'key'), key)
writeFileSync(
  path.join(work, 'sea-config.json'),
  JSON.stringify({
    main: path.join(root, 'bin', 'sea.cjs'),
    output: path.join(work, 'sea.blob'),
    disableExperimentalSEAWarning: true,
    // a code cache breaks import() from the main script on Node 20
    useCodeCache: false,
    assets: {payload: path.join(work, 'payload.gz'), key: path.join(work, 'key')},
  }),
)
execFileSync(process.execPath, ['--experimental-sea-config', path.join(work, 'sea-config.json')], {stdio: ['ignore', 'ignore', 'inherit']})

mkdirSync(path.dirname(out), {recursive: true})
rmSync(out, {force: true})
copyFileSync(process.execPath, out)
chmodSync(out, 0o755)
const postject = path.join(root, 'node_modules', 'postject', 'dist', 'cli.js')
execFileSync(process.execPath, [postject, out, 'NODE_SEA_BLOB', path.join(work, 'sea.blob'), '--sentinel-fuse', FUSE], {stdio: ['ignore', 'ignore', 'pipe']})
log(`wrote ${path.relative(root, out)} (${(statSync(out).size / 1048576).toFixed(1)} MiB) in ${((performance.now() - started) / 1000).toFixed(1)} s`)
