// The Plugins panel: one card per plugin with its status, enable / disable / reload, links to
// its public and admin pages, and a form for the values of its config schema.
import { postJson, slugPath } from './api.js';
import { $, fill, h } from './dom.js';

/** An admin page's glob as a link: the part before the first wildcard ("/admin/*" → "/admin/"). */
export function adminHref(slug, glob) {
  const base = glob.split(/[*?[{\\]/)[0] || '/';
  return `/plugins/${encodeURIComponent(slug)}${encodeURI(base.startsWith('/') ? base : `/${base}`)}`;
}

function configInput(slug, field) {
  const id = `config-${slug}-${field.key}`;
  const value = field.value ?? field.default;
  if (field.type === 'boolean') return h('input', { id, type: 'checkbox', name: field.key, checked: value === true, 'data-type': 'boolean' });
  if (field.type === 'number' || field.type === 'integer') {
    return h('input', { id, type: 'number', name: field.key, value: value ?? '', step: field.type === 'integer' ? '1' : 'any', 'data-type': 'number' });
  }
  if (field.type === 'string') return h('input', { id, type: 'text', name: field.key, value: value ?? '', 'data-type': 'string' });
  return h('textarea', { id, name: field.key, rows: 3, 'data-type': 'json' }, JSON.stringify(value ?? null, null, 2));
}

function readConfig(form) {
  const values = {};
  for (const el of form.querySelectorAll('[data-type]')) {
    const type = el.dataset.type;
    if (type === 'boolean') values[el.name] = el.checked;
    else if (type === 'number') values[el.name] = el.value === '' ? null : Number(el.value);
    else if (type === 'string') values[el.name] = el.value;
    else values[el.name] = JSON.parse(el.value || 'null');
  }
  return values;
}

export function createPlugins({ onChanged }) {
  let admin = false;
  let plugins = [];

  async function run(slug, op, body, note) {
    note.textContent = `${op}…`;
    try {
      const answer = await postJson(`${slugPath(slug)}/${op}`, body);
      note.textContent = '';
      render(answer.plugins);
      onChanged();
    } catch (err) {
      note.textContent = err.message;
      note.dataset.state = 'error';
    }
  }

  function card(p) {
    const note = h('p', { class: 'note', role: 'status' });
    const running = p.status === 'running';
    const buttons = [
      running
        ? h('button', { type: 'button', 'data-op': 'disable', onclick: () => run(p.slug, 'disable', undefined, note) }, 'Disable')
        : h('button', { type: 'button', 'data-op': 'enable', onclick: () => run(p.slug, 'enable', undefined, note) }, 'Enable'),
      h('button', { type: 'button', 'data-op': 'reload', onclick: () => run(p.slug, 'reload', undefined, note) }, 'Reload'),
    ];
    const links = [];
    if (p.permissions.includes('http.serve')) links.push(h('a', { href: `/plugins/${encodeURIComponent(p.slug)}/`, target: '_blank', rel: 'noopener' }, 'public files'));
    for (const page of p.adminPages ?? []) {
      links.push(h('a', { href: adminHref(p.slug, page.path), target: '_blank', rel: 'noopener', class: 'admin-link', 'data-admin-page': page.path }, `admin: ${page.title}`));
    }
    let config = null;
    if (p.config.length) {
      const form = h(
        'form',
        { class: 'config-form' },
        p.config.map((f) =>
          h('label', { for: `config-${p.slug}-${f.key}` }, h('span', { class: 'config-key' }, f.key), h('span', { class: 'muted' }, ` ${f.type}`), configInput(p.slug, f), f.description ? h('small', { class: 'muted' }, f.description) : null),
        ),
        h('button', { type: 'submit' }, 'Save config and reload'),
      );
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        let values;
        try {
          values = readConfig(form);
        } catch (err) {
          note.textContent = `config: ${err.message}`;
          return;
        }
        run(p.slug, 'config', values, note);
      });
      config = h('details', {}, h('summary', {}, `config (${p.config.length})`), form);
    }
    return h(
      'li',
      { class: 'plugin-card', 'data-slug': p.slug, 'data-status': p.status },
      h('div', { class: 'row' }, h('b', {}, p.name), h('span', { class: 'muted' }, `${p.slug} ${p.version}`), h('span', { class: 'spacer' }), h('span', { class: `pill status-${p.status}` }, p.status)),
      p.description ? h('p', { class: 'muted' }, p.description) : null,
      p.reason ? h('p', { class: 'why' }, p.reason) : null,
      p.warnings.length ? h('ul', { class: 'warnings' }, p.warnings.map((w) => h('li', {}, w))) : null,
      h('p', { class: 'perms' }, p.permissions.map((perm) => h('span', { class: 'tag' }, perm))),
      h('div', { class: 'row' }, buttons, h('span', { class: 'spacer' }), links),
      !admin && (p.adminPages ?? []).length ? h('p', { class: 'muted small' }, 'Admin pages answer 401 until you log in as admin.') : null,
      config,
      note,
    );
  }

  function render(list) {
    plugins = list;
    fill($('plugin-list'), plugins.map(card));
  }

  function setAdmin(value) {
    admin = value;
    render(plugins);
  }

  return { render, setAdmin };
}
