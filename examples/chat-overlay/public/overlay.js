// The overlay: the current counters from /stats, then every update the plugin pushes with
// owncast.sse.send("overlay", "stats", ...). Chat text goes in with textContent, never as HTML.
(function () {
  const base = '/plugins/chat-overlay';
  const root = document.querySelector('.overlay');

  function show(stats) {
    document.getElementById('count').textContent = String(stats.count);
    document.getElementById('last-user').textContent = stats.last ? stats.last.user : '';
    document.getElementById('last-body').textContent = stats.last ? stats.last.body : 'Waiting for chat…';
  }

  fetch(base + '/stats').then((r) => r.json()).then(show, () => undefined);

  const events = new EventSource(base + '/_sse/overlay');
  events.addEventListener('open', () => (root.dataset.state = 'live'));
  events.addEventListener('error', () => (root.dataset.state = 'connecting'));
  events.addEventListener('stats', (e) => show(JSON.parse(e.data)));
})();
