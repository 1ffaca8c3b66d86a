// network.fetch in the simulator: answered from the script's httpResponses, never from the
// network, so a run is repeatable and works offline. The manifest's allowedHosts still apply,
// as in production; a request no fixture matches fails (the plugin's fetch sees an error).

import type { HttpService } from '../host/offthread/http/index.js';
import { checkRequestUrl } from '../host/offthread/http/policy.js';
import type { HttpFixture } from './script.js';

/** One outbound request and how it was answered. */
export interface FetchRecord {
  slug: string;
  method: string;
  url: string;
  status?: number;
  error?: string;
}

const encoder = new TextEncoder();

/** A fixture URL glob: `*` runs over anything (slashes and `?` included), `?` is one character. */
export function urlGlobMatches(glob: string, url: string): boolean {
  const source = glob.replace(/[.+^${}()|[\]\\/]/g, '\\$&').replace(/\*+/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 's').test(url);
}

/** An HttpService that answers from `fixtures` (first match wins) and reports every request. */
export function fixtureHttpService(fixtures: readonly HttpFixture[], report: (record: FetchRecord) => void): HttpService {
  return {
    request(req) {
      const method = req.method.toUpperCase();
      const fail = (error: string) => {
        report({ slug: req.slug, method, url: req.url, error });
        return { error };
      };
      const checked = checkRequestUrl(req.url, req.allowedHosts);
      if ('error' in checked) return fail(checked.error);
      const fixture = fixtures.find((f) => (f.method === '' || f.method === method) && urlGlobMatches(f.url, req.url));
      if (!fixture) return fail(`no httpResponses entry in the script matches ${method} ${req.url} (the simulator never uses the network)`);
      report({ slug: req.slug, method, url: req.url, status: fixture.status });
      const headers = Object.fromEntries(Object.entries(fixture.headers).map(([k, v]) => [k.toLowerCase(), v]));
      return { status: fixture.status, headers, body: encoder.encode(fixture.body) };
    },
    warm: () => true,
    close: () => undefined,
  };
}
