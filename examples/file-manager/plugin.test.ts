// file-manager, built with the real compiler and run in the real engine behind the real plugin
// HTTP server. The scenarios cover the API; this covers what they cannot: every byte value going
// in as base64 and coming back out of a real response unchanged, stored in the plugin's sandbox,
// and the size limit (a file that large does not belong in a scenario file).
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {devAuthResolver} from '../../src/lib/devserver/http/index.js'
import {directoryFileSource} from '../../src/lib/host/manager/index.js'
import {removeTemps, serve, type Served} from '../../test/devserver/http/helpers.js'
import {buildSource} from '../../test/helpers/host.js'
import {badName, decodeBase64} from './src/files.js'

const DIR = fileURLToPath(new URL('.', import.meta.url))
const ADMIN = {authorization: 'Bearer admin'}

describe('file-manager', () => {
  let s: Served

  beforeAll(async () => {
    const built = await buildSource(DIR, 'js')
    s = await serve([{slug: 'file-manager', source: {...built, publicFiles: directoryFileSource(join(DIR, 'public'))}}], {auth: devAuthResolver()})
  })
  afterAll(async () => {
    await s?.close()
    await removeTemps()
  })

  it('round-trips all 256 byte values through upload, storage and download', async () => {
    const bytes = Buffer.from(Array.from({length: 1024}, (_, i) => (i * 7) % 256))
    const up = await s.request('/plugins/file-manager/admin/api/files', {
      method: 'POST',
      headers: {...ADMIN, 'content-type': 'application/json'},
      body: JSON.stringify({name: 'all-bytes.bin', base64: bytes.toString('base64')}),
    })
    expect(up.status).toBe(201)
    expect(up.json()).toEqual({name: 'all-bytes.bin', size: 1024, replaced: false})
    expect(Buffer.from(s.host.fs.sandbox('file-manager').read('uploads/all-bytes.bin')!)).toEqual(bytes)

    const down = await s.request('/plugins/file-manager/admin/api/files/all-bytes.bin', {headers: ADMIN})
    expect(down.headers['content-type']).toBe('application/octet-stream')
    expect(down.body).toEqual(bytes)
  })

  it('refuses a file over 512 KiB (too large to write into a scenario file)', async () => {
    const res = await s.request('/plugins/file-manager/admin/api/files', {
      method: 'POST',
      headers: {...ADMIN, 'content-type': 'application/json'},
      body: JSON.stringify({name: 'big.bin', base64: Buffer.alloc(512 * 1024 + 1).toString('base64')}),
    })
    expect(res.status).toBe(413)
    expect(res.json()).toEqual({error: 'files are at most 512 KiB'})
    expect(s.host.fs.sandbox('file-manager').read('uploads/big.bin')).toBeNull()
  })

  it('serves its admin page to admins only, and the file names through its script as text', async () => {
    expect((await s.request('/plugins/file-manager/admin/')).status).toBe(401)
    expect((await s.request('/plugins/file-manager/admin/', {headers: ADMIN})).text).toContain('<script src="files.js"></script>')
    const script = (await s.request('/plugins/file-manager/admin/files.js', {headers: ADMIN})).text
    expect(script).toContain('link.textContent = name')
    expect(script).not.toContain('innerHTML')
    expect(s.warnings).toEqual([])
  })

  it('decodes strict base64 and refuses unsafe names (the pure helpers)', () => {
    for (const text of ['', 'QQ==', 'QUI=', 'QUJD', '/+8=']) expect(Buffer.from(decodeBase64(text)!).toString('base64')).toBe(text)
    for (const text of ['Q', 'QQ=', 'QQ==QQ==', 'QU JD', 'QUJD\n', '****']) expect(decodeBase64(text)).toBeNull()
    expect(['a.txt', 'My File 1.PNG', 'x'.repeat(100)].map(badName)).toEqual([null, null, null])
    expect(['', '.', '..', '.env', 'a/b', 'a\\b', ' a', 'a ', 'x'.repeat(101), 'é.txt', 7].every((n) => badName(n) !== null)).toBe(true)
  })
})
