// The single executable's main script (Node's SEA: CommonJS, and require() sees only built-ins).
// The executable carries the installed package (our files plus production node_modules) as one
// gzip asset; the first run unpacks it into a per-user cache keyed by its checksum, and every
// run then starts bin/run.js from there, as an npm install would. Native parts (esbuild's and
// Wizer's binaries, better-sqlite3's addon) need real files anyway.
// Our host starts helper processes as `process.execPath <script>`: here process.execPath is this
// executable, so a first argument naming a script inside the unpacked tree runs that script.
'use strict'
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const zlib = require('node:zlib')
const {pathToFileURL} = require('node:url')
const sea = require('node:sea')

const key = sea.getAsset('key', 'utf8').trim()

function cacheRoot() {
  if (process.env.OWNCAST_PLUGIN_CACHE_DIR) return process.env.OWNCAST_PLUGIN_CACHE_DIR
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache')
  return path.join(base, 'owncast-plugin')
}

/** Payload layout (scripts/build-binary.mjs): u32 LE header length, header JSON ({path, size, mode, mtime}[]), then the files' bytes in header order. */
function unpack(target) {
  const payload = zlib.gunzipSync(Buffer.from(sea.getRawAsset('payload')))
  const headerLength = payload.readUInt32LE(0)
  const files = JSON.parse(payload.subarray(4, 4 + headerLength).toString('utf8'))
  const staging = `${target}.partial-${process.pid}`
  fs.rmSync(staging, {recursive: true, force: true})
  let offset = 4 + headerLength
  for (const file of files) {
    const dest = path.join(staging, file.path)
    if (!dest.startsWith(staging + path.sep)) throw new Error(`bad path in payload: ${file.path}`)
    fs.mkdirSync(path.dirname(dest), {recursive: true})
    fs.writeFileSync(dest, payload.subarray(offset, offset + file.size), {mode: file.mode})
    // bin/run.js compares the CLI bundle's time with tsc's output: keep the build's times
    fs.utimesSync(dest, file.mtime, file.mtime)
    offset += file.size
  }
  fs.writeFileSync(path.join(staging, '.complete'), key)
  try {
    fs.renameSync(staging, target)
  } catch (error) {
    // another process unpacked the same payload first: use theirs
    fs.rmSync(staging, {recursive: true, force: true})
    if (!fs.existsSync(path.join(target, '.complete'))) throw error
  }
}

function main() {
  const root = path.join(cacheRoot(), `sea-${key}`)
  if (!fs.existsSync(path.join(root, '.complete'))) {
    fs.mkdirSync(path.dirname(root), {recursive: true})
    if (fs.existsSync(root)) fs.rmSync(root, {recursive: true, force: true}) // an interrupted unpack
    process.stderr.write(`owncast-plugin: unpacking into ${root} (first run only)\n`)
    unpack(root)
  }
  const first = process.argv[2]
  const isOwnScript = first && path.isAbsolute(first) && first.startsWith(root + path.sep) && /\.[cm]?js$/.test(first)
  const script = isOwnScript ? first : path.join(root, 'bin', 'run.js')
  process.argv = [process.argv[0], script, ...process.argv.slice(isOwnScript ? 3 : 2)]
  return import(pathToFileURL(script).href)
}

Promise.resolve().then(main).catch((error) => {
  process.stderr.write(`owncast-plugin: ${error && error.stack ? error.stack : error}\n`)
  process.exitCode = 70
})
