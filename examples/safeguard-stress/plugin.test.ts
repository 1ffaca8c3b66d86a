// safeguard-stress, built with the real compiler and run in the real engine. The scenarios cover
// each misbehaviour's outcome; this covers the host around them: a failure leaves the plugin's
// instance answering, flooding stays in order, and an over-size HTTP answer is refused by the
// real server. (The 5 s HTTP spin is left to the host's own hostile suite: too slow for here.)
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {removeTemps, serve, type Served} from '../../test/devserver/http/helpers.js'
import {buildSource, chatMessage} from '../../test/helpers/host.js'
import {trigger} from './src/trigger.js'

const DIR = fileURLToPath(new URL('.', import.meta.url))

describe('safeguard-stress', () => {
  let s: Served
  const say = (body: string) => s.host.dispatchChatMessage(chatMessage(body))

  beforeAll(async () => {
    s = await serve([{slug: 'safeguard-stress', source: {...(await buildSource(DIR, 'js')), configOverrides: {floodCount: 2000}}}])
  })
  afterAll(async () => {
    await s?.close()
    await removeTemps()
  })

  it('stops a spinning filter within its budget and answers the next message from the same plugin', async () => {
    const t0 = performance.now()
    const spun = await say('stress filter spin')
    expect(performance.now() - t0).toBeLessThan(1000)
    expect(spun.filters[0]).toMatchObject({action: 'error'})
    expect(spun.payload).toMatchObject({body: 'stress filter spin'})
    expect((await say('hello')).filters[0]).toMatchObject({action: 'pass'})
    expect(s.host.dispatcher.strikes('safeguard-stress')).toBe(0)
  })

  it('sends a flood of 2000 chat messages in order, in one call', async () => {
    s.chat.length = 0
    await say('stress notify flood')
    expect(s.chat).toHaveLength(2000)
    expect(s.chat[0]!.text).toBe('stress flood 1/2000')
    expect(s.chat[1999]!.text).toBe('stress flood 2000/2000')
  })

  it('has a 13 MiB HTTP answer refused by the server, and a throwing handler answered 500', async () => {
    expect((await s.request('/plugins/safeguard-stress/huge')).status).toBe(500)
    expect((await s.request('/plugins/safeguard-stress/throw')).status).toBe(500)
    const ok = await s.request('/plugins/safeguard-stress/')
    expect([ok.status, ok.text]).toEqual([200, 'ok'])
  })

  it('only misbehaves on an exact trigger', () => {
    expect(trigger('stress filter spin')).toEqual({where: 'filter', what: 'spin'})
    for (const body of ['stress filter spin ', ' stress filter spin', 'Stress filter spin', 'stress filters spin', 'stress filter', 'hello']) expect(trigger(body)).toBeNull()
  })
})
