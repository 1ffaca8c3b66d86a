// What the plugin HTTP server needs from whoever runs the plugins. The same server code
// serves plugins running on this thread (PluginHost: tests, simulate) and in a worker thread
// (the threaded host `serve` uses, DESIGN §2.1), so every method that reaches plugin code is
// async and its result is plain, structured-clonable data. The plugin views are built on
// this thread (public/ and assets/ are read here), so they may hold FileSources.

import type { HostUser } from '../../host/env/types.js';
import type { FileSource } from '../../host/types.js';
import type { ActionButton, Manifest } from '../../manifest/index.js';

/** One loaded plugin that gets work (not disabled by strikes), as the server sees it. */
export interface HttpPluginView {
  slug: string;
  /** Display name (manifest name). */
  name: string;
  permissions: readonly string[];
  /** The validated manifest (URLs rewritten into /plugins/<slug>/). */
  manifest: Manifest;
  /** public/: served at /plugins/<slug>/. */
  publicFiles: FileSource | null;
  /** assets/: never served; styles, scripts, tabs and extra page content are inlined from it. */
  assets: FileSource | null;
  /** icon.png, served at /api/plugins/<slug>/icon. */
  icon: Uint8Array | null;
  /** INSTRUCTIONS.md, served to admins at /api/admin/plugins/<slug>/instructions. */
  instructions: string | null;
  /**
   * When this instance was loaded (Unix ms). FileSource has no modification times, so this is
   * the Last-Modified of its public files; their ETag (a content hash) catches edits.
   */
  loadedAt: number;
}

/** production's request envelope for on_http_request (reference-plugin-sdk §G.2). */
export interface HttpRequestEnvelope {
  method: string;
  /** Relative to /plugins/<slug>: cleaned, percent-decoded, trailing slash stripped. */
  path: string;
  /** First value of each parameter; `accessToken` removed. */
  query: Record<string, string>;
  /** First value of each header, Go-canonical names; `Cookie` removed. */
  headers: Record<string, string>;
  body: string;
  /** ip:port ([ip]:port for IPv6), as Go's r.RemoteAddr. */
  remoteAddr: string;
  authenticated: boolean;
  /** Only when the host resolved a user. */
  user?: HostUser;
}

/** What owncast.auth did to the session cookie during an on_http_request call, in order. */
export type SessionChange = { action: 'grant'; token: string; ttlSeconds: number } | { action: 'end' };

export interface HttpCallResult {
  /** on_http_request's output text, unparsed (the server checks its size and shape). */
  output: string;
  /** Session cookie changes the response must carry. */
  session: SessionChange[];
}

/** The content exports (production §3.7). */
export type ContentExport = 'on_tab_content' | 'on_page_content' | 'on_page_styles' | 'on_page_scripts';

/**
 * Admin operations on plugins (the dev server wires them to its plugin manager). A refusal
 * rejects with an Error whose message the admin sees.
 */
export interface PluginAdminBackend {
  /** Every known plugin, in whatever shape the manager lists them (production Manager.List()). */
  list(): Promise<unknown[]>;
  enable(slug: string): Promise<void>;
  disable(slug: string): Promise<void>;
  reload(slug: string): Promise<void>;
}

export interface PluginHttpBackend {
  /** The loaded plugins that get work, in a stable order (by slug). */
  plugins(): Promise<HttpPluginView[]>;
  /** One of {@link plugins}, or null: unknown, unloaded and strike-disabled plugins all answer 404. */
  plugin(slug: string): Promise<HttpPluginView | null>;
  /**
   * Calls on_http_request (counted for strikes, what it emits dispatched after it). Rejects
   * with a PluginError (errors.ts) when the call fails: failure 'deadline' is a 504,
   * 'missing-export' a 404, anything else a 500. A UserError with code PLUGIN_NOT_LIVE means the
   * plugin went away meanwhile (404).
   */
  httpRequest(slug: string, request: HttpRequestEnvelope): Promise<HttpCallResult>;
  /** A content export's raw output; '' when the plugin has none, is not live, or fails. */
  content(slug: string, exportName: ContentExport, input: string): Promise<string>;
  /**
   * Delivers a host notification (sse.connect / sse.disconnect) straight to the plugin's
   * on_event, as production does: no filters, no strikes. Rejects when the call fails.
   */
  notify(slug: string, eventType: string, payload: unknown): Promise<void>;
  /** The action buttons the plugin added at runtime (owncast.actions.add). */
  runtimeActions(slug: string): Promise<ActionButton[]>;
  /** Absent: the admin plugin endpoints answer 404. */
  admin?: PluginAdminBackend;
}
