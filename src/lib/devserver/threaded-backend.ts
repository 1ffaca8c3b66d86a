// The HTTP server's backend for `serve`: plugins run in the ThreadedHost's worker, their
// sources (public/, assets/, icon, instructions) stay on this thread in DevPlugins.

import { UserError } from '../errors.js';
import type { ThreadedHost } from '../host/threaded/index.js';
import type { LoadedSource } from '../host/manager/index.js';
import type { HttpPluginView, PluginAdminBackend, PluginHttpBackend } from './http/backend.js';
import type { DevPlugins } from './plugins.js';

export function threadedHttpBackend(host: ThreadedHost, plugins: DevPlugins, admin?: PluginAdminBackend): PluginHttpBackend {
  // first sight of each loaded source: its public files' Last-Modified
  const loadedAt = new WeakMap<LoadedSource, number>();
  const view = (s: LoadedSource): HttpPluginView => {
    let at = loadedAt.get(s);
    if (at === undefined) loadedAt.set(s, (at = Date.now()));
    return {
      slug: s.slug,
      name: s.name,
      permissions: [...s.permissions],
      manifest: s.manifest,
      publicFiles: s.publicFiles,
      assets: s.assets,
      icon: s.icon ?? null,
      instructions: s.instructions ?? null,
      loadedAt: at,
    };
  };
  const live = (slug: string) => plugins.live().find((s) => s.slug === slug);
  return {
    async plugins() {
      return plugins.live().map(view);
    },
    async plugin(slug) {
      const s = live(slug);
      return s ? view(s) : null;
    },
    async httpRequest(slug, request) {
      if (!live(slug)) throw new UserError(`plugin "${slug}" is not loaded or is disabled`, { code: 'PLUGIN_NOT_LIVE' });
      return host.call(slug, 'on_http_request', JSON.stringify(request));
    },
    async content(slug, exportName, input) {
      // '' when the plugin has no such export, is not live, or fails (production)
      return host.call(slug, exportName, input).then(
        (r) => r.output,
        () => '',
      );
    },
    async notify(slug, eventType, payload) {
      await host.notify(slug, eventType, payload);
    },
    async runtimeActions(slug) {
      return host.runtimeActions(slug);
    },
    ...(admin ? { admin } : {}),
  };
}
