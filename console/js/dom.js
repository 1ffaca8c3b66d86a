// Building DOM without HTML strings: every string child becomes a text node, so whatever a
// plugin says (names, chat text, log lines, stored values) is shown, never parsed.

/**
 * h('li', {class: 'entry', onclick: fn, dataset: {type: 'x'}}, 'text', child, [more])
 * Attributes are set as attributes (null/false skips one, true sets it empty); "on<event>"
 * props become listeners.
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value == null || value === false) continue;
    if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  el.append(...flatten(children));
  return el;
}

function flatten(children) {
  return children.flat(Infinity).filter((c) => c != null && c !== false).map((c) => (c instanceof Node ? c : String(c)));
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren(...flatten(children));
  return el;
}

export const $ = (id) => document.getElementById(id);

/** "12:03:04" for a Unix ms or ISO time. */
export function clock(at) {
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString([], { hour12: false });
}

/** "2.99 ms" */
export function ms(value) {
  return typeof value === 'number' ? `${value < 10 ? value.toFixed(2) : Math.round(value)} ms` : '';
}

/** Calls fn at most once per `wait` ms, after the last request (trailing). */
export function debounce(fn, wait) {
  let timer = null;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(fn, wait);
  };
}
