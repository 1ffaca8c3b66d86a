// The console: wires the viewer page, the chat, the developer panel and the live feed.
import { getJson, postJson } from './api.js';
import { createActivity } from './activity.js';
import { createChat } from './chat.js';
import { $, debounce } from './dom.js';
import { createPlugins } from './plugins.js';
import { createSession } from './session.js';
import { createStorage } from './storage.js';
import { createViewer } from './viewer.js';

const viewer = createViewer();
const chat = createChat();
const activity = createActivity();
const storage = createStorage();
const report = (what) => (err) => activity.add({ type: 'log', level: 'error', message: `console: ${what}: ${err.message}`, at: Date.now() });

async function refreshState() {
  const state = await getJson('/_dev/state');
  $('server-name').textContent = state.world?.server?.name ?? '';
  viewer.renderStream(state.world);
  chat.setUsers(state.world?.users ?? []);
  plugins.render(state.plugins);
  storage.setPlugins(state.plugins);
}

const refreshViewer = debounce(() => viewer.refresh().catch(report('/api/config')), 150);
const refreshChat = debounce(() => chat.refresh().catch(report('/_dev/chat')), 100);
const refreshPlugins = debounce(() => refreshState().catch(report('/_dev/state')), 150);
const refreshStorage = debounce(() => storage.show(), 300);

const plugins = createPlugins({ onChanged: () => (refreshViewer(), refreshState().catch(report('/_dev/state'))) });
const session = createSession({
  onChange: (admin) => {
    plugins.setAdmin(admin);
    refreshViewer(); // tab and page content may depend on who is asking
  },
});

// ---- the developer panel's tabs -------------------------------------------------------
for (const tab of document.querySelectorAll('.dev-tabs [role=tab]')) {
  tab.addEventListener('click', () => {
    for (const t of document.querySelectorAll('.dev-tabs [role=tab]')) t.setAttribute('aria-selected', String(t === tab));
    for (const panel of document.querySelectorAll('.dev-panel')) panel.hidden = panel.id !== `panel-${tab.dataset.panel}`;
    if (tab.dataset.panel === 'storage') storage.show();
  });
}

$('event-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const result = $('event-result');
  try {
    const payload = JSON.parse($('event-payload').value || '{}');
    const answer = await postJson('/_dev/event', { type: $('event-type').value.trim(), payload });
    result.textContent = `Dispatched ${answer.dispatched}: ${answer.trace.notified.length} notified${answer.trace.dropped ? `, dropped by ${answer.trace.dropped.slug}` : ''}.`;
  } catch (err) {
    result.textContent = err.message;
  }
});

// ---- the live feed ----------------------------------------------------------------------
const PLUGIN_NEWS = new Set(['plugin', 'build', 'disabled', 'strike', 'host.disabled', 'host.worker-restarted', 'host.crashed', 'host.failed']);

function onActivity(e) {
  activity.add(e);
  if (e.type === 'message' || e.type === 'chat') refreshChat();
  if (e.type === 'message' || e.type === 'event' || PLUGIN_NEWS.has(e.type)) refreshViewer();
  if (PLUGIN_NEWS.has(e.type)) refreshPlugins();
  if (e.slug && e.slug === $('storage-plugin').value && !$('panel-storage').hidden) refreshStorage();
}

function connect() {
  const status = $('feed-status');
  const feed = new EventSource('/_dev/stream');
  feed.addEventListener('open', () => {
    status.textContent = 'live';
    status.dataset.state = 'live';
  });
  feed.addEventListener('error', () => {
    status.textContent = 'reconnecting…';
    status.dataset.state = 'connecting';
  });
  feed.addEventListener('activity', (m) => onActivity(JSON.parse(m.data)));
  feed.addEventListener('dropped', (m) => activity.dropped(Number(m.data)));
}

await refreshState().catch(report('/_dev/state'));
await Promise.all([viewer.refresh().catch(report('/api/config')), chat.refresh().catch(report('/_dev/chat')), session.probe().catch(report('admin status'))]);
connect();
