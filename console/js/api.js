// The dev server's JSON API (/_dev/*), with errors as Error(message).

export async function getJson(path) {
  return answer(await fetch(path, { headers: { accept: 'application/json' } }));
}

export async function postJson(path, body) {
  const init = { method: 'POST', headers: { 'content-type': 'application/json' } };
  if (body !== undefined) init.body = JSON.stringify(body);
  return answer(await fetch(path, init));
}

async function answer(res) {
  const text = await res.text();
  let value = null;
  try {
    value = text ? JSON.parse(text) : null;
  } catch {
    value = null;
  }
  if (!res.ok) {
    const message = value?.error?.message || (typeof value?.error === 'string' ? value.error : '') || text.trim() || res.statusText;
    throw new Error(`${res.status}: ${message}`);
  }
  return value;
}

export const slugPath = (slug) => `/_dev/plugins/${encodeURIComponent(slug)}`;
