// buggy-filter (plain JavaScript), built with the real compiler and run in the real engine. The
// scenarios cover fail-open and strikes; this covers what they cannot: what the host reports
// about each failure (the error, mapped back to src/plugin.js), and that a disabled plugin is no
// longer called at all.
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {PluginError} from '../../src/lib/errors.js'
import {buildSource, chatMessage, recordingHost} from '../../test/helpers/host.js'

const DIR = fileURLToPath(new URL('.', import.meta.url))

describe('buggy-filter', () => {
  const {host, rec} = recordingHost()
  const say = (body: string, extra: Record<string, unknown> = {}) => host.dispatchChatMessage(chatMessage(body, extra))

  beforeAll(async () => {
    await host.load(await buildSource(DIR, 'js'))
  })
  afterAll(() => host.close())

  it('reports each failure as a plugin error naming the bug, with a stack in src/plugin.js', async () => {
    const report = await say('boom')
    expect(report.dropped).toBeNull()
    expect(report.payload).toMatchObject({body: 'boom'})
    const step = report.filters[0]!
    expect(step.action).toBe('error')
    const error = (step as {error: unknown}).error as PluginError
    expect(error).toBeInstanceOf(PluginError)
    expect(error.message).toContain('unexpected input from Viewer')
    expect(error.pluginStack).toMatch(/src\/plugin\.js:\d+/)

    const noUser = await say('hello', {user: undefined})
    expect(((noUser.filters[0] as {error: Error}).error).message).toMatch(/TypeError|displayName/)
  })

  it('is disabled after five failures in a row, reported once, and not called again', async () => {
    const disabled: string[] = []
    host.onPluginDisabled((slug, reason) => disabled.push(`${slug}: ${reason}`))
    // two failures in a row so far (the test above): three more make five
    for (let i = 0; i < 3; i++) await say('boom')
    expect(host.dispatcher.isDisabled('buggy-filter')).toBe(true)
    expect(disabled).toEqual([expect.stringMatching(/^buggy-filter: 5 consecutive failures; the last, on the filter path: .*unexpected input/)])
    const after = await say('boom')
    expect(after.filters).toEqual([])
    expect(after.payload).toMatchObject({body: 'boom'})
  })
})
