// The host endpoints beside /plugins/ (§G.6, production §3.7): plugin icons, admin
// instructions, the public action buttons (manifest + runtime, sanitized), admin list /
// enable / disable / reload through the backend, and the viewer page contributions
// (/api/config, /customjavascript) assembled from assets/ and the content exports.
import { runInNewContext } from 'node:vm';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { PluginHost } from '../../../src/lib/host/host.js';
import { devAuthResolver, sanitizeActionHtml, type PluginAdminBackend, type ViewerConfig } from '../../../src/lib/devserver/http/index.js';
import { buildPlugin, removeTemps, serve, type BuiltPlugin, type Served } from './helpers.js';

const ADMIN = { Authorization: 'Bearer admin' };
const ICON = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

const uiSource = `
  import { definePlugin, owncast } from '@owncast/plugin-sdk';
  definePlugin({
    onPageStyles() { return 'body { --from-export: 1; }'; },
    onPageScripts() { return 'globalThis.ran.push("ui export");'; },
    onTabContent(req) { return '<p>stats for ' + (req.user ? req.user.displayName : 'nobody') + ' in ' + req.slug + '</p>'; },
    onHttpRequest(req) {
      if (req.path === '/add-actions') {
        owncast.actions.add([
          { title: 'Runtime link', url: '/board' },
          { title: 'Runtime html', html: '<p onclick="steal()">hi <a href="javascript:alert(1)">there</a></p><style>*{}</style>' },
          { title: 'Runtime script url', url: 'javascript:alert(document.cookie)' },
          { title: 'Runtime bad icon', url: 'https://example.com/x', icon: 'javascript:alert(1)' },
        ]);
        return { body: 'added' };
      }
      if (req.path === '/clear-actions') { owncast.actions.clear(); return { body: 'cleared' }; }
      return { status: 404 };
    },
  });
`;

const slotSource = `
  import { definePlugin } from '@owncast/plugin-sdk';
  definePlugin({ onPageContent(req) { return '<div>slot ' + req.slug + (req.user ? ' for ' + req.user.displayName : '') + '</div>'; } });
`;

const plainSource = `
  import { definePlugin } from '@owncast/plugin-sdk';
  definePlugin({
    onPageStyles() { return 'NOT-A-CONTRIBUTOR'; },
    onPageScripts() { return 'NOT-A-CONTRIBUTOR'; },
    onHttpRequest() { return { body: 'plain here' }; },
  });
`;

/** Admin operations over the host, as the dev server wires its plugin manager. */
function hostAdmin(host: PluginHost, built: Map<string, BuiltPlugin>): PluginAdminBackend {
  const loaded = (slug: string) => {
    const p = host.plugin(slug);
    if (!p) throw new Error(`plugin "${slug}" is not loaded`);
    return p;
  };
  const load = async (slug: string) => {
    const b = built.get(slug);
    if (!b) throw new Error(`no plugin "${slug}"`);
    await host.load(b.source);
  };
  return {
    list: async () => [...built.keys()].sort().map((slug) => ({ slug, loaded: host.plugin(slug) !== undefined })),
    enable: async (slug) => {
      if (!host.plugin(slug)) await load(slug);
    },
    disable: async (slug) => host.unload(loaded(slug)),
    reload: async (slug) => {
      await host.unload(loaded(slug));
      await load(slug);
    },
  };
}

let s: Served;
beforeAll(async () => {
  const plugins = await Promise.all([
    buildPlugin({
      source: uiSource,
      manifest: {
        name: 'ui',
        permissions: ['ui.modify', 'http.serve'],
        styles: ['style.css'],
        scripts: ['boom.js', 'ok.js'],
        extraPageContent: { slug: 'banner', content: 'extra.html' },
        tabs: [
          { title: 'About', content: 'about.html' },
          { title: 'Stats', slug: 'stats' },
        ],
        actions: [
          { title: 'Docs', url: 'https://example.com/docs', color: '#3b82f6', openExternally: true },
          { title: 'Card', html: '<b>bold</b><script>alert(1)</script><img src="https://example.com/a.png" onerror="alert(1)">' },
        ],
      },
      assets: {
        'style.css': 'body { --from-asset: 1; }',
        'boom.js': 'globalThis.ran.push("boom"); throw new Error("boom.js broke");',
        'ok.js': 'globalThis.ran.push("ok");',
        'extra.html': '<aside>extra</aside>',
        'about.html': '<p>about us</p>',
      },
      public: { 'pub.txt': 'public' },
      icon: ICON,
      instructions: '# Setup\n\nDo the thing.\n',
    }),
    buildPlugin({ source: slotSource, manifest: { name: 'slot', permissions: ['ui.modify'], extraPageContent: { slug: 'slot-here' }, scripts: ['second.js'] }, assets: { 'second.js': 'globalThis.ran.push("slot");' } }),
    buildPlugin({ source: plainSource, manifest: { name: 'plain', permissions: ['http.serve'] } }),
  ]);
  s = await serve(plugins, { auth: devAuthResolver(), admin: hostAdmin });
});
afterAll(async () => {
  await s?.close();
  await removeTemps();
});

describe('icon and instructions', () => {
  it('GET /api/plugins/<slug>/icon is the PNG, no-cache, for anyone; 404 without one; 405 for other methods', async () => {
    const r = await s.request('/api/plugins/ui/icon');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('image/png');
    expect(r.headers['cache-control']).toBe('no-cache');
    expect(r.body).toEqual(Buffer.from(ICON));
    expect((await s.request('/api/plugins/plain/icon')).status).toBe(404);
    expect((await s.request('/api/plugins/nobody/icon')).status).toBe(404);
    expect((await s.request('/api/plugins/ui/icon', { method: 'POST' })).status).toBe(405);
  });

  it('GET /api/admin/plugins/<slug>/instructions is the markdown, for admins only', async () => {
    const anon = await s.request('/api/admin/plugins/ui/instructions');
    expect(anon.status).toBe(401);
    expect(anon.headers['www-authenticate']).toBe('Bearer realm="Owncast admin"');
    const r = await s.request('/api/admin/plugins/ui/instructions', { headers: ADMIN });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(r.headers['cache-control']).toBe('no-cache');
    expect(r.text).toBe('# Setup\n\nDo the thing.\n');
    expect((await s.request('/api/admin/plugins/plain/instructions', { headers: ADMIN })).status).toBe(404);
    expect((await s.request('/api/admin/plugins/ui/instructions', { method: 'DELETE', headers: ADMIN })).status).toBe(405);
  });
});

describe('action buttons', () => {
  it('GET /api/plugins/actions lists manifest buttons and runtime ones, sanitized for the viewer page', async () => {
    expect((await s.request('/plugins/ui/add-actions', { method: 'POST' })).text).toBe('added');
    const r = await s.request('/api/plugins/actions');
    expect(r.status).toBe(200);
    const actions = r.json<{ title: string; url: string; html: string; icon: string }[]>();
    expect(actions.map((a) => a.title)).toEqual(['Docs', 'Card', 'Runtime link', 'Runtime html', 'Runtime bad icon']);
    expect(actions[0]).toMatchObject({ url: 'https://example.com/docs', color: '#3b82f6', openExternally: true, html: '' });
    expect(actions[1]!.html).toBe('<b>bold</b><img src="https://example.com/a.png" />');
    expect(actions[2]!.url).toBe('/plugins/ui/board');
    expect(actions[3]!.html).toBe('<p>hi <a>there</a></p>');
    expect(actions[4]).toMatchObject({ url: 'https://example.com/x', icon: '' });
    expect(r.text).not.toMatch(/javascript:|onclick|onerror|<script|<style/i);
    expect(s.warnings.some((w) => w.includes('"Runtime script url" left out'))).toBe(true);
    expect((await s.request('/api/plugins/actions', { method: 'POST' })).status).toBe(405);
    await s.request('/plugins/ui/clear-actions', { method: 'POST' });
    expect((await s.request('/api/plugins/actions')).json<unknown[]>()).toHaveLength(2);
  });

  it('the sanitizer keeps formatting and plain links and removes everything that runs', () => {
    const cases: [string, string][] = [
      ['<b>bold</b> <i>it</i> <a href="https://x.test/a" title="t">link</a>', '<b>bold</b> <i>it</i> <a href="https://x.test/a" title="t">link</a>'],
      ['<script>alert(1)</script>text', 'text'],
      ['<img src=x onerror=alert(1)>', '<img src="x" />'],
      ['<a href="javascript:alert(1)">x</a>', '<a>x</a>'],
      ['<a href="JaVaScRiPt&colon;alert(1)">x</a>', '<a>x</a>'],
      ['<a href=" javascript:alert(1)">x</a>', '<a>x</a>'],
      ['<a href="data:text/html,<script>alert(1)</script>">x</a>', '<a>x</a>'],
      ['<img src="data:image/svg+xml,<svg onload=alert(1)>">', '<img />'],
      ['<a href="//evil.test/">x</a>', '<a>x</a>'],
      ['<a href="/plugins/ui/page" target="_top">x</a>', '<a href="/plugins/ui/page" target="_blank" rel="noopener noreferrer">x</a>'],
      ['<div style="background:url(javascript:alert(1))" class="owncast-chrome" id="x">d</div>', '<div>d</div>'],
      ['<iframe src="https://x.test"></iframe><object data="x"></object><embed src="x"><form action="/x"><input name="p"></form>', ''],
      ['<svg><script>alert(1)</script></svg><math><mi>x</mi></math>', 'x'],
      ['<style>body{display:none}</style><link rel="stylesheet" href="x"><meta http-equiv="refresh" content="0;url=javascript:alert(1)">', ''],
      ['<table><tr><td colspan="2" onmouseover="x()">c</td></tr></table>', '<table><tr><td colspan="2">c</td></tr></table>'],
      ['<a href="mailto:me@x.test">mail</a>', '<a href="mailto:me@x.test">mail</a>'],
    ];
    for (const [dirty, clean] of cases) expect(sanitizeActionHtml(dirty), dirty).toBe(clean);
  });
});

describe('the viewer page contributions', () => {
  it('/api/config: styles, extra page content and tabs from assets/ and the content exports, with production attribution', async () => {
    const r = await s.request('/api/config', { headers: { Authorization: 'Bearer user:ada' } });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    const config = r.json<ViewerConfig>();
    expect(config.customStyles).toBe(
      '/* plugin: ui — style.css */\nbody { --from-asset: 1; }\n/* plugin: ui — on_page_styles() */\nbody { --from-export: 1; }\n',
    );
    expect(config.extraPageContent).toBe(
      '<!-- plugin: slot — on_page_content() -->\n<div>slot slot-here for ada</div>\n<!-- plugin: ui — extra.html -->\n<aside>extra</aside>\n',
    );
    expect(config.pluginTabs).toEqual([
      { plugin: 'ui', slug: 'about', title: 'About', html: '<!-- plugin: ui — about.html -->\n<p>about us</p>' },
      { plugin: 'ui', slug: 'stats', title: 'Stats', html: '<!-- plugin: ui — on_tab_content() -->\n<p>stats for ada in stats</p>' },
    ]);
    expect(config.externalActions.map((a) => a.title)).toEqual(['Docs', 'Card']);
    // a plugin without ui.modify contributes nothing, whatever its exports say
    expect(r.text).not.toContain('NOT-A-CONTRIBUTOR');
    // an anonymous viewer: no user in the content requests
    const anon = (await s.request('/api/config')).json<ViewerConfig>();
    expect(anon.pluginTabs[1]!.html).toContain('stats for nobody');
  });

  it('/customjavascript: every script in its own try/catch, so one that throws stops nothing else', async () => {
    const r = await s.request('/customjavascript');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(r.text).toContain('// plugin: ui — boom.js\ntry {\n');
    expect(r.text).toContain('// plugin: ui — on_page_scripts()\n');
    expect(r.text).not.toContain('NOT-A-CONTRIBUTOR');
    const errors: unknown[][] = [];
    const sandbox = { ran: [] as string[], console: { error: (...args: unknown[]) => errors.push(args) } };
    runInNewContext(r.text, sandbox);
    expect(sandbox.ran).toEqual(['slot', 'boom', 'ok', 'ui export']);
    expect(errors).toHaveLength(1);
    expect(errors[0]![0]).toBe('plugin ui: boom.js failed');
  });

  it('assets/ stay internal: the files inlined above are not served', async () => {
    for (const path of ['/plugins/ui/style.css', '/plugins/ui/about.html', '/plugins/ui/assets/style.css']) {
      const r = await s.request(path);
      expect(r.status, path).toBe(404);
    }
    expect((await s.request('/plugins/ui/pub.txt')).text).toBe('public');
  });
});

describe('admin plugin operations', () => {
  it('need an admin; list the plugins', async () => {
    expect((await s.request('/api/admin/plugins')).status).toBe(401);
    const r = await s.request('/api/admin/plugins', { headers: ADMIN });
    expect(r.json()).toEqual([
      { slug: 'plain', loaded: true },
      { slug: 'slot', loaded: true },
      { slug: 'ui', loaded: true },
    ]);
  });

  it('disable takes a plugin off every route; enable brings it back; reload too', async () => {
    const post = (path: string) => s.request(path, { method: 'POST', headers: ADMIN });
    expect((await s.request('/plugins/plain/')).text).toBe('plain here');
    const off = await post('/api/admin/plugins/plain/disable');
    expect(off.json()).toEqual({ status: 'ok', name: 'plain', action: 'disable' });
    expect((await s.request('/plugins/plain/')).status).toBe(404);
    expect((await post('/api/admin/plugins/plain/enable')).json()).toEqual({ status: 'ok', name: 'plain', action: 'enable' });
    expect((await s.request('/plugins/plain/')).text).toBe('plain here');
    expect((await post('/api/admin/plugins/plain/reload')).json()).toEqual({ status: 'ok', name: 'plain', action: 'reload' });
    expect((await s.request('/plugins/plain/')).text).toBe('plain here');
  });

  it('answers a refusal as 400 {error}, an unknown or missing action as 400 text, other methods as 405', async () => {
    const post = (path: string) => s.request(path, { method: 'POST', headers: ADMIN });
    const refused = await post('/api/admin/plugins/nobody/enable');
    expect(refused.status).toBe(400);
    expect(refused.json()).toEqual({ error: 'no plugin "nobody"' });
    const unknown = await post('/api/admin/plugins/plain/explode');
    expect(unknown.status).toBe(400);
    expect(unknown.text).toBe('unknown action "explode"\n');
    const missing = await post('/api/admin/plugins/plain');
    expect(missing.status).toBe(400);
    expect(missing.text).toBe('expected /<name>/<action>\n');
    expect((await s.request('/api/admin/plugins/plain/enable', { headers: ADMIN })).status).toBe(405);
    expect((await s.request('/api/admin/plugins/plain/enable', { method: 'POST' })).status).toBe(401);
  });

  it('answer 404 when no admin backend is wired', async () => {
    const bare = await serve([]);
    try {
      expect((await bare.request('/api/admin/plugins', { headers: ADMIN })).status).toBe(404);
      expect((await bare.request('/api/admin/plugins/x/enable', { method: 'POST', headers: ADMIN })).status).toBe(404);
      // and a path that is none of ours is a plain 404
      expect((await bare.request('/elsewhere')).text).toBe('404 page not found\n');
    } finally {
      await bare.close();
    }
  });
});
