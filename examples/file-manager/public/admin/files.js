// The file list, upload, download and delete, against the plugin's admin API. File names come
// from the server and go into the page as text, never as HTML.
const api = 'api/files'
const status = document.getElementById('status')
const rows = document.getElementById('files')

async function refresh() {
  const res = await fetch(api, {cache: 'no-store'})
  const {files} = await res.json()
  rows.replaceChildren(
    ...files.map((name) => {
      const tr = document.createElement('tr')
      const link = document.createElement('a')
      link.href = `${api}/${encodeURIComponent(name)}`
      link.download = name
      link.textContent = name
      const del = document.createElement('button')
      del.textContent = 'Delete'
      del.addEventListener('click', async () => {
        await fetch(`${api}/${encodeURIComponent(name)}`, {method: 'DELETE'})
        refresh()
      })
      const a = document.createElement('td')
      a.append(link)
      const b = document.createElement('td')
      b.append(del)
      tr.append(a, b)
      return tr
    }),
  )
}

function toBase64(buffer) {
  let binary = ''
  for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte)
  return btoa(binary)
}

document.getElementById('upload').addEventListener('submit', async (event) => {
  event.preventDefault()
  const file = document.getElementById('file').files[0]
  if (!file) return
  const res = await fetch(api, {
    method: 'POST',
    headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({name: file.name, base64: toBase64(await file.arrayBuffer())}),
  })
  const answer = await res.json()
  status.textContent = res.ok ? `${answer.replaced ? 'Replaced' : 'Uploaded'} ${answer.name} (${answer.size} bytes).` : `Not uploaded: ${answer.error}`
  refresh()
})

refresh().catch((err) => {
  status.textContent = `Could not list the files: ${err.message}`
})
