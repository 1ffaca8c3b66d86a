// Admin login for the console's browser: /_dev/login sets a cookie the server reads as the
// reference's "Bearer admin", so plugin admin pages open in this browser. The cookie is
// HttpOnly; whether it is set is read back from /api/admin/plugins (200 for an admin, else 401).
import { postJson } from './api.js';
import { $ } from './dom.js';

export function createSession({ onChange }) {
  let admin = false;

  function show() {
    $('admin-status').textContent = admin ? 'admin' : 'viewer';
    $('admin-status').dataset.admin = String(admin);
    $('admin-toggle').textContent = admin ? 'Log out' : 'Log in as admin';
  }

  async function probe() {
    const res = await fetch('/api/admin/plugins', { headers: { accept: 'application/json' } });
    admin = res.ok;
    show();
    onChange(admin);
  }

  $('admin-toggle').addEventListener('click', async () => {
    await postJson(admin ? '/_dev/logout' : '/_dev/login?as=admin');
    await probe();
  });

  return { probe, isAdmin: () => admin };
}
