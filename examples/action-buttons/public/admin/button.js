// Shows, saves and removes the custom button through the plugin's admin API.
const form = document.getElementById('button')
const status = document.getElementById('status')
const api = 'api/button'

async function load() {
  const {button} = await (await fetch(api, {cache: 'no-store'})).json()
  if (!button) return
  form.title.value = button.title
  form.url.value = button.url
  if (button.color) form.color.value = button.color
}

form.addEventListener('submit', async (event) => {
  event.preventDefault()
  const res = await fetch(api, {
    method: 'POST',
    headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({title: form.title.value, url: form.url.value, color: form.color.value}),
  })
  status.textContent = res.ok ? 'Saved: reload the viewer page to see it.' : `Not saved: ${(await res.json()).error}`
})

document.getElementById('remove').addEventListener('click', async () => {
  const res = await fetch(api, {method: 'DELETE'})
  status.textContent = res.ok ? 'Removed.' : `HTTP ${res.status}`
  if (res.ok) form.reset()
})

load().catch((err) => {
  status.textContent = err.message
})
