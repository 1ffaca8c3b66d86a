// The chat panel: the dev world's chat log (GET /_dev/chat, repainted when the feed says chat
// moved) and the composer, which sends as any name and persona through POST /_dev/chat.
import { getJson, postJson } from './api.js';
import { $, clock, fill, h } from './dom.js';

export function createChat() {
  const list = $('chat-messages');

  function line(m) {
    const user = m.user;
    const kind = !user ? 'system' : user.isBot ? 'bot' : 'user';
    const tags = [];
    if (user?.scopes?.includes('MODERATOR')) tags.push(h('span', { class: 'tag' }, 'mod'));
    if (user && !user.isBot && !user.isAuthenticated) tags.push(h('span', { class: 'tag' }, 'anon'));
    return h(
      'li',
      { class: 'chat-line', 'data-kind': kind, 'data-id': m.id },
      h('time', { class: 'muted' }, clock(m.timestamp)),
      ' ',
      user ? h('span', { class: 'chat-user' }, user.displayName) : h('span', { class: 'chat-user' }, 'system'),
      tags,
      ' ',
      h('span', { class: 'chat-body' }, m.body),
    );
  }

  /** Repaints the log, in time order (a bot's reply is logged before the message it answers). */
  async function refresh() {
    const { messages } = await getJson('/_dev/chat');
    const ordered = messages.map((m, i) => ({ m, i, t: Date.parse(m.timestamp) || 0 })).sort((a, b) => a.t - b.t || a.i - b.i);
    const stick = list.scrollTop + list.clientHeight >= list.scrollHeight - 8;
    fill(list, ordered.map(({ m }) => line(m)));
    if (stick) list.scrollTop = list.scrollHeight;
  }

  let known = [];

  function setUsers(users) {
    known = users;
    fill($('chat-users'), users.map((u) => h('option', { value: u.displayName }, (u.scopes ?? []).includes('MODERATOR') ? 'moderator' : '')));
  }

  // picking a known user picks their persona too (it stays editable)
  $('chat-user').addEventListener('change', () => {
    const user = known.find((u) => u.displayName === $('chat-user').value.trim());
    if (!user) return;
    $('chat-as').value = (user.scopes ?? []).includes('MODERATOR') ? 'moderator' : user.isAuthenticated ? 'viewer' : 'anonymous';
  });

  $('chat-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = $('chat-body').value;
    const result = $('chat-result');
    try {
      const answer = await postJson('/_dev/chat', { user: $('chat-user').value.trim(), body, as: $('chat-as').value });
      result.textContent = answer.allowed ? (answer.trace.modified ? 'Sent (modified by a filter).' : 'Sent.') : `Dropped: ${answer.reason || 'no reason given'}`;
      result.dataset.state = answer.allowed ? 'ok' : 'dropped';
      $('chat-body').value = '';
    } catch (err) {
      result.textContent = err.message;
      result.dataset.state = 'error';
    }
  });

  return { refresh, setUsers };
}
