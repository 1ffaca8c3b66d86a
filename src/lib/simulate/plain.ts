// The simulation as text lines (simulate --plain, and any run whose stdout is not a terminal),
// in the reference demo's shape: a `>` line per thing that happens, then what the plugins did.
//
//   > [2s] bob: "what the heck, this is great"
//       filter  buggy-filter: pass
//       filter  profanity-filter: modified: what the [-heck-]{+****+}, this is great
//       chat    bob: what the ****, this is great
//       notify  echo-bot, relay
//   [chat from plugin Echo Bot] bob said: ...

import { createPainter, type Painter } from '../cli/format.js';
import { diffWords, formatDiff } from './diff.js';
import { formatOffset } from './duration.js';
import type { FilterPathStep, NotifyFailure, SimEvent } from './events.js';
import { STRIKES_TO_DISABLE } from './events.js';
import { cleanText } from './text.js';
import type { WorldEffect } from './world.js';

const row = (tag: string, text: string) => `    ${tag.padEnd(7)} ${text}`;
const indent = (text: string) =>
  text
    .split('\n')
    .map((line, i) => (i === 0 || line.trim() === '' ? line.trimEnd() : `    ${line}`))
    .join('\n');

/** A renderer that turns each event into its lines (none for events the text leaves out: SSE sends, host diagnostics). */
export function createPlainRenderer(opts: { color?: boolean } = {}): (event: SimEvent) => string[] {
  const paint = createPainter(opts.color ?? false);
  return (e) => renderPlain(e, paint);
}

function renderPlain(e: SimEvent, paint: Painter): string[] {
  const at = paint.dim(`[${formatOffset(e.t)}]`);
  switch (e.type) {
    case 'start': {
      const lines = [paint.bold(`Simulating "${e.script}" (${e.events} events) with ${e.plugins.length} plugin${e.plugins.length === 1 ? '' : 's'}:`)];
      for (const p of e.plugins) lines.push(`  ${p.name} [${p.slug}] v${p.version}${roles(p)}`);
      for (const f of e.failed) lines.push(paint.red(`  ${f.path}: not loaded: ${f.error}`));
      lines.push('--- simulating chat stream ---');
      return lines;
    }
    case 'message':
      return renderMessage(e, at, paint);
    case 'event': {
      const lines = [`> ${at} ${e.eventType}${e.summary ? ` ${cleanText(e.summary, { max: 200 })}` : ''}`];
      if (e.dropped) lines.push(row('filter', paint.red(`dropped by ${e.dropped.slug}: ${e.dropped.reason}`)));
      if (e.notified.length > 0) lines.push(row('notify', e.notified.join(', ')));
      lines.push(...failureLines(e.failures, paint));
      return lines;
    }
    case 'chat':
      return [paint.cyan(chatLine(e))];
    case 'emit': {
      const to = e.dropped ? paint.red(`dropped (${e.dropped})`) : e.deliveredTo.length > 0 ? e.deliveredTo.join(', ') : 'nobody subscribed';
      return [row('emit', `${e.slug} → ${e.eventType} (depth ${e.depth}) → ${to}`)];
    }
    case 'command':
      return [row('command', `${e.invokedAs.startsWith('!') ? '' : '!'}${e.invokedAs} → ${e.slug}${e.user ? ` (${e.user})` : ''}${e.ok ? '' : paint.red(` failed: ${e.error ?? ''}`)}`)];
    case 'timer':
      return [`[timer from plugin ${e.slug}] ${e.id} fired${e.ok ? '' : paint.red(`, failed: ${e.error ?? ''}`)}`];
    case 'strike':
      // a failing filter's strikes are on its line of the message's path
      return e.path === 'filter' ? [] : [row('strike', paint.red(`${e.slug} on the ${e.path} path (${e.count} of ${STRIKES_TO_DISABLE}): ${e.message}`))];
    case 'disabled':
      return [paint.red(`[plugin ${e.slug} auto-disabled: ${e.reason}]`)];
    case 'fetch':
      return [row('fetch', `${e.slug} ${e.method} ${e.url} → ${e.status !== undefined ? `${e.status} (from the script)` : paint.red(`failed: ${e.error ?? ''}`)}`)];
    case 'effect':
      return [effectLine(e.effect)];
    case 'log':
      return e.source === 'plugin' ? [paint.dim(`[${e.slug}] ${e.level}: ${cleanText(e.message, { max: 500 })}`)] : [];
    case 'clock':
      return [`> ${at} clock +${formatOffset(e.advancedMs)}`];
    case 'reload':
      return [e.ok ? `[reloaded ${e.slug}]` : paint.red(`[reload of ${e.slug} failed: ${e.error ?? ''}]`)];
    case 'sse':
      return [];
    case 'end': {
      const disabled = e.disabled.length > 0 ? `; auto-disabled: ${e.disabled.join(', ')}` : '';
      const lines = [
        `--- simulation complete: ${e.messages} chat message${e.messages === 1 ? '' : 's'} (${e.modified} modified, ${e.dropped} dropped), ${e.botMessages} from plugins${disabled} ---`,
      ];
      const width = Math.max(6, ...e.plugins.map((p) => p.slug.length));
      lines.push(paint.dim(`  ${'plugin'.padEnd(width)}  ${'state'.padEnd(8)}  strikes  calls`));
      for (const p of e.plugins) lines.push(`  ${p.slug.padEnd(width)}  ${p.state.padEnd(8)}  ${String(p.strikes).padStart(7)}  ${String(p.calls).padStart(5)}`);
      return lines;
    }
  }
}

function roles(p: Extract<SimEvent, { type: 'start' }>['plugins'][number]): string {
  const parts = [
    ...p.filters.map((f) => `filters ${f.event} (priority ${f.priority})`),
    ...(p.notify.length > 0 ? [`notified of ${p.notify.join(', ')}`] : []),
    ...(p.commands.length > 0 ? [`commands ${p.commands.join(', ')}`] : []),
  ];
  return parts.length > 0 ? `: ${parts.join('; ')}` : '';
}

function renderMessage(e: Extract<SimEvent, { type: 'message' }>, at: string, paint: Painter): string[] {
  const lines = [`> ${at} ${paint.bold(`${e.user.displayName}:`)} ${JSON.stringify(cleanText(e.body))}${e.source === 'typed' ? paint.dim(' (typed)') : ''}`];
  for (const f of e.filters) lines.push(row('filter', filterText(f, paint)));
  if (e.dropped) {
    lines.push(paint.red(`[filtered] chat.message.received dropped: ${e.dropped.slug}: ${e.dropped.reason}`));
    return lines;
  }
  lines.push(row('chat', `${e.user.displayName}: ${cleanText(e.shown ?? '')}`));
  if (e.notified.length > 0) lines.push(row('notify', e.notified.join(', ')));
  lines.push(...failureLines(e.failures, paint));
  return lines;
}

/** One filter's verdict: `profanity-filter: modified: what the [-heck-]{+****+}`. */
export function filterText(f: FilterPathStep, paint: Painter = createPainter(false)): string {
  switch (f.action) {
    case 'pass':
      return `${f.slug}: pass`;
    case 'modify':
      return `${f.slug}: ${paint.yellow('modified')}: ${cleanText(formatDiff(diffWords(f.before, f.after)))}`;
    case 'drop':
      return `${f.slug}: ${paint.red('dropped')}: ${cleanText(f.reason)}`;
    case 'error':
      return `${f.slug}: ${paint.red('failed')}, passed on unchanged (strike ${f.strike} of ${STRIKES_TO_DISABLE}): ${cleanText(f.error)}`;
    case 'unknown':
      return `${f.slug}: unknown action ${JSON.stringify(f.value)}, treated as pass`;
  }
}

function failureLines(failures: NotifyFailure[], paint: Painter): string[] {
  return failures.map((f) => row('error', paint.red(`${f.slug}: ${cleanText(f.error)}`)));
}

/** A plugin's chat post as the reference demo prints it. */
export function chatLine(e: Extract<SimEvent, { type: 'chat' }>): string {
  const text = indent(cleanText(e.text, { multiline: true }));
  const from = e.slug ? ` from plugin ${e.label}` : '';
  switch (e.kind) {
    case 'action':
      return `[chat action${from}] *${text}*`;
    case 'system':
      return `[system message${from}] ${text}`;
    case 'private':
      return `[private message${from} to ${e.to ?? '?'}] ${text}`;
    default:
      return `[chat${from}] ${text}`;
  }
}

/** What a plugin did to Owncast, on one line. */
export function effectLine(effect: WorldEffect): string {
  const from = `from plugin ${effect.slug}`;
  switch (effect.kind) {
    case 'moderation': {
      const what = { 'hide-message': 'hid message', kick: 'kicked', 'disable-user': 'banned', 'enable-user': 'unbanned', 'ban-ip': 'banned IP' }[effect.action];
      return `[moderation ${from}] ${what} ${effect.target}${effect.reason ? ` (${cleanText(effect.reason)})` : ''}`;
    }
    case 'notification':
      return `[${effect.channel} notification ${from}] ${cleanText(effect.text)}`;
    case 'fediverse-post':
      return `[fediverse post ${from}] ${cleanText(effect.text)} (${effect.url})`;
    case 'upload':
      return `[upload ${from}] ${effect.name}, ${effect.bytes} bytes → ${effect.url}`;
    case 'video-config':
      return `[video config ${from}] ${JSON.stringify(effect.update)}`;
    case 'user-registered':
      return `[users ${from}] registered ${effect.authId} as ${effect.userId}`;
    case 'session':
      return `[auth ${from}] session for ${effect.userId}`;
  }
}
