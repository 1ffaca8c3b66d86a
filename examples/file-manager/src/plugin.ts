import {definePlugin, owncast, type IncomingHttpRequest, type OutgoingHttpResponse} from '@owncast/plugin-sdk'
import {DIR, MAX_BYTES, badName, contentType, decodeBase64, decodedSize} from './files'

const json = (status: number, value: unknown): OutgoingHttpResponse => ({
  status,
  headers: {'Content-Type': 'application/json', 'Cache-Control': 'no-store'},
  body: JSON.stringify(value),
})
const error = (status: number, message: string) => json(status, {error: message})

const API = '/admin/api/files'

function list(): OutgoingHttpResponse {
  // a missing directory lists as []: nothing has been uploaded yet
  const names = owncast.fs.list(DIR).filter((name) => badName(name) === null)
  return json(200, {files: names.sort()})
}

function upload(body: string): OutgoingHttpResponse {
  let req: {name?: unknown; base64?: unknown}
  try {
    req = JSON.parse(body)
  } catch {
    return error(400, 'send JSON: {"name": "...", "base64": "..."}')
  }
  const problem = badName(req?.name)
  if (problem) return error(400, problem)
  const name = req.name as string
  if (typeof req.base64 !== 'string') return error(400, '"base64" must be the file content in base64')
  // refuse an oversized file before decoding it: no work for what will not be stored
  if (decodedSize(req.base64) > MAX_BYTES) return error(413, `files are at most ${MAX_BYTES / 1024} KiB`)
  const bytes = decodeBase64(req.base64)
  if (!bytes) return error(400, '"base64" must be the file content in base64')
  const path = `${DIR}/${name}`
  const replaced = owncast.fs.exists(path)
  const written = owncast.fs.write(path, bytes)
  if (!written.ok) return error(500, `could not store the file: ${written.error ?? 'unknown error'}`)
  owncast.log.info(`${replaced ? 'replaced' : 'stored'} ${name} (${bytes.length} bytes)`)
  return json(replaced ? 200 : 201, {name, size: bytes.length, replaced})
}

function one(method: string, name: string): OutgoingHttpResponse {
  const problem = badName(name)
  if (problem) return error(400, problem)
  const path = `${DIR}/${name}`
  if (method === 'GET') {
    const bytes = owncast.fs.read(path)
    if (!bytes) return error(404, `no file "${name}"`)
    // a Uint8Array body goes out as binary, byte for byte
    return {status: 200, headers: {'Content-Type': contentType(name), 'Cache-Control': 'no-store'}, body: bytes}
  }
  if (method === 'DELETE') {
    if (!owncast.fs.exists(path)) return error(404, `no file "${name}"`)
    const removed = owncast.fs.delete(path)
    if (!removed.ok) return error(500, `could not delete the file: ${removed.error ?? 'unknown error'}`)
    owncast.log.info(`deleted ${name}`)
    return {status: 204}
  }
  return error(405, 'use GET or DELETE')
}

/** Everything is under /admin, an admin page in the manifest: only admins get this far. */
function route(req: IncomingHttpRequest): OutgoingHttpResponse {
  if (req.path === API) {
    if (req.method === 'GET') return list()
    if (req.method === 'POST') return upload(req.body)
    return error(405, 'use GET or POST')
  }
  if (req.path.startsWith(`${API}/`)) return one(req.method, req.path.slice(API.length + 1))
  return error(404, 'not found')
}

definePlugin({onHttpRequest: route})
