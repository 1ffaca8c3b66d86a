// Asks the plugin who this browser is, and shows it (as text: a display name is not HTML).
const answer = document.getElementById('answer')
fetch('api/me', {cache: 'no-store', credentials: 'same-origin'})
  .then((res) => res.json())
  .then((me) => {
    if (!me.identified) {
      answer.textContent = 'Owncast does not know who you are: join the chat first.'
      return
    }
    const name = document.createElement('span')
    name.className = 'name'
    name.textContent = me.user.displayName
    answer.replaceChildren('You are ', name, me.moderator ? ', a moderator.' : '.')
  })
  .catch(() => {
    answer.textContent = 'Could not ask the server.'
  })
