// The viewer page as Owncast renders it for plugins: the stream, the action buttons, the
// plugins' tabs, extra page content and styles from /api/config, and /customjavascript.
// Tabs, extra content and action HTML are HTML by design (the server sanitized action HTML
// and attributed every piece); everything else goes in as text.
import { getJson } from './api.js';
import { $, fill, h } from './dom.js';

export function createViewer() {
  let selected = 'about';
  let scriptsLoaded = false;
  let world = null;

  function renderStream(w) {
    world = w;
    const stream = w?.stream ?? {};
    $('stream-status').textContent = stream.online ? 'LIVE' : 'OFFLINE';
    $('stream-status').dataset.online = String(Boolean(stream.online));
    $('stream-title').textContent = stream.title ?? w?.server?.name ?? '';
    $('stream-meta').textContent = stream.online ? `${stream.viewers ?? 0} viewers` : 'The stream is offline';
  }

  function renderActions(actions) {
    fill(
      $('actions'),
      actions.map((a) => {
        const style = /^#[0-9a-f]{3,8}$/i.test(a.color ?? '') ? `--accent: ${a.color}` : null;
        const props = { class: 'action-button', title: a.description || null, style, 'data-action': a.title };
        if (a.url && a.openExternally) return h('a', { ...props, href: a.url, target: '_blank', rel: 'noopener' }, a.title);
        return h('button', { ...props, type: 'button', onclick: () => openAction(a) }, a.title);
      }),
    );
  }

  function openAction(a) {
    $('action-dialog-title').textContent = a.title;
    const body = $('action-dialog-body');
    if (a.url) fill(body, h('iframe', { src: a.url, title: a.title, class: 'action-frame' }));
    else body.innerHTML = a.html; // sanitized by the server (/api/config externalActions)
    $('action-dialog').showModal();
  }

  function renderTabs(pluginTabs) {
    const about = { id: 'about', title: 'About', html: null };
    const tabs = [about, ...pluginTabs.map((t) => ({ id: `${t.plugin}/${t.slug}`, title: t.title, html: t.html, plugin: t.plugin }))];
    if (!tabs.some((t) => t.id === selected)) selected = 'about';
    fill(
      $('tabs'),
      tabs.map((t) =>
        h('button', { type: 'button', role: 'tab', 'aria-selected': String(t.id === selected), 'data-tab': t.id, title: t.plugin ? `from ${t.plugin}` : null, onclick: () => select(t.id) }, t.title),
      ),
    );
    fill(
      $('tab-panels'),
      tabs.map((t) => {
        const panel = h('div', { class: 'tab-panel', role: 'tabpanel', 'data-tab': t.id, hidden: t.id !== selected });
        if (t.html === null) fill(panel, aboutPanel());
        else panel.innerHTML = t.html; // plugin tab HTML, attributed by the server
        return panel;
      }),
    );
  }

  function aboutPanel() {
    const server = world?.server ?? {};
    return [h('h3', {}, server.name ?? 'Owncast'), h('p', {}, server.summary ?? ''), h('p', { class: 'muted' }, server.welcomeMessage ?? '')];
  }

  function select(id) {
    selected = id;
    for (const b of $('tabs').children) b.setAttribute('aria-selected', String(b.dataset.tab === id));
    for (const p of $('tab-panels').children) p.hidden = p.dataset.tab !== id;
  }

  /** Fetches /api/config again and repaints what plugins contribute. */
  async function refresh() {
    const config = await getJson('/api/config');
    $('plugin-styles').textContent = config.customStyles ?? '';
    renderActions(config.externalActions ?? []);
    renderTabs(config.pluginTabs ?? []);
    $('extra-page-content').innerHTML = config.extraPageContent ?? ''; // attributed HTML from the server
    if (!scriptsLoaded) {
      // like Owncast, once per page load: a script cannot be taken back
      scriptsLoaded = true;
      document.body.append(h('script', { src: '/customjavascript', 'data-plugin-scripts': true }));
    }
  }

  return { refresh, renderStream };
}
