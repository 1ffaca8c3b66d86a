import type {HostEnv} from '../host/env/index.js'
import {PluginError, isPluginError} from '../errors.js'
import {Dispatcher, filterChain as dispatcherFilterChain} from '../host/dispatch/index.js'
import type {FilterResult, Subscriptions} from '../host/host.js'
import type {CallablePlugin, PluginIdentity} from '../host/types.js'

/** The event every chat message is dispatched as. */
export const CHAT_MESSAGE_RECEIVED = 'chat.message.received'

/**
 * What the pipeline needs of a loaded plugin. {@link import('../host/host.js').LoadedPlugin}
 * satisfies it; tests and the simulator may pass their own.
 */
export interface PipelinePlugin {
  readonly slug: string
  readonly registration: {readonly subscriptions: Subscriptions}
  filter(eventType: string, payload: unknown): Promise<FilterResult>
  notify(eventType: string, payload: unknown): Promise<void>
}

/** A chat line a plugin sent through `owncast.chat.*` (what a recording HostEnv appends). */
export interface ChatSend {
  slug: string
  text: string
  kind: 'chat' | 'action' | 'system' | 'direct'
  /** `direct` only: the connection the message went to. */
  clientId?: string
}

/**
 * `base` with its chat calls also appended to `log` as {@link ChatSend}s, so a transcript can
 * list what each message made the plugins say.
 */
export function withChatLog(base: HostEnv, log: ChatSend[]): HostEnv {
  const kinds = {bot: 'chat', action: 'action', system: 'system'} as const
  return {
    ...base,
    chat: {
      ...base.chat,
      send: (req) => {
        log.push({slug: req.slug, text: req.text, kind: kinds[req.kind]})
        base.chat.send(req)
      },
      sendTo: (slug, clientId, text) => {
        log.push({slug, text, kind: 'direct', clientId: String(clientId)})
        base.chat.sendTo(slug, clientId, text)
      },
    },
  }
}

/** A failed plugin call, flattened for transcripts and JSON. */
export interface PluginCallError {
  slug: string
  export: string
  message: string
  /** The engine's classification (`error`, `deadline`, `out-of-memory`, `trap`, ...), when known. */
  failure?: string
  /** The plugin's stack, source-mapped when possible. */
  stack?: string
}

/** What one filter did with the payload it was given. */
export type FilterDecision =
  | {slug: string; priority: number; action: 'pass'; durationMs: number}
  | {slug: string; priority: number; action: 'modify'; payload: unknown; durationMs: number}
  | {slug: string; priority: number; action: 'drop'; reason: string; durationMs: number}
  /** The call failed or answered nonsense: the chain goes on with the unchanged payload (fail-open). */
  | {slug: string; priority: number; action: 'error'; error: PluginCallError; durationMs: number}

export interface NotifyOutcome {
  slug: string
  ok: boolean
  error?: PluginCallError
  durationMs: number
}

export interface PipelineResult {
  eventType: string
  /** The payload as it came in. */
  input: unknown
  /** Every filter that ran, in chain order. */
  filters: FilterDecision[]
  /** Set when a filter dropped the event: no later filter and no notification ran. */
  dropped?: {slug: string; reason: string}
  /** The payload after the filter chain (absent when dropped). */
  payload?: unknown
  /** True when the chain changed the payload (a filter answered modify). */
  modified: boolean
  /** Every plugin notified, in subscription order (empty when dropped). */
  notified: NotifyOutcome[]
  /** Chat lines plugins sent while this event was processed. */
  chat: ChatSend[]
  durationMs: number
}

export interface PipelineOptions {
  /**
   * The array the HostEnv appends chat sends to; the result lists what was appended while this
   * event was processed. Without it, `chat` is empty.
   */
  chatLog?: readonly ChatSend[]
  /** Monotonic milliseconds, for durations (default `performance.now`). */
  now?: () => number
}

/**
 * The filter chain for `eventType`, as production builds it: one entry per (plugin, filter
 * subscription for the event), sorted by priority ascending, ties by slug ascending (stable).
 */
export function filterChain<P extends PipelinePlugin>(plugins: readonly P[], eventType: string): {plugin: P; priority: number}[] {
  return dispatcherFilterChain(plugins.map(asCallable), eventType).map(({plugin, priority}) => ({plugin: plugin.source, priority}))
}

/** The plugins notified of `eventType`: each plugin once, in the order given. */
export function notifyTargets<P extends PipelinePlugin>(plugins: readonly P[], eventType: string): P[] {
  return plugins.filter((p) => p.registration.subscriptions.notify.some((s) => s.event === eventType))
}

/**
 * Dispatches one event the way production does, through the host's {@link Dispatcher}: the
 * filter chain first (each filter sees the previous one's output; `pass` keeps the payload,
 * `modify` replaces it, `drop` stops everything, a failure is logged and the payload goes on
 * unchanged), then, unless dropped, the notification fan-out to every subscriber with the final
 * payload. Notifications run concurrently and the call returns when all have finished. Plugin
 * failures never reject: they are reported in the result. Each call is a fresh dispatcher, so
 * nothing (strikes, cooldowns) carries over from one event to the next.
 */
export async function runEventPipeline(
  plugins: readonly PipelinePlugin[],
  eventType: string,
  payload: unknown,
  options: PipelineOptions = {},
): Promise<PipelineResult> {
  const now = options.now ?? (() => performance.now())
  const chatStart = options.chatLog?.length ?? 0
  const round = (ms: number) => Math.round(ms * 100) / 100
  const started = now()
  const callables = plugins.map(asCallable)
  // the demo reports failures in its result; the dispatcher's own log lines would only repeat them
  const dispatcher = new Dispatcher({plugins: () => callables, log: {warn: () => undefined}, monotonic: now})
  const report = await dispatcher.dispatch(eventType, payload)

  const filters = report.filters.map((step): FilterDecision => {
    const base = {slug: step.slug, priority: step.priority, durationMs: round(step.durationMs)}
    switch (step.action) {
      case 'pass':
        return {...base, action: 'pass'}
      case 'modify':
        return {...base, action: 'modify', payload: step.payload}
      case 'drop':
        return {...base, action: 'drop', reason: step.reason}
      case 'unknown':
        return {...base, action: 'error', error: {slug: step.slug, export: 'on_filter', message: `unknown filter action ${JSON.stringify(step.value)} (fail-open)`}}
      case 'error':
        return {...base, action: 'error', error: toCallError(step.slug, 'on_filter', step.error)}
    }
  })
  const notified = report.notified.map(
    (n): NotifyOutcome => ({
      slug: n.slug,
      ok: n.ok,
      ...(n.ok ? {} : {error: toCallError(n.slug, 'on_event', n.error)}),
      durationMs: round(n.durationMs),
    }),
  )

  return {
    eventType,
    input: payload,
    filters,
    ...(report.dropped ? {dropped: report.dropped} : {payload: report.payload}),
    modified: report.modified,
    notified,
    chat: options.chatLog ? options.chatLog.slice(chatStart) : [],
    durationMs: round(now() - started),
  }
}

type PipelineCallable<P extends PipelinePlugin> = CallablePlugin & {readonly source: P}

/**
 * A pipeline plugin as the dispatcher sees plugins. Its calls go through the plugin's own
 * filter()/notify() (LoadedPlugin's, or a test's stand-in). Its identity grants the filter and
 * inbound permissions: these plugins were loaded already; the pipeline replays, it does not gate.
 */
function asCallable<P extends PipelinePlugin>(plugin: P): PipelineCallable<P> {
  const permissions = new Set(['chat.filter', 'fediverse.inbound'])
  return {
    source: plugin,
    slug: plugin.slug,
    identity: {slug: plugin.slug, name: plugin.slug, botDisplayName: plugin.slug, permissions} as unknown as PluginIdentity,
    subscriptions: plugin.registration.subscriptions,
    commands: [],
    async call(exportName, input) {
      const envelope = JSON.parse(input) as {eventType: string; payload: unknown}
      if (exportName === 'on_filter') return JSON.stringify(await plugin.filter(envelope.eventType, envelope.payload)) ?? ''
      if (exportName === 'on_event') {
        await plugin.notify(envelope.eventType, envelope.payload)
        return ''
      }
      throw new PluginError(`${plugin.slug}: ${exportName}() is not part of the pipeline`, {slug: plugin.slug, exportName, failure: 'missing-export'})
    },
  }
}

/** {@link runEventPipeline} for a `chat.message.received` payload. */
export function runChatPipeline(plugins: readonly PipelinePlugin[], message: unknown, options: PipelineOptions = {}): Promise<PipelineResult> {
  return runEventPipeline(plugins, CHAT_MESSAGE_RECEIVED, message, options)
}

/** Flattens anything a plugin call threw into {@link PluginCallError}. */
export function toCallError(slug: string, exportName: string, error: unknown): PluginCallError {
  if (isPluginError(error)) {
    return {
      slug: error.slug,
      export: error.exportName,
      message: error.message,
      ...(error.failure ? {failure: error.failure} : {}),
      ...(error.pluginStack ? {stack: error.pluginStack} : {}),
    }
  }
  // e.g. output that is not JSON: still the plugin's fault, still fail-open
  const message = error instanceof Error ? error.message : String(error)
  return {slug, export: exportName, message: `${slug}: ${exportName}() failed: ${message}`}
}
