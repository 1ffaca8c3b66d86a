// Inlined into the viewer page by the host, in its own try/catch; it shares the page's window, so
// it keeps to itself in an IIFE. Keeps the "now playing" banner current by asking the plugin.
(function () {
  var base = '/plugins/ui-demo'
  function update() {
    fetch(base + '/now-playing', {cache: 'no-store'})
      .then(function (res) { return res.ok ? res.json() : null })
      .then(function (np) {
        var el = document.querySelector('.ui-demo-banner .ui-demo-song')
        if (np && el) el.textContent = np.song || 'Nothing right now'
      })
      .catch(function () {})
  }
  function schedule() {
    // set by the plugin's onPageScripts (from its settings), which the host adds after this file
    var seconds = (window.uiDemo && window.uiDemo.pollSeconds) || 15
    setTimeout(function () { update(); schedule() }, seconds * 1000)
  }
  schedule()
})()
