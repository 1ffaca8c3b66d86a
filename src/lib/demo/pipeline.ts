import {isPluginError} from '../errors.js'
import type {FilterResult, Subscriptions} from '../host/host.js'

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
  const chain = plugins.flatMap((plugin) =>
    plugin.registration.subscriptions.filter.filter((s) => s.event === eventType).map((s) => ({plugin, priority: s.priority ?? 0})),
  )
  return chain.sort((a, b) => a.priority - b.priority || (a.plugin.slug < b.plugin.slug ? -1 : a.plugin.slug > b.plugin.slug ? 1 : 0))
}

/** The plugins notified of `eventType`: each plugin once, in the order given. */
export function notifyTargets<P extends PipelinePlugin>(plugins: readonly P[], eventType: string): P[] {
  return plugins.filter((p) => p.registration.subscriptions.notify.some((s) => s.event === eventType))
}

/**
 * Dispatches one event the way production does: the filter chain first (each filter sees the
 * previous one's output; `pass` keeps the payload, `modify` replaces it, `drop` stops everything,
 * a failure is logged and the payload goes on unchanged), then, unless dropped, the notification
 * fan-out to every subscriber with the final payload. Notifications run concurrently and the call
 * returns when all have finished. Plugin failures never reject: they are reported in the result.
 */
export async function runEventPipeline(
  plugins: readonly PipelinePlugin[],
  eventType: string,
  payload: unknown,
  options: PipelineOptions = {},
): Promise<PipelineResult> {
  const now = options.now ?? (() => performance.now())
  const chatStart = options.chatLog?.length ?? 0
  const since = (t: number) => Math.round((now() - t) * 100) / 100
  const started = now()
  const filters: FilterDecision[] = []
  let current = payload
  let modified = false
  let dropped: PipelineResult['dropped']

  for (const {plugin, priority} of filterChain(plugins, eventType)) {
    const t0 = now()
    const base = {slug: plugin.slug, priority}
    let result: FilterResult
    try {
      result = await plugin.filter(eventType, current)
    } catch (error) {
      filters.push({...base, action: 'error', error: toCallError(plugin.slug, 'on_filter', error), durationMs: since(t0)})
      continue
    }
    const durationMs = since(t0)
    const action = (result as {action?: unknown} | null)?.action
    if (action === 'pass' || action === '' || action === undefined) {
      filters.push({...base, action: 'pass', durationMs})
    } else if (action === 'modify') {
      // A modify without a payload replaces the payload with null, as production does.
      current = (result as {payload?: unknown}).payload ?? null
      modified = true
      filters.push({...base, action: 'modify', payload: current, durationMs})
    } else if (action === 'drop') {
      const reason = String((result as {reason?: unknown}).reason ?? '')
      filters.push({...base, action: 'drop', reason, durationMs})
      dropped = {slug: plugin.slug, reason}
      break
    } else {
      const message = `unknown filter action ${JSON.stringify(action)} (fail-open)`
      filters.push({...base, action: 'error', error: {slug: plugin.slug, export: 'on_filter', message}, durationMs})
    }
  }

  const notified: NotifyOutcome[] = []
  if (!dropped) {
    const outcomes = await Promise.all(
      notifyTargets(plugins, eventType).map(async (plugin): Promise<NotifyOutcome> => {
        const t0 = now()
        try {
          await plugin.notify(eventType, current)
          return {slug: plugin.slug, ok: true, durationMs: since(t0)}
        } catch (error) {
          return {slug: plugin.slug, ok: false, error: toCallError(plugin.slug, 'on_event', error), durationMs: since(t0)}
        }
      }),
    )
    notified.push(...outcomes)
  }

  return {
    eventType,
    input: payload,
    filters,
    ...(dropped ? {dropped} : {payload: current}),
    modified,
    notified,
    chat: options.chatLog ? options.chatLog.slice(chatStart) : [],
    durationMs: since(started),
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
