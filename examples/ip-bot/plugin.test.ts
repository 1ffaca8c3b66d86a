// ip-bot, built with the real compiler and run in the real engine, its outbound HTTP answered by
// a stand-in for the host's HTTP service (no network). The scenarios cover the answers; this
// covers the request itself as the host receives it: the manifest's allowedHosts, the headers,
// and the deadline of the command's 500 ms budget.
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {HttpService} from '../../src/lib/host/offthread/http/index.js'
import {buildSource, chatMessage, recordingHost} from '../../test/helpers/host.js'
import {parseAddress} from './src/lookup.js'

const DIR = fileURLToPath(new URL('.', import.meta.url))

type Request = Parameters<HttpService['request']>[0]

describe('ip-bot', () => {
  const requests: (Request & {msLeft: number})[] = []
  const http: HttpService = {
    request(req) {
      requests.push({...req, msLeft: req.deadlineAt - performance.now()})
      return {status: 200, headers: {'content-type': 'application/json'}, body: new TextEncoder().encode('{"ip":"198.51.100.4"}')}
    },
    warm: () => true,
    close: () => undefined,
  }
  const {host, rec} = recordingHost({http})

  beforeAll(async () => {
    await host.load(await buildSource(DIR, 'js'))
  })
  afterAll(() => host.close())

  it('declares !ip (alias !myip) with a 30 s cooldown, so !help lists it', () => {
    expect(host.plugin('ip-bot')!.registration.commands).toEqual([
      expect.objectContaining({name: 'ip', prefix: '!', aliases: ['myip'], cooldownMs: 30_000, modOnly: false, description: "Shows this server's public IP address"}),
    ])
  })

  it('asks the service for JSON, within the allowed hosts and the command budget', async () => {
    await host.dispatchChatMessage(chatMessage('!ip'))
    expect(requests).toHaveLength(1)
    const [req] = requests
    expect(req).toMatchObject({slug: 'ip-bot', url: 'https://api.ipify.org?format=json', method: 'GET', allowedHosts: ['api.ipify.org']})
    expect(req!.headers).toEqual({Accept: 'application/json'})
    expect(req!.msLeft).toBeGreaterThan(0)
    expect(req!.msLeft).toBeLessThanOrEqual(500)
    expect(rec.chat).toEqual([{slug: 'ip-bot', kind: 'chat', text: "This server's public IP address is 198.51.100.4."}])
    expect(rec.warnings).toEqual([])
  })

  it('reads only an address out of the answer', () => {
    expect(parseAddress('{"ip":"10.0.0.1"}')).toBe('10.0.0.1')
    expect(parseAddress('{"ip":"::1"}')).toBe('::1')
    for (const body of ['', 'null', '[]', '{"ip":7}', '{"ip":"10.0.0.1 and more"}', '{"address":"10.0.0.1"}']) expect(parseAddress(body)).toBeNull()
  })
})
