// The HTTP server's backend over a PluginHost on this thread (tests, and any caller that runs
// plugins where it serves HTTP). The threaded host has its own; this one is the reference.

import { UserError } from '../../errors.js';
import type { AuthSessionSink } from '../../host/env/auth.js';
import { readRuntimeActions } from '../../host/functions/actions.js';
import type { LoadedPlugin, PluginHost } from '../../host/host.js';
import type { ContentExport, HttpCallResult, HttpPluginView, PluginAdminBackend, PluginHttpBackend, SessionChange } from './backend.js';

export interface HostHttpBackendOptions {
  /** icon.png and INSTRUCTIONS.md, which PluginSource does not carry (the manager's LoadedSource does). */
  extras?(slug: string): { icon?: Uint8Array; instructions?: string } | undefined;
  /** Admin list / enable / disable / reload; absent, those endpoints answer 404. */
  admin?: PluginAdminBackend;
}

/** A PluginHttpBackend over `host`: its live plugins, calls through its dispatcher. */
export function hostHttpBackend(host: PluginHost, opts: HostHttpBackendOptions = {}): PluginHttpBackend {
  // first sight of each instance: its public files' Last-Modified
  const loadedAt = new WeakMap<LoadedPlugin, number>();
  const live = (slug: string): LoadedPlugin | undefined => {
    const plugin = host.plugin(slug);
    return plugin && !host.dispatcher.isDisabled(slug) ? plugin : undefined;
  };
  const view = (plugin: LoadedPlugin): HttpPluginView => {
    let at = loadedAt.get(plugin);
    if (at === undefined) loadedAt.set(plugin, (at = Date.now()));
    const extras = opts.extras?.(plugin.slug);
    return {
      slug: plugin.slug,
      name: plugin.identity.name,
      permissions: [...plugin.identity.permissions],
      manifest: plugin.manifest,
      publicFiles: plugin.identity.publicFiles,
      assets: plugin.identity.assets,
      icon: extras?.icon ?? null,
      instructions: extras?.instructions ?? null,
      loadedAt: at,
    };
  };
  const notLive = (slug: string) => new UserError(`plugin "${slug}" is not loaded or is disabled`, { code: 'PLUGIN_NOT_LIVE' });

  return {
    async plugins() {
      return host.plugins
        .filter((p) => !host.dispatcher.isDisabled(p.slug))
        .sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0))
        .map(view);
    },
    async plugin(slug) {
      const plugin = live(slug);
      return plugin ? view(plugin) : null;
    },
    async httpRequest(slug, request): Promise<HttpCallResult> {
      const plugin = live(slug);
      if (!plugin) throw notLive(slug);
      const session: SessionChange[] = [];
      const authSink: AuthSessionSink = {
        grant: (token, ttlSeconds) => void session.push({ action: 'grant', token, ttlSeconds }),
        end: () => void session.push({ action: 'end' }),
      };
      const output = await host.dispatcher.invoke(plugin, 'on_http_request', JSON.stringify(request), { path: 'http', authSink });
      return { output, session };
    },
    async content(slug, exportName: ContentExport, input) {
      const d = host.dispatcher;
      switch (exportName) {
        case 'on_tab_content':
          return d.tabContent(slug, JSON.parse(input));
        case 'on_page_content':
          return d.pageContent(slug, JSON.parse(input));
        case 'on_page_styles':
          return d.pageStyles(slug);
        case 'on_page_scripts':
          return d.pageScripts(slug);
      }
    },
    async notify(slug, eventType, payload) {
      // production calls on_event directly here: no dispatcher, no strikes
      const plugin = host.plugin(slug);
      if (!plugin) throw notLive(slug);
      await plugin.notify(eventType, payload);
    },
    async runtimeActions(slug) {
      return readRuntimeActions(host.kv, slug);
    },
    ...(opts.admin ? { admin: opts.admin } : {}),
  };
}
