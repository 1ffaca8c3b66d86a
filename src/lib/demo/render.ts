import {createPainter, formatDuration, type Painter} from '../cli/format.js'
import type {ChatSend, FilterDecision, PluginCallError} from './pipeline.js'
import type {DemoMessage, DemoPluginInfo, DemoTranscript} from './run.js'

/**
 * The demo's transcript as plain text, for stdout:
 *
 * ```
 * [0:06] alice: !echo this darn stream rocks
 *     filter  profanity-filter: modify → "!echo this **** stream rocks"
 *     chat    alice: !echo this **** stream rocks
 *     notify  echo-bot
 *     reply   Echo Bot: alice said: this **** stream rocks
 * ```
 */
export function renderDemoTranscript(t: DemoTranscript, options: {color?: boolean} = {}): string {
  const paint = createPainter(options.color ?? false)
  const labels = new Map(t.plugins.map((p) => [p.slug, p.label]))
  const lines = [paint.bold(`Owncast plugin demo: ${t.messages.length} chat messages through ${t.plugins.length} plugins (target ${t.target})`), '']
  const width = Math.max(0, ...t.plugins.map((p) => p.slug.length))
  for (const p of t.plugins) lines.push(`  ${p.slug.padEnd(width)}  ${pluginRole(p)}`)
  lines.push('')
  for (const m of t.messages) lines.push(...renderMessage(m, labels, paint), '')
  lines.push(...renderSummary(t, paint))
  return `${lines.join('\n')}\n`
}

function pluginRole(p: DemoPluginInfo): string {
  const roles = [
    ...p.filters.map((f) => `filters ${f.event} (priority ${f.priority})`),
    ...(p.notify.length > 0 ? [`notified of ${p.notify.join(', ')}`] : []),
  ]
  return `${p.name} ${p.version}: ${roles.join('; ') || 'no chat subscriptions'}`
}

function clock(ms: number): string {
  const s = Math.floor(ms / 1000)
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
}

const row = (tag: string, text: string) => `    ${tag.padEnd(6)}  ${text}`

function renderMessage(m: DemoMessage, labels: Map<string, string>, paint: Painter): string[] {
  const r = m.result
  const bot = m.user.isBot ? ' (bot)' : ''
  const lines = [`${paint.dim(`[${clock(m.atMs)}]`)} ${paint.bold(`${m.user.displayName}${bot}:`)} ${m.body}`]
  for (const f of r.filters) lines.push(row('filter', renderFilter(f, paint)))
  if (r.dropped) {
    lines.push(row('chat', paint.red(`(dropped by ${r.dropped.slug}: not shown, no plugin notified)`)))
  } else {
    lines.push(row('chat', `${m.user.displayName}: ${payloadText(r.payload)}`))
    if (r.notified.length > 0) lines.push(row('notify', r.notified.map((n) => n.slug).join(', ')))
    for (const n of r.notified) if (n.error) lines.push(row('error', paint.red(renderCallError(n.error))))
  }
  for (const log of m.logs) lines.push(row('log', paint.dim(`[${log.slug}] ${log.level}: ${log.message}`)))
  for (const send of r.chat) lines.push(row('reply', paint.cyan(renderSend(send, labels))))
  return lines
}

function renderFilter(f: FilterDecision, paint: Painter): string {
  switch (f.action) {
    case 'pass':
      return `${f.slug}: pass`
    case 'modify':
      return `${f.slug}: ${paint.yellow('modify')} → ${JSON.stringify(payloadText(f.payload))}`
    case 'drop':
      return `${f.slug}: ${paint.red('drop')}${f.reason ? ` (${f.reason})` : ''}`
    case 'error':
      return `${f.slug}: ${paint.red('failed')}, payload passed on unchanged (fail-open): ${renderCallError(f.error)}`
  }
}

/** `slug export(): message`, without repeating the slug and export the message may start with. */
export function renderCallError(e: PluginCallError): string {
  const prefix = `${e.slug}: ${e.export}() failed: `
  const message = e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message
  return `${e.slug} ${e.export}(): ${message}`
}

/** The chat text of a payload: its body, or the JSON when a filter returned something else. */
function payloadText(payload: unknown): string {
  const body = (payload as {body?: unknown} | null)?.body
  return typeof body === 'string' ? body : JSON.stringify(payload)
}

function renderSend(send: ChatSend, labels: Map<string, string>): string {
  const who = labels.get(send.slug) ?? send.slug
  switch (send.kind) {
    case 'action':
      return `${who}: *${send.text}*`
    case 'system':
      return `[system message from ${who}] ${send.text}`
    case 'direct':
      return `${who} (to client ${send.clientId}): ${send.text}`
    default:
      return `${who}: ${send.text}`
  }
}

function renderSummary(t: DemoTranscript, paint: Painter): string[] {
  const s = t.summary
  const entries: [string, string][] = [
    ['messages in', String(s.messages)],
    ['passed unchanged', String(s.passed)],
    ['modified', String(s.modified)],
    ['dropped', String(s.dropped)],
    ['bot replies', String(s.botReplies)],
    ['plugin errors', String(s.pluginErrors)],
    ['time', `${formatDuration(s.totalMs)} total, ${formatMs(s.perMessageMs)} per message`],
  ]
  const width = Math.max(...entries.map(([k]) => k.length))
  return [paint.bold('Summary'), ...entries.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)]
}

function formatMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(2)} ms` : formatDuration(ms)
}
