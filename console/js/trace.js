// A dispatch trace (the `trace` of /_dev/chat, /_dev/event and the feed's message and event
// entries): the filter chain step by step, then who was notified, the commands and !help.
import { h, ms } from './dom.js';

const VERBS = { pass: 'passed', modify: 'modified', drop: 'dropped', error: 'failed (let through)', unknown: 'unknown verdict (let through)' };

function filterStep(step) {
  let why = null;
  if (step.action === 'drop') why = step.reason || 'no reason given';
  else if (step.action === 'error') why = step.error;
  else if (step.action === 'unknown') why = step.value;
  else if (step.action === 'modify') why = typeof step.payload?.body === 'string' ? `→ “${step.payload.body}”` : '→ new payload';
  return h(
    'li',
    { class: `step step-${step.action}`, 'data-slug': step.slug, 'data-action': step.action },
    h('span', { class: 'slug' }, step.slug),
    ' ',
    h('span', { class: 'verb' }, VERBS[step.action] ?? step.action),
    why !== null ? [' ', h('span', { class: 'why' }, why)] : null,
    h('span', { class: 'timing muted' }, `priority ${step.priority} · ${ms(step.durationMs)}`),
  );
}

function notifyStep(n) {
  return h(
    'li',
    { class: `step step-notify ${n.ok ? '' : 'step-error'}`, 'data-slug': n.slug },
    h('span', { class: 'slug' }, n.slug),
    ' ',
    h('span', { class: 'verb' }, n.ok ? 'notified' : 'failed'),
    n.error ? [' ', h('span', { class: 'why' }, n.error)] : null,
    h('span', { class: 'timing muted' }, ms(n.durationMs)),
  );
}

function commandStep(c) {
  return h(
    'li',
    { class: `step step-command ${c.ok ? '' : 'step-error'}`, 'data-slug': c.slug },
    h('span', { class: 'slug' }, c.slug),
    ' ',
    h('span', { class: 'verb' }, `ran !${c.command}`),
    c.error ? [' ', h('span', { class: 'why' }, c.error)] : null,
  );
}

/** The trace as a small table of steps. */
export function renderTrace(trace) {
  if (!trace) return null;
  const rows = [];
  if (trace.depthExceeded) rows.push(h('p', { class: 'why' }, 'not run: past the emit depth cap'));
  rows.push(
    h('div', { class: 'trace-label muted' }, 'filters'),
    trace.filters.length ? h('ol', { class: 'chain' }, trace.filters.map(filterStep)) : h('p', { class: 'muted' }, 'no filters'),
  );
  if (!trace.dropped) {
    rows.push(
      h('div', { class: 'trace-label muted' }, 'notifications'),
      trace.notified.length ? h('ol', { class: 'chain' }, trace.notified.map(notifyStep)) : h('p', { class: 'muted' }, 'no subscribers'),
    );
  }
  if (trace.commands?.length) rows.push(h('div', { class: 'trace-label muted' }, 'commands'), h('ol', { class: 'chain' }, trace.commands.map(commandStep)));
  if (trace.help) rows.push(h('div', { class: 'trace-label muted' }, '!help answered'), h('pre', { class: 'help' }, trace.help));
  return h('div', { class: 'trace' }, rows);
}
