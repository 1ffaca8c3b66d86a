// The top chatters, from the plugin's public JSON (names go into the page as text).
fetch('leaderboard?limit=20', {cache: 'no-store'})
  .then((res) => res.json())
  .then((entries) => {
    const board = document.getElementById('board')
    if (entries.length === 0) {
      board.replaceChildren(Object.assign(document.createElement('li'), {textContent: 'No points yet.'}))
      return
    }
    board.replaceChildren(
      ...entries.map(({name, points}) => {
        const li = document.createElement('li')
        const pts = Object.assign(document.createElement('span'), {className: 'points', textContent: ` ${points} points`})
        li.append(name, pts)
        return li
      }),
    )
  })
