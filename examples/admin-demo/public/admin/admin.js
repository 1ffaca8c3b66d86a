// Loads the settings into the form and saves them. Both requests go to /admin/..., so the host
// lets them through only with the admin's credentials (the browser sends them along).
const form = document.getElementById('settings')
const status = document.getElementById('status')

async function load() {
  const res = await fetch('api/settings', {cache: 'no-store'})
  if (!res.ok) throw new Error(`loading failed: HTTP ${res.status}`)
  const settings = await res.json()
  form.greeting.value = settings.greeting
  form.accent.value = settings.accent
}

form.addEventListener('submit', async (event) => {
  event.preventDefault()
  status.textContent = 'Saving…'
  const res = await fetch('api/settings', {
    method: 'POST',
    headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({greeting: form.greeting.value, accent: form.accent.value}),
  })
  status.textContent = res.status === 204 ? 'Saved.' : `Not saved: ${(await res.json().catch(() => ({}))).error ?? `HTTP ${res.status}`}`
})

load().catch((err) => {
  status.textContent = err.message
})
