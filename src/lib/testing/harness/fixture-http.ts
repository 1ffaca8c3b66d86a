// network.fetch in scenarios: an HttpService (the host's seam for outbound HTTP) that answers
// from `given.httpResponses` and never touches the network. As in the reference (J.7) every
// request is recorded before it is matched, fixtures are tried in order, and a request no
// fixture matches fails (the plugin's fetch throws; the host logs why). Unlike the reference,
// the manifest's allowedHosts still apply, as they do in production.

import type { HttpService } from '../../host/offthread/http/index.js';
import { checkRequestUrl } from '../../host/offthread/http/policy.js';
import type { HttpFixture } from '../scenario.js';
import { urlGlobMatches } from './url-glob.js';

/** One outbound request a plugin made. */
export interface RecordedRequest {
  slug: string;
  url: string;
  method: string;
  body: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function fixtureHttpService(fixtures: readonly HttpFixture[], record: (request: RecordedRequest) => void): HttpService {
  return {
    request(req) {
      const checked = checkRequestUrl(req.url, req.allowedHosts);
      if ('error' in checked) return checked;
      const method = req.method.toUpperCase();
      record({ slug: req.slug, url: req.url, method, body: req.body ? decoder.decode(req.body) : '' });
      const fixture = fixtures.find((f) => (f.method === '' || f.method.toUpperCase() === method) && urlGlobMatches(f.url, req.url));
      if (!fixture) return { error: `no http fixture matched ${method} ${req.url}` };
      const headers = Object.fromEntries(Object.entries(fixture.headers).map(([k, v]) => [k.toLowerCase(), v]));
      return { status: fixture.status, headers, body: encoder.encode(fixture.body) };
    },
    warm: () => true,
    close: () => undefined,
  };
}
