// The checks every hop of an outbound request passes before anything is sent: no DNS
// lookup and no connection happen for a URL that fails them.

import { hostAllowed } from './allowed-hosts.js';

export const MAX_RESPONSE_BYTES = 10 << 20;
export const MAX_HOPS = 10;

/** Why `url` may not be requested, or null. */
export function refuseUrl(url: URL, allowedHosts: readonly string[]): string | null {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `unsupported URL scheme "${url.protocol.slice(0, -1)}"`;
  if (!hostAllowed(url.hostname, allowedHosts)) {
    return `HTTP request to "${url.href}" is not allowed (no allowedHosts match "${url.hostname}")`;
  }
  return null;
}

/** The request's URL parsed and checked against allowedHosts, or why it may not be requested. */
export function checkRequestUrl(raw: string, allowedHosts: readonly string[]): { url: URL } | { error: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { error: `invalid URL ${JSON.stringify(raw)}` };
  }
  const refused = refuseUrl(url, allowedHosts);
  return refused ? { error: refused } : { url };
}

export const deadlineError = () => 'HTTP request exceeded the call deadline';
export const tooLargeError = (limit: number) => `HTTP response body exceeds ${limit} bytes`;
