// The live activity list: one entry per feed event, newest first, with the message traces,
// bot replies, emits, commands, timers, logs, strikes and the host's own news. Category
// checkboxes hide what is not wanted (CSS on the list's data-hide).
import { $, clock, h, ms } from './dom.js';
import { renderTrace } from './trace.js';

const MAX_ENTRIES = 1000;
const CATEGORIES = ['chat', 'events', 'commands', 'timers', 'logs', 'host'];

const who = (user) => (user ? user.displayName : 'someone');
const slugTag = (slug) => (slug ? h('span', { class: 'slug' }, slug) : null);

/** {cat, summary, detail?, level?} for one feed event. */
function describe(e) {
  switch (e.type) {
    case 'message': {
      const verdict = !e.allowed ? 'dropped' : e.trace?.modified ? 'modified' : 'passed';
      return {
        cat: 'chat',
        level: e.allowed ? null : 'warn',
        summary: [h('span', { class: `verdict verdict-${verdict}` }, verdict), ' ', h('b', {}, who(e.message?.user)), ': ', h('span', { class: 'text' }, e.message?.body ?? '')],
        detail: renderTrace(e.trace),
      };
    }
    case 'chat': {
      const how = e.kind === 'sendTo' ? `to client ${e.clientId}` : e.kind === 'system' ? 'system message' : e.kind === 'action' ? 'action' : 'says';
      const tag = h('span', { class: 'tag' }, e.kind === 'system' ? 'system' : 'bot');
      return { cat: 'chat', summary: [tag, ' ', h('b', {}, e.botDisplayName || e.slug || 'host'), ` ${how}: `, h('span', { class: 'text' }, e.text)] };
    }
    case 'event':
      return { cat: 'events', summary: ['event ', h('b', {}, e.eventType)], detail: renderTrace(e.trace) };
    case 'emit':
      return {
        cat: 'events',
        level: e.dropped ? 'warn' : null,
        summary: [slugTag(e.slug), ' emitted ', h('b', {}, e.eventType), ` (depth ${e.depth}) → `, e.dropped ? `dropped (${e.dropped}${e.reason ? `: ${e.reason}` : ''})` : e.deliveredTo.join(', ') || 'nobody'],
        detail: e.payload ? h('pre', { class: 'payload' }, e.payload) : null,
      };
    case 'command':
      return {
        cat: 'commands',
        level: e.ok ? null : 'error',
        summary: [slugTag(e.slug), ` !${e.invokedAs || e.command} ${(e.args ?? []).join(' ')} by `, h('b', {}, who(e.user)), e.ok ? '' : ` failed: ${e.error}`],
      };
    case 'timer':
      return { cat: 'timers', level: e.ok ? null : 'error', summary: [slugTag(e.slug), ` timer ${e.id} ran in ${ms(e.durationMs)}`, e.ok ? '' : `, failed: ${e.error}`] };
    case 'log':
      return { cat: 'logs', level: e.level === 'error' ? 'error' : e.level === 'warn' || e.level === 'warning' ? 'warn' : null, summary: [slugTag(e.slug), ` ${e.level}: `, h('span', { class: 'text' }, e.message)] };
    case 'strike':
      return { cat: 'host', level: 'error', summary: [slugTag(e.slug), ` strike ${e.count} (${e.path}): `, h('span', { class: 'text' }, e.message)] };
    case 'disabled':
      return { cat: 'host', level: 'error', summary: [slugTag(e.slug), ' disabled: ', h('span', { class: 'text' }, e.reason)] };
    case 'dropped':
      return { cat: 'host', level: 'warn', summary: [`${e.count} activity events were dropped (the console fell behind)`] };
    case 'plugin':
      return { cat: 'host', summary: [slugTag(e.slug), ` ${e.op}`] };
    case 'build':
      return { cat: 'host', summary: [slugTag(e.slug), ` built in ${e.durationMs} ms`] };
    default:
      return { cat: 'host', level: e.type === 'host.disabled' || e.type === 'host.failed' ? 'error' : null, summary: [h('b', {}, e.type), ' ', slugTag(e.slug), ' ', hostText(e)] };
  }
}

function hostText(e) {
  const rest = Object.fromEntries(Object.entries(e).filter(([k]) => !['id', 'at', 'type', 'slug'].includes(k)));
  return h('span', { class: 'text' }, JSON.stringify(rest));
}

export function createActivity() {
  const list = $('activity');

  const boxes = CATEGORIES.map((cat) =>
    h('label', {}, h('input', { type: 'checkbox', checked: true, 'data-cat': cat, onchange: applyFilters }), ` ${cat}`),
  );
  $('activity-filters').append(...boxes, h('button', { type: 'button', onclick: () => list.replaceChildren() }, 'Clear'));

  function applyFilters() {
    list.dataset.hide = [...$('activity-filters').querySelectorAll('input:not(:checked)')].map((i) => i.dataset.cat).join(' ');
  }

  function add(e) {
    const d = describe(e);
    const entry = h(
      'li',
      { class: `entry ${d.level ? `level-${d.level}` : ''}`, 'data-cat': d.cat, 'data-type': e.type, 'data-slug': e.slug ?? null },
      h('div', { class: 'entry-head' }, h('time', { class: 'muted' }, clock(e.at)), h('span', { class: 'cat' }, d.cat), h('span', { class: 'summary' }, d.summary)),
      d.detail ?? null,
    );
    list.prepend(entry);
    while (list.childElementCount > MAX_ENTRIES) list.lastElementChild.remove();
  }

  /** The feed dropped frames for this console (`event: dropped`). */
  function dropped(count) {
    add({ type: 'dropped', count, at: Date.now() });
  }

  return { add, dropped };
}
