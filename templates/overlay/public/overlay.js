// The overlay page: the current state from ./state, then every change the plugin pushes with
// owncast.sse.send("overlay", "state", ...). URLs are relative to /plugins/<slug>/, so the page
// keeps working if the plugin's slug changes. Chat text goes in as textContent, never as HTML.
(function () {
  var root = document.querySelector('.overlay');

  function show(state) {
    document.getElementById('count').textContent = String(state.messages);
    document.getElementById('user').textContent = state.last ? state.last.user : '';
    document.getElementById('body').textContent = state.last ? state.last.body : 'Waiting for chat…';
    root.classList.remove('fresh');
    void root.offsetWidth; // restart the highlight animation
    if (state.last) root.classList.add('fresh');
  }

  fetch('state').then(function (r) { return r.json(); }).then(show, function () {});

  var events = new EventSource('_sse/overlay');
  events.addEventListener('open', function () { root.dataset.state = 'live'; });
  events.addEventListener('error', function () { root.dataset.state = 'connecting'; });
  events.addEventListener('state', function (e) { show(JSON.parse(e.data)); });
})();
