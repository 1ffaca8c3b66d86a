// Content exports and the auth gate (production §3.4, §3.7): raw strings in, raw strings out,
// an empty string when the plugin has nothing (or no such export), and auth failing closed.

export type AuthVerdict = { action: 'ok' } | { action: 'refresh'; ttl?: number } | { action: 'deny'; reason?: string };

/** The request on_tab_content and on_page_content get. */
export interface ContentRequest {
  slug: string;
  user?: unknown;
}

/** Reads on_auth_check's answer; throws when it is not one of ok / refresh / deny. */
export function parseAuthVerdict(out: string): AuthVerdict {
  // the SDK answers {action:"ok"} when the plugin has no opinion; nothing at all means the same
  if (out === '') return { action: 'ok' };
  const raw: unknown = JSON.parse(out);
  const r = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  switch (r.action) {
    case 'ok':
      return { action: 'ok' };
    case 'refresh':
      return typeof r.ttl === 'number' && Number.isFinite(r.ttl) ? { action: 'refresh', ttl: r.ttl } : { action: 'refresh' };
    case 'deny':
      return typeof r.reason === 'string' && r.reason !== '' ? { action: 'deny', reason: r.reason } : { action: 'deny' };
    default:
      throw new Error(`on_auth_check answered ${JSON.stringify(raw)}; expected {action: "ok" | "refresh" | "deny"}`);
  }
}

/** What the gate answers when the plugin cannot: no access (fail closed). */
export const AUTH_FAILED: AuthVerdict = { action: 'deny', reason: 'the sign-in check is unavailable' };
