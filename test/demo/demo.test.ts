// The demo: the real compiler builds the examples, the real engine runs them through the host,
// and the chat pipeline applies production's order (filters, then notifications).
import {mkdir, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'
import {
  DEMO_CHAT,
  renderDemoTranscript,
  runChatPipeline,
  runDemo,
  type ChatSend,
  type DemoTranscript,
  type PipelinePlugin,
} from '../../src/lib/demo/index.js'
import {PluginError} from '../../src/lib/errors.js'
import type {FilterResult} from '../../src/lib/host/host.js'
import {ROOT, runCli, test, testContext} from '../cli/helpers.js'
import {buildSource, chatMessage, recordingHost} from '../helpers/host.js'

const EVENT = 'chat.message.received'

/** What each message came to: the filter actions, the chat line (or the drop), the replies. */
function outline(t: DemoTranscript) {
  return t.messages.map((m) => ({
    said: `${m.user.displayName}: ${m.body}`,
    filters: m.result.filters.map((f) => `${f.slug}:${f.action}`),
    shown: m.result.dropped ? null : (m.result.payload as {body: string}).body,
    notified: m.result.notified.map((n) => n.slug),
    replies: m.result.chat.map((c) => c.text),
  }))
}

describe('runDemo on the examples (js)', () => {
  let transcript: DemoTranscript
  let ctx: ReturnType<typeof testContext>

  beforeAll(async () => {
    ctx = testContext(ROOT)
    transcript = await runDemo(ctx)
  })

  it('loads both examples into one host with their subscriptions', () => {
    expect(transcript.target).toBe('js')
    expect(transcript.plugins).toEqual([
      {slug: 'echo-bot', name: 'Echo Bot', version: '0.1.0', label: 'Echo Bot', filters: [], notify: [EVENT]},
      {slug: 'profanity-filter', name: 'Profanity Filter', version: '0.1.0', label: 'profanity-filter', filters: [{event: EVENT, priority: 100}], notify: []},
    ])
  })

  it('replays the whole script: every filter decision, chat line and reply', () => {
    const pass = ['profanity-filter:pass']
    const modify = ['profanity-filter:modify']
    const echo = ['echo-bot']
    expect(outline(transcript)).toEqual([
      {said: 'alice: hello everyone!', filters: pass, shown: 'hello everyone!', notified: echo, replies: []},
      {said: 'bob: !echo hi chat', filters: pass, shown: '!echo hi chat', notified: echo, replies: ['bob said: hi chat']},
      {said: 'carol: what the heck is going on', filters: modify, shown: 'what the **** is going on', notified: echo, replies: []},
      {said: 'alice: !echo this darn stream rocks', filters: modify, shown: '!echo this **** stream rocks', notified: echo, replies: ['alice said: this **** stream rocks']},
      {said: 'dave: Darn, Blast it, the stream froze', filters: modify, shown: '****, ***** it, the stream froze', notified: echo, replies: []},
      {said: 'bob: that heckler got darned quiet', filters: pass, shown: 'that heckler got darned quiet', notified: echo, replies: []},
      {said: 'carol: !echo', filters: pass, shown: '!echo', notified: echo, replies: ['carol, say "!echo something" and I will repeat it.']},
      {said: 'helper-bot: !echo beep boop', filters: pass, shown: '!echo beep boop', notified: echo, replies: []},
      {said: 'dave: !echo what the HECK', filters: ['profanity-filter:drop'], shown: null, notified: [], replies: []},
      {said: "alice: it's back, nice", filters: pass, shown: "it's back, nice", notified: echo, replies: []},
      {said: 'bob: !echo frick, that was close', filters: modify, shown: '!echo *****, that was close', notified: echo, replies: ['bob said: *****, that was close']},
      {said: 'carol: bye all, great stream', filters: pass, shown: 'bye all, great stream', notified: echo, replies: []},
    ])
    expect(transcript.messages).toHaveLength(DEMO_CHAT.length)
  })

  it('drops the shouted message before any notification: nobody sees it, the echo bot does not answer', () => {
    const shouted = transcript.messages.find((m) => m.body === '!echo what the HECK')!
    expect(shouted.result).toMatchObject({dropped: {slug: 'profanity-filter', reason: 'shouting a banned word'}, notified: [], chat: []})
    expect(shouted.result).not.toHaveProperty('payload')
    expect(shouted.result.filters).toEqual([
      {slug: 'profanity-filter', priority: 100, action: 'drop', reason: 'shouting a banned word', durationMs: 0},
    ])
  })

  it('hands the masked message, not the original, to the echo bot', () => {
    const m = transcript.messages[3]!
    expect(m.result.input).toMatchObject({id: 'demo-4', user: {id: 'u-alice', displayName: 'alice'}, body: '!echo this darn stream rocks'})
    expect(m.result.payload).toEqual({...(m.result.input as object), body: '!echo this **** stream rocks'})
    expect(m.result.notified).toEqual([{slug: 'echo-bot', ok: true, durationMs: 0}])
    expect(m.result.chat).toEqual([{slug: 'echo-bot', text: 'alice said: this **** stream rocks', kind: 'chat'}])
  })

  it('sends production-shaped chat payloads with timestamps along the stream', () => {
    const [first, second] = transcript.messages
    expect(first!.result.input).toEqual({id: 'demo-1', user: {id: 'u-alice', displayName: 'alice'}, body: 'hello everyone!', timestamp: new Date(0).toISOString()})
    expect((second!.result.input as {timestamp: string}).timestamp).toBe(new Date(2000).toISOString())
  })

  it('summarizes', () => {
    expect(transcript.summary).toEqual({
      messages: 12,
      passed: 7,
      modified: 4,
      dropped: 1,
      botReplies: 4,
      pluginErrors: 0,
      totalMs: 0,
      perMessageMs: 0,
      buildMs: 0,
      loadMs: 0,
    })
    expect(transcript.warnings).toEqual([])
  })

  it('reports progress on stderr only', () => {
    expect(ctx.out()).toBe('')
    expect(ctx.err()).toContain('Built 2 plugins in 0 ms\n')
    expect(ctx.err()).toContain('Loaded echo-bot, profanity-filter into one host in 0 ms\n')
    expect(ctx.err()).toContain('Replayed 12 chat messages in 0 ms\n')
  })

  it('renders a readable transcript', () => {
    const text = renderDemoTranscript(transcript)
    expect(text).toMatch(/^Owncast plugin demo: 12 chat messages through 2 plugins \(target js\)\n/)
    expect(text).toContain('  profanity-filter  Profanity Filter 0.1.0: filters chat.message.received (priority 100)\n')
    expect(text).toContain(
      [
        '[0:06] alice: !echo this darn stream rocks',
        '    filter  profanity-filter: modify → "!echo this **** stream rocks"',
        '    chat    alice: !echo this **** stream rocks',
        '    notify  echo-bot',
        '    reply   Echo Bot: alice said: this **** stream rocks',
        '',
      ].join('\n'),
    )
    expect(text).toContain(
      [
        '[0:18] dave: !echo what the HECK',
        '    filter  profanity-filter: drop (shouting a banned word)',
        '    chat    (dropped by profanity-filter: not shown, no plugin notified)',
        '',
      ].join('\n'),
    )
    expect(text).toContain('[0:15] helper-bot (bot): !echo beep boop\n')
    expect(text).toMatch(/Summary\n  messages in +12\n  passed unchanged +7\n  modified +4\n  dropped +1\n  bot replies +4\n  plugin errors +0\n  time +0 ms total, 0\.00 ms per message\n$/)
  })
})

describe('runDemo with a failing plugin', () => {
  test('prints the PluginError and carries on: the filter fails open, the other plugins still run', async ({tempDir}) => {
    const broken = path.join(tempDir, 'broken')
    await mkdir(path.join(broken, 'src'), {recursive: true})
    await writeFile(
      path.join(broken, 'plugin.manifest.json'),
      JSON.stringify({api: '1', name: 'Broken', slug: 'broken', version: '1.0.0', permissions: ['chat.filter']}),
    )
    await writeFile(
      path.join(broken, 'src', 'plugin.ts'),
      `import {definePlugin, filter} from '@owncast/plugin-sdk'
definePlugin({
  filterPriority: 10,
  filterChatMessage(msg) {
    if (msg.body.includes('stream')) throw new Error('cannot filter streams')
    return filter.pass()
  },
  onChatMessage(msg) {
    console.warn('about to fail on ' + msg.id)
    throw new Error('no notifications today')
  },
})
`,
    )
    const ctx = testContext(ROOT)
    const t = await runDemo(ctx, {
      pluginDirs: [path.join(ROOT, 'examples', 'echo-bot'), path.join(ROOT, 'examples', 'profanity-filter'), broken],
      messages: [DEMO_CHAT[3]!],
    })
    const [m] = t.messages
    // priority 10 runs before profanity-filter's 100
    expect(m!.result.filters).toEqual([
      {
        slug: 'broken',
        priority: 10,
        action: 'error',
        error: expect.objectContaining({slug: 'broken', export: 'on_filter', failure: 'error', message: 'broken: on_filter() failed: Error: cannot filter streams'}),
        durationMs: 0,
      },
      {slug: 'profanity-filter', priority: 100, action: 'modify', payload: expect.objectContaining({body: '!echo this **** stream rocks'}), durationMs: 0},
    ])
    const brokenFilter = m!.result.filters[0]!
    expect(brokenFilter.action === 'error' && brokenFilter.error.stack).toMatch(/plugin\.ts:5/)
    expect(m!.result.notified).toEqual([
      {slug: 'echo-bot', ok: true, durationMs: 0},
      {slug: 'broken', ok: false, error: expect.objectContaining({slug: 'broken', export: 'on_event', message: 'broken: on_event() failed: Error: no notifications today'}), durationMs: 0},
    ])
    expect(m!.result.chat).toEqual([{slug: 'echo-bot', text: 'alice said: this **** stream rocks', kind: 'chat'}])
    expect(m!.logs).toEqual([{slug: 'broken', level: 'warn', message: 'about to fail on demo-1'}])
    expect(t.summary).toMatchObject({messages: 1, modified: 1, botReplies: 1, pluginErrors: 2})

    const text = renderDemoTranscript(t)
    expect(text).toContain('    filter  broken: failed, payload passed on unchanged (fail-open): broken on_filter(): Error: cannot filter streams\n')
    expect(text).toContain('    notify  echo-bot, broken\n    error   broken on_event(): Error: no notifications today\n')
    expect(text).toContain('    log     [broken] warn: about to fail on demo-1\n')
  })
})

/** A stand-in plugin for the pipeline's own rules (the engine is covered above). */
function fake(slug: string, opts: {filter?: (payload: unknown) => FilterResult | Promise<FilterResult>; priority?: number; notify?: boolean; log?: string[]; chat?: ChatSend[]}): PipelinePlugin {
  return {
    slug,
    registration: {
      subscriptions: {
        filter: opts.filter ? [{event: EVENT, priority: opts.priority ?? 100}] : [],
        notify: opts.notify ? [{event: EVENT}] : [],
      },
    },
    filter: async (_type, payload) => {
      opts.log?.push(`${slug}:filter:${JSON.stringify(payload)}`)
      return opts.filter!(payload)
    },
    notify: async (_type, payload) => {
      opts.log?.push(`${slug}:notify:${JSON.stringify(payload)}`)
      opts.chat?.push({slug, text: `seen ${JSON.stringify(payload)}`, kind: 'chat'})
    },
  }
}

describe('runChatPipeline rules', () => {
  it('orders filters by priority, then slug; each sees the previous output; notifications get the final payload', async () => {
    const log: string[] = []
    const chat: ChatSend[] = [{slug: 'earlier', text: 'not this message', kind: 'chat'}]
    const plugins = [
      fake('zeta', {priority: 100, filter: (p) => ({action: 'modify', payload: `${p}+zeta`}), log}),
      fake('alpha', {priority: 100, filter: (p) => ({action: 'modify', payload: `${p}+alpha`}), log}),
      fake('late', {priority: 200, filter: () => ({action: 'pass'}), log, notify: true, chat}),
      fake('first', {priority: 5, filter: () => ({action: 'pass'}), log}),
      fake('listener', {notify: true, log, chat}),
    ]
    const r = await runChatPipeline(plugins, 'm', {chatLog: chat, now: () => 0})
    expect(log).toEqual([
      'first:filter:"m"',
      'alpha:filter:"m"',
      'zeta:filter:"m+alpha"',
      'late:filter:"m+alpha+zeta"',
      'late:notify:"m+alpha+zeta"',
      'listener:notify:"m+alpha+zeta"',
    ])
    expect(r).toMatchObject({payload: 'm+alpha+zeta', modified: true, input: 'm'})
    expect(r.chat.map((c) => c.slug)).toEqual(['late', 'listener'])
  })

  it('a drop stops the chain and every notification', async () => {
    const log: string[] = []
    const plugins = [
      fake('a', {filter: () => ({action: 'drop', reason: 'no'}), log}),
      fake('b', {filter: () => ({action: 'pass'}), log, notify: true}),
    ]
    const r = await runChatPipeline(plugins, 'm', {now: () => 0})
    expect(log).toEqual(['a:filter:"m"'])
    expect(r).toEqual({eventType: EVENT, input: 'm', filters: [{slug: 'a', priority: 100, action: 'drop', reason: 'no', durationMs: 0}], dropped: {slug: 'a', reason: 'no'}, modified: false, notified: [], chat: [], durationMs: 0})
  })

  it('fails open on a thrown error or an unknown action; modify without a payload gives null', async () => {
    const thrown = new PluginError('bad: on_filter() failed: boom', {slug: 'bad', exportName: 'on_filter'})
    const plugins = [
      fake('bad', {priority: 1, filter: () => Promise.reject(thrown)}),
      fake('odd', {priority: 2, filter: () => ({action: 'explode'}) as unknown as FilterResult}),
      fake('junk', {priority: 3, filter: () => Promise.reject(new SyntaxError('Unexpected token'))}),
      fake('nulls', {priority: 4, filter: () => ({action: 'modify'}) as FilterResult}),
    ]
    const r = await runChatPipeline(plugins, 'm', {now: () => 0})
    expect(r.filters).toEqual([
      {slug: 'bad', priority: 1, action: 'error', error: {slug: 'bad', export: 'on_filter', message: 'bad: on_filter() failed: boom'}, durationMs: 0},
      {slug: 'odd', priority: 2, action: 'error', error: {slug: 'odd', export: 'on_filter', message: 'unknown filter action "explode" (fail-open)'}, durationMs: 0},
      {slug: 'junk', priority: 3, action: 'error', error: {slug: 'junk', export: 'on_filter', message: 'junk: on_filter() failed: Unexpected token'}, durationMs: 0},
      {slug: 'nulls', priority: 4, action: 'modify', payload: null, durationMs: 0},
    ])
    expect(r.payload).toBeNull()
  })
})

describe('owncast-plugin demo (the CLI)', () => {
  it('--json prints the transcript: exit 0, the shout dropped, the echo replies with masked text', async () => {
    const run = await runCli(['demo', '--json'])
    expect(run.code).toBe(0)
    expect(run.stderr).not.toContain('ExperimentalWarning')
    const t = JSON.parse(run.stdout) as DemoTranscript
    expect(t.plugins.map((p) => p.slug)).toEqual(['echo-bot', 'profanity-filter'])
    const shouted = t.messages.find((m) => m.body === '!echo what the HECK')!
    expect(shouted.result).toMatchObject({dropped: {slug: 'profanity-filter', reason: 'shouting a banned word'}, notified: [], chat: []})
    expect(t.messages.flatMap((m) => m.result.chat.map((c) => c.text))).toEqual([
      'bob said: hi chat',
      'alice said: this **** stream rocks',
      'carol, say "!echo something" and I will repeat it.',
      'bob said: *****, that was close',
    ])
    expect(t.summary).toMatchObject({messages: 12, modified: 4, dropped: 1, botReplies: 4})
    expect(t.summary.totalMs).toBeGreaterThan(0)
  })

  it('--help stays light: no engine loaded, no WASI warning', async () => {
    const run = await runCli(['--help'])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/\n  demo +Replay a scripted chat stream through the example plugins\.\n/)
    expect(run.stderr).toBe('')
  })
})
