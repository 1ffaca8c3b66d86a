// The Storage panel: one plugin's KV entries, SQL tables (a page of rows at a time) and
// sandboxed files, read through /_dev/plugins/<slug>/kv, /sql, /files. Values are text.
import { getJson, slugPath } from './api.js';
import { $, fill, h } from './dom.js';

const PAGE = 50;

function table(headers, rows) {
  return h('table', {}, h('thead', {}, h('tr', {}, headers.map((c) => h('th', {}, c)))), h('tbody', {}, rows));
}

/** A SQL cell as text (see SqlCell: big integers, cut text and blobs come as objects). */
function cellText(cell) {
  if (cell === null) return 'NULL';
  if (typeof cell !== 'object') return String(cell);
  if ('int' in cell) return cell.int;
  if ('text' in cell) return `${cell.text}… (${cell.bytes} bytes)`;
  return `blob ${cell.bytes} bytes: ${cell.blob}${cell.truncated ? '…' : ''}`;
}

/** base64 bytes as UTF-8 text, or a note when they are not text. */
function bytesText(base64) {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return `(binary, ${bytes.length} bytes) ${[...bytes.slice(0, 64)].map((b) => b.toString(16).padStart(2, '0')).join(' ')}`;
  }
}

export function createStorage() {
  const select = $('storage-plugin');

  async function showKv(slug) {
    const kv = await getJson(`${slugPath(slug)}/kv`);
    if (!kv.entries.length) return fill($('storage-kv'), h('p', { class: 'muted' }, 'no keys'));
    const rows = kv.entries.map((e) =>
      h('tr', { 'data-key': e.key }, h('td', {}, e.key, e.runtime ? h('span', { class: 'tag' }, 'host') : null), h('td', {}, h('pre', {}, e.value + (e.truncated ? '…' : ''))), h('td', { class: 'muted' }, `${e.size} B`)),
    );
    fill($('storage-kv'), table(['key', 'value', 'size'], rows), kv.truncated ? h('p', { class: 'muted' }, `first ${kv.entries.length} of ${kv.total} keys`) : null);
  }

  async function showSql(slug) {
    const { tables } = await getJson(`${slugPath(slug)}/sql`);
    if (!tables.length) return fill($('storage-sql'), h('p', { class: 'muted' }, 'no tables'));
    const rowsView = h('div', { class: 'sql-rows' });
    const list = h(
      'ul',
      { class: 'link-list' },
      tables.map((t) =>
        h('li', {}, h('button', { type: 'button', class: 'link', onclick: () => showRows(slug, t.name, 0, rowsView) }, t.name), h('span', { class: 'muted' }, ` ${t.rows} rows · ${t.columns.map((c) => c.name).join(', ')}`)),
      ),
    );
    fill($('storage-sql'), list, rowsView);
  }

  async function showRows(slug, name, offset, view) {
    const page = await getJson(`${slugPath(slug)}/sql/${encodeURIComponent(name)}?limit=${PAGE}&offset=${offset}`);
    const rows = page.rows.map((r) => h('tr', {}, r.map((c) => h('td', { class: c === null ? 'muted' : null }, cellText(c)))));
    const nav = h(
      'div',
      { class: 'row' },
      h('span', { class: 'muted' }, `${name}: rows ${page.total ? offset + 1 : 0}–${offset + page.rows.length} of ${page.total}`),
      offset > 0 ? h('button', { type: 'button', onclick: () => showRows(slug, name, Math.max(0, offset - PAGE), view) }, 'Previous') : null,
      offset + page.rows.length < page.total ? h('button', { type: 'button', onclick: () => showRows(slug, name, offset + PAGE, view) }, 'Next') : null,
    );
    fill(view, nav, table(page.columns, rows));
  }

  async function showFiles(slug) {
    const listing = await getJson(`${slugPath(slug)}/files`);
    if (!listing.entries.length) return fill($('storage-files'), h('p', { class: 'muted' }, 'no files'));
    const content = h('div', { class: 'file-content' });
    const open = async (path) => {
      const file = await getJson(`${slugPath(slug)}/files/${path.split('/').map(encodeURIComponent).join('/')}`);
      fill(content, h('div', { class: 'muted' }, `${file.path} · ${file.size} bytes${file.truncated ? ' (first part)' : ''}`), h('pre', {}, bytesText(file.data)));
    };
    const rows = listing.entries.map((e) =>
      h('tr', {}, h('td', {}, e.type === 'file' ? h('button', { type: 'button', class: 'link', onclick: () => open(e.path) }, e.path) : `${e.path}/`), h('td', { class: 'muted' }, e.type === 'file' ? `${e.size} B` : e.type)),
    );
    fill($('storage-files'), table(['path', 'size'], rows), content);
  }

  async function show() {
    const slug = select.value;
    if (!slug) return;
    for (const [id, load] of [['storage-kv', showKv], ['storage-sql', showSql], ['storage-files', showFiles]]) {
      load(slug).catch((err) => fill($(id), h('p', { class: 'why' }, err.message)));
    }
  }

  select.addEventListener('change', show);
  $('storage-refresh').addEventListener('click', show);

  function setPlugins(plugins) {
    const current = select.value;
    fill(select, plugins.map((p) => h('option', { value: p.slug }, p.name ? `${p.name} (${p.slug})` : p.slug)));
    if (plugins.some((p) => p.slug === current)) select.value = current;
  }

  return { show, setPlugins };
}
