// Fills in the greeting and accent colour from the plugin's public API.
fetch('api/greeting', {cache: 'no-store'})
  .then((res) => (res.ok ? res.json() : null))
  .then((settings) => {
    if (!settings) return
    document.getElementById('greeting').textContent = settings.greeting
    document.documentElement.style.setProperty('--accent', settings.accent)
  })
  .catch(() => {})
