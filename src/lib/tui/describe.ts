// One line of text per simulation event for the TUI's panes: a notice in the chat pane (what
// viewers would notice: someone joined, the stream went live, a plugin was switched off) and
// a line in the events pane (the plumbing: notifications, emits, commands, timers, fetches).

import { formatOffset } from '../simulate/duration.js';
import { STRIKES_TO_DISABLE, type SimEvent } from '../simulate/events.js';
import { effectLine } from '../simulate/plain.js';
import { cleanText } from '../simulate/text.js';

/** How a line is coloured: semantic, not ANSI. */
export type Tone = 'normal' | 'dim' | 'good' | 'warn' | 'error' | 'accent';

export interface Described {
  chat?: string;
  feed?: string;
  tone: Tone;
}

const EVENT_NOTICES: Record<string, (summary: string) => string> = {
  'chat.user.joined': (s) => `${s} joined the chat`,
  'chat.user.parted': (s) => `${s} left the chat`,
  'chat.user.renamed': (s) => `renamed: ${s}`,
  'stream.started': (s) => `the stream is live: ${s}`,
  'stream.stopped': () => 'the stream has ended',
  'stream.title.changed': (s) => `title changed: ${s}`,
};

export function describeEvent(e: SimEvent): Described | null {
  switch (e.type) {
    case 'start': {
      const failed = e.failed.length > 0 ? `; ${e.failed.length} failed to load` : '';
      return {
        chat: `simulating "${e.script}": ${e.events} scripted events through ${e.plugins.length} plugins${failed}`,
        feed: `loaded ${e.plugins.map((p) => p.slug).join(', ')}${failed}`,
        tone: e.failed.length > 0 ? 'warn' : 'accent',
      };
    }
    case 'message':
      if (e.dropped) return { feed: `${e.user.displayName}'s message dropped by ${e.dropped.slug}`, tone: 'warn' };
      return { feed: `${e.user.displayName}'s message → ${e.notified.length > 0 ? e.notified.join(', ') : 'no subscribers'}${failures(e.failures)}`, tone: e.failures.length > 0 ? 'error' : 'dim' };
    case 'event': {
      const notice = EVENT_NOTICES[e.eventType]?.(e.summary) ?? `${e.eventType}${e.summary ? ` ${e.summary}` : ''}`;
      return {
        chat: cleanText(notice, { max: 300 }),
        feed: `${e.eventType} → ${e.notified.length > 0 ? e.notified.join(', ') : 'no subscribers'}${failures(e.failures)}`,
        tone: e.failures.length > 0 ? 'error' : 'dim',
      };
    }
    case 'chat':
      return null;
    case 'emit': {
      const to = e.dropped ? `dropped (${e.dropped})` : e.deliveredTo.length > 0 ? e.deliveredTo.join(', ') : 'nobody';
      return { feed: `emit ${e.slug} → ${e.eventType} (depth ${e.depth}) → ${to}`, tone: e.dropped ? 'warn' : 'accent' };
    }
    case 'command':
      return { feed: `command ${e.invokedAs} → ${e.slug}${e.user ? ` (${e.user})` : ''}${e.ok ? '' : `: failed: ${e.error ?? ''}`}`, tone: e.ok ? 'accent' : 'error' };
    case 'timer':
      return { feed: `timer ${e.slug} #${e.id} fired${e.ok ? '' : `: failed: ${e.error ?? ''}`}`, tone: e.ok ? 'normal' : 'error' };
    case 'strike':
      return { feed: `strike ${e.count}/${STRIKES_TO_DISABLE} ${e.slug} (${e.path}): ${cleanText(e.message, { max: 200 })}`, tone: 'error' };
    case 'disabled':
      return { chat: `${e.slug} was auto-disabled after ${STRIKES_TO_DISABLE} failures in a row`, feed: `disabled ${e.slug}: ${cleanText(e.reason, { max: 200 })}`, tone: 'error' };
    case 'fetch':
      return { feed: `fetch ${e.slug} ${e.method} ${e.url} → ${e.status ?? `failed: ${e.error ?? ''}`}`, tone: e.status !== undefined ? 'normal' : 'error' };
    case 'effect':
      return { chat: effectLine(e.effect), feed: effectLine(e.effect), tone: 'warn' };
    case 'sse':
      return { feed: `sse ${e.slug} ${e.channel || '(default)'}${e.event ? ` ${e.event}` : ''}`, tone: 'dim' };
    case 'log':
      return null;
    case 'clock':
      return { chat: `the clock jumps ${formatOffset(e.advancedMs)} ahead`, feed: `clock +${formatOffset(e.advancedMs)}`, tone: 'accent' };
    case 'reload':
      return e.ok
        ? { chat: `${e.slug} reloaded`, feed: `reloaded ${e.slug}`, tone: 'good' }
        : { chat: `${e.slug} failed to reload: ${e.error ?? ''}`, feed: `reload ${e.slug} failed: ${e.error ?? ''}`, tone: 'error' };
    case 'end': {
      const disabled = e.disabled.length > 0 ? `; auto-disabled: ${e.disabled.join(', ')}` : '';
      return { chat: `end of the script: ${e.messages} messages (${e.modified} modified, ${e.dropped} dropped)${disabled}`, feed: 'end of the script', tone: 'accent' };
    }
  }
}

function failures(list: { slug: string; error: string }[]): string {
  return list.length > 0 ? `; failed: ${list.map((f) => f.slug).join(', ')}` : '';
}
