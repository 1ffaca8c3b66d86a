import {existsSync} from 'node:fs'
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {buildPlugin, type BuildTarget} from '../compiler/index.js'
import type {Context} from '../context.js'
import {UserError} from '../errors.js'
import {createRecordingEnv, sampleWorld} from '../host/env/index.js'
import {PluginHost, type LoadedPlugin, type PluginSource} from '../host/host.js'
import {runChatPipeline, withChatLog, type ChatSend, type PipelineResult} from './pipeline.js'
import {DEMO_CHAT, chatPayload, type DemoViewer, type ScriptedMessage} from './script.js'

/** The examples the demo runs, relative to the tool's root. */
export const DEMO_PLUGINS = ['examples/echo-bot', 'examples/profanity-filter']

export interface DemoOptions {
  /** Plugin project directories (relative to `ctx.cwd`); default the two examples. */
  pluginDirs?: string[]
  /** The chat stream to replay; default {@link DEMO_CHAT}. */
  messages?: readonly ScriptedMessage[]
  /** Build plugin.js for the shared engine (default) or a self-contained plugin.wasm. */
  target?: BuildTarget
}

export interface DemoPluginInfo {
  slug: string
  name: string
  version: string
  /** How its chat lines are labelled: the bot's display name, else the slug. */
  label: string
  filters: {event: string; priority: number}[]
  notify: string[]
}

export interface PluginLog {
  slug: string
  level: string
  message: string
}

export interface DemoMessage {
  /** 1-based position in the stream. */
  index: number
  /** Milliseconds into the (simulated) stream. */
  atMs: number
  user: DemoViewer
  body: string
  result: PipelineResult
  /** What plugins logged while this message was processed. */
  logs: PluginLog[]
}

export interface DemoSummary {
  messages: number
  /** Reached the chat unchanged. */
  passed: number
  modified: number
  dropped: number
  /** Chat lines sent by plugins. */
  botReplies: number
  /** Failed plugin calls (filters failed open, notifications lost). */
  pluginErrors: number
  /** Time to replay the whole stream through the plugins (build and load excluded). */
  totalMs: number
  perMessageMs: number
  buildMs: number
  loadMs: number
}

export interface DemoTranscript {
  target: BuildTarget
  plugins: DemoPluginInfo[]
  messages: DemoMessage[]
  summary: DemoSummary
  /** Host warnings (permission denials and the like). */
  warnings: string[]
}

/**
 * The demo: builds the example plugins with the real compiler into a temporary directory, loads
 * them into one {@link PluginHost} whose HostEnv records what they do, and replays a scripted
 * chat stream through {@link runChatPipeline} (filters, then notifications). Progress goes to
 * `ctx.stderr` through the logger; the transcript is returned for the caller to render.
 */
export async function runDemo(ctx: Context, options: DemoOptions = {}): Promise<DemoTranscript> {
  const target = options.target ?? 'js'
  const script = options.messages ?? DEMO_CHAT
  const dirs = options.pluginDirs ?? DEMO_PLUGINS.map((d) => path.join(ctx.toolRoot, d))
  for (const dir of dirs) {
    if (!existsSync(path.resolve(ctx.cwd, dir, 'plugin.manifest.json'))) {
      throw new UserError(`The demo plugin ${dir} was not found`, {
        code: 'DEMO_PLUGIN_MISSING',
        nextSteps: ['Run the demo from a checkout of owncast-plugin, which has examples/echo-bot and examples/profanity-filter'],
      })
    }
  }

  const chatLog: ChatSend[] = []
  const logs: PluginLog[] = []
  const warnings: string[] = []
  const host = new PluginHost({
    env: withChatLog(createRecordingEnv(sampleWorld()), chatLog),
    cwd: ctx.cwd,
    log: {
      warn: (message) => {
        warnings.push(message)
        ctx.logger.warn(message)
      },
      plugin: (slug, level, message) => {
        logs.push({slug, level, message})
        ctx.logger.debug(`[${slug}] ${level}: ${message}`)
      },
    },
  })

  const outRoot = await mkdtemp(path.join(os.tmpdir(), 'owncast-plugin-demo-'))
  try {
    let t0 = ctx.clock.monotonic()
    const sources: PluginSource[] = []
    for (const [i, dir] of dirs.entries()) {
      sources.push(await buildSource(ctx, dir, target, path.join(outRoot, String(i))))
    }
    const buildMs = ctx.clock.monotonic() - t0
    ctx.logger.info(`Built ${sources.length} plugins in ${Math.round(buildMs)} ms`)

    t0 = ctx.clock.monotonic()
    const plugins: LoadedPlugin[] = []
    for (const source of sources) plugins.push(await host.load(source))
    const loadMs = ctx.clock.monotonic() - t0
    ctx.logger.info(`Loaded ${plugins.map((p) => p.slug).join(', ')} into one host in ${Math.round(loadMs)} ms`)

    const streamStart = ctx.clock.now()
    const now = () => ctx.clock.monotonic()
    const messages: DemoMessage[] = []
    t0 = now()
    for (const [i, scripted] of script.entries()) {
      const logStart = logs.length
      const result = await runChatPipeline(plugins, chatPayload(scripted, i, streamStart), {chatLog, now})
      messages.push({index: i + 1, atMs: scripted.atMs, user: scripted.user, body: scripted.body, result, logs: logs.slice(logStart)})
    }
    const totalMs = now() - t0
    ctx.logger.info(`Replayed ${messages.length} chat messages in ${Math.round(totalMs)} ms`)

    return {
      target,
      plugins: plugins.map(pluginInfo),
      messages,
      summary: summarize(messages, {totalMs, buildMs, loadMs}),
      warnings,
    }
  } finally {
    await host.close()
    await rm(outRoot, {recursive: true, force: true})
  }
}

/** Builds one plugin project into `outDir` and reads back what the host loads. */
async function buildSource(ctx: Context, dir: string, target: BuildTarget, outDir: string): Promise<PluginSource> {
  // the examples are type-checked by their own tests; the demo does not load the compiler for them
  const built = await buildPlugin(ctx, {dir, target, outDir, typecheck: 'off'})
  const manifestJson = await readFile(path.join(built.dir, 'plugin.manifest.json'), 'utf8')
  if (target === 'wasm') return {manifestJson, wasm: new Uint8Array(await readFile(path.join(outDir, 'plugin.wasm')))}
  const mapFile = path.join(outDir, 'plugin.js.map')
  return {
    manifestJson,
    script: await readFile(path.join(outDir, 'plugin.js'), 'utf8'),
    sourceMap: await readFile(mapFile, 'utf8'),
    sourceMapFile: mapFile,
  }
}

function pluginInfo(p: LoadedPlugin): DemoPluginInfo {
  const subs = p.registration.subscriptions
  return {
    slug: p.slug,
    name: p.manifest.name,
    version: p.manifest.version,
    label: p.manifest.bot.displayName || p.slug,
    filters: subs.filter.map((s) => ({event: s.event, priority: s.priority})),
    notify: subs.notify.map((s) => s.event),
  }
}

function summarize(messages: DemoMessage[], times: {totalMs: number; buildMs: number; loadMs: number}): DemoSummary {
  const results = messages.map((m) => m.result)
  const dropped = results.filter((r) => r.dropped).length
  const modified = results.filter((r) => !r.dropped && r.modified).length
  const errors = results.reduce(
    (n, r) => n + r.filters.filter((f) => f.action === 'error').length + r.notified.filter((o) => !o.ok).length,
    0,
  )
  return {
    messages: messages.length,
    passed: messages.length - dropped - modified,
    modified,
    dropped,
    botReplies: results.reduce((n, r) => n + r.chat.length, 0),
    pluginErrors: errors,
    totalMs: round(times.totalMs),
    perMessageMs: round(messages.length === 0 ? 0 : times.totalMs / messages.length),
    buildMs: round(times.buildMs),
    loadMs: round(times.loadMs),
  }
}

const round = (ms: number) => Math.round(ms * 100) / 100

