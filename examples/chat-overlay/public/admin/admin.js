// The admin page: the counters and the top chatters, live, and a reset. admin/chatters and
// admin/reset lie under the admin page's path, so only an admin reaches them.
(function () {
  const base = '/plugins/chat-overlay';
  const $ = (id) => document.getElementById(id);

  function cell(text) {
    const td = document.createElement('td');
    td.textContent = text;
    return td;
  }

  async function showChatters() {
    const rows = await (await fetch(base + '/admin/chatters')).json();
    $('chatters').replaceChildren(
      ...rows.map((r) => {
        const tr = document.createElement('tr');
        tr.append(cell(r.display_name), cell(String(r.messages)));
        return tr;
      }),
    );
  }

  function show(stats) {
    $('count').textContent = String(stats.count);
    $('since').textContent = stats.since ? '(since ' + new Date(stats.since).toLocaleString() + ')' : '';
    $('last').textContent = stats.last ? stats.last.user + ': ' + stats.last.body : 'none yet';
    showChatters();
  }

  fetch(base + '/stats').then((r) => r.json()).then(show);
  new EventSource(base + '/_sse/overlay').addEventListener('stats', (e) => show(JSON.parse(e.data)));

  $('reset').addEventListener('click', async () => {
    const res = await fetch(base + '/admin/reset', { method: 'POST' });
    $('status').textContent = res.ok ? 'Counters reset.' : 'Reset failed: ' + res.status;
    if (res.ok) show(await res.json());
  });
})();
