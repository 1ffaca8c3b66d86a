// Outbound HTTP allowedHosts (issue 8 item 1; DESIGN §3.14): checkRequestUrl, the one check the
// HTTP service and the fixture services make before any lookup or connection, and refuseUrl,
// which every redirect hop passes. Model in test/fuzz/support/hosts-oracle.ts.
// - a URL built from parts (a destination written as a name, an IDN, an IPv4 literal in
//   decimal, octal, hex or short forms, an IPv6 literal, with trailing dots and odd case;
//   decoys in the userinfo, the port, the path and the fragment) is allowed iff its scheme is
//   http(s) and the glob model says the destination matches a pattern; and an allowed URL
//   goes to exactly the host that was checked;
// - a redirect's Location (scheme-relative, backslashes, userinfo, bare names) is judged by
//   the host the next hop would reach;
// - the real matcher agrees with the model on arbitrary patterns and hostnames.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { hostAllowed } from '../../src/lib/host/offthread/http/allowed-hosts.js';
import { checkRequestUrl, refuseUrl } from '../../src/lib/host/offthread/http/policy.js';
import { checkProperty, FUZZ_TIMEOUT } from './support/fuzz.js';
import { destination, hostsOracle, patternsNear, requestUrl } from './support/hosts-oracle.js';

const urlCase = requestUrl.chain((u) => patternsNear(u.dest.canonical).map((patterns) => ({ ...u, patterns })));

describe('allowedHosts: request URLs', () => {
  it('the generated URLs are allowed and refused in good measure (the property is not vacuous)', () => {
    const verdicts = fc.sample(urlCase, { numRuns: 2000, seed: 4 }).map(({ dest, scheme, patterns }) => (scheme === 'http' || scheme === 'https') && hostsOracle(dest.canonical, patterns));
    const allowed = verdicts.filter(Boolean).length;
    expect(allowed).toBeGreaterThan(300);
    expect(allowed).toBeLessThan(1700);
  });

  it(
    'allowed iff http(s) and the model matches the destination; an allowed URL goes to the host checked',
    async () => {
      await checkProperty(
        { target: 'allowed-hosts', name: 'URLs from parts (IP forms, IDN, userinfo decoys, ports, trailing dots): allowed iff model; goes where checked', runs: 500 },
        fc.property(urlCase, ({ url, dest, scheme, patterns }) => {
          const r = checkRequestUrl(url, patterns);
          let parsed: URL | null = null;
          try {
            parsed = new URL(url);
          } catch {
            parsed = null;
          }
          if (parsed === null) {
            expect(r).toEqual({ error: `invalid URL ${JSON.stringify(url)}` });
            return;
          }
          const web = scheme === 'http' || scheme === 'https';
          // where the request would go is where the URL's parts say: the decoys change nothing
          if (web) expect(parsed.hostname, url).toBe(dest.canonical);
          const allowed = web && hostsOracle(dest.canonical, patterns);
          expect('url' in r, `${url} with ${JSON.stringify(patterns)}: ${'error' in r ? r.error : 'allowed'}`).toBe(allowed);
          if ('url' in r) expect(r.url.hostname).toBe(dest.canonical);
        }),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    'a redirect is judged by the host its next hop reaches',
    async () => {
      const location = fc
        .tuple(destination, fc.constantFrom('//#/x', 'https://#/', 'http://u@#/', '/\\#/x', '\\\\#\\x', 'https:#', 'http:#', '#', '/only/a/path', '?q=#', 'HTTPS://#:99/', 'ftp://#/'))
        .map(([d, form]) => form.replace('#', d.text));
      await checkProperty(
        { target: 'allowed-hosts', name: 'redirect Locations: each hop judged by the host it reaches', runs: 300 },
        fc.property(location, fc.constantFrom('https://api.example.com/start', 'http://127.0.0.1:8080/a/b'), fc.array(fc.constantFrom('api.example.com', '*.example.com', '127.0.0.1', '*', 'evil.net', '*.org'), { maxLength: 3 }), (loc, base, patterns) => {
          let next: URL;
          try {
            next = new URL(loc, base);
          } catch {
            return; // the service stops there with an error
          }
          const allowed = (next.protocol === 'http:' || next.protocol === 'https:') && hostsOracle(next.hostname, patterns);
          expect(refuseUrl(next, patterns) === null, `${loc} from ${base} → ${next.href}`).toBe(allowed);
        }),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    'the matcher agrees with the model on arbitrary patterns and hostnames',
    async () => {
      const chars = fc.constantFrom(...'ab.-*?[]!^{},\\:0z');
      await checkProperty(
        { target: 'allowed-hosts', name: 'arbitrary patterns and hostnames: matcher = model', runs: 500 },
        fc.property(fc.array(fc.string({ unit: chars, maxLength: 10 }), { maxLength: 3 }), fc.string({ unit: fc.constantFrom(...'ab.-z0:[]'), maxLength: 8 }), (patterns, host) => {
          expect(hostAllowed(host, patterns), `${host} vs ${JSON.stringify(patterns)}`).toBe(hostsOracle(host, patterns));
        }),
      );
    },
    FUZZ_TIMEOUT,
  );
});
