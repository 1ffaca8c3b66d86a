// The plugin HTTP server (issue 4 items 1–3): /plugins/<slug>/ routing, static files, the
// request envelope and response filtering, SSE, and the host endpoints, over a backend that
// runs the plugins on this thread or in a worker.

export type {
  ContentExport,
  HttpCallResult,
  HttpPluginView,
  HttpRequestEnvelope,
  PluginAdminBackend,
  PluginHttpBackend,
  SessionChange,
} from './backend.js';
export { hostHttpBackend, type HostHttpBackendOptions } from './host-backend.js';
export { createPluginHttpHandler, sseService, type PluginHttpHandler, type PluginHttpHandlerOptions } from './server.js';
export {
  ANONYMOUS,
  chainAuthResolvers,
  devAuthResolver,
  readCookie,
  sessionCookieResolver,
  type AuthResolver,
  type RequestAuth,
  type SessionCookieResolverOptions,
} from './request-auth.js';
export {
  SSE_CLIENT_BUFFER_FRAMES,
  SSE_KEEP_ALIVE_MS,
  SSE_MAX_CONNECTIONS_PER_PLUGIN,
  SseClient,
  SseHub,
  sseFrame,
  type SseHubOptions,
} from './sse.js';
export {
  ADMIN_STYLE_SNIPPET,
  HTTP_HANDLER_TIMEOUT_MS,
  MAX_HTTP_HANDLER_OUTPUT_BYTES,
  MAX_HTTP_REQUEST_BODY_BYTES,
  MAX_HTTP_RESPONSE_BODY_BYTES,
  SESSION_COOKIE,
  isAllowedResponseHeader,
} from './response.js';
export { isAdminPath, parseRequestTarget } from './paths.js';
export { isSafeActionUrl, sanitizeAction, sanitizeActionHtml } from './sanitize.js';
export {
  buildExtraPageContent,
  buildScripts,
  buildStyles,
  buildTabs,
  buildViewerConfig,
  collectActions,
  wrapScript,
  type ContributionContext,
  type PluginTab,
  type ViewerConfig,
} from './viewer-config.js';
