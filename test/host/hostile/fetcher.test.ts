// A plugin allowed only 127.0.0.1 that requests another host directly and through a redirect.
import { describe, expect, it } from 'vitest';

import { startServers } from '../offthread/http-servers.js';
import { fetcherEpisode, fetcherTargets } from './episodes.js';
import { CEILING_MS, expectThroughputKept, expectWellBehaved } from './expectations.js';
import { arena } from './harness.js';

describe('hostile: fetcher', () => {
  it('is refused every disallowed host before contacting it, named in each warning, never struck; the others keep working and their throughput', async () => {
    // in their own thread: a plugin's fetch blocks this one until it is answered
    const servers = await startServers();
    const a = await arena(['fetcher']);
    const clean = await arena([]);
    try {
      const targets = fetcherTargets(servers);
      await servers.reset();
      const episode = await fetcherEpisode(a, servers);

      for (const attempt of episode.attempts) {
        expect(attempt.ok, `${attempt.label}: ${String(attempt.error)} after ${attempt.ms} ms`).toBe(true);
        expect(attempt.ms, attempt.label).toBeLessThan(CEILING_MS.http);
      }
      const refused = (url: string) => `${url} -> refused`;
      expect(episode.results).toEqual([
        ...Array(3).fill([refused(targets.direct), refused(targets.invalid), refused(targets.redirect)]).flat(),
        `${targets.allowed} -> 200 "hello from a"`,
      ]);
      // nothing reached server b; server a saw only the redirects and the allowed request
      expect(await servers.seen()).toEqual({
        a: [...Array(3).fill(`GET ${new URL(targets.redirect).pathname}${new URL(targets.redirect).search}`), 'GET /hello'],
        b: [],
      });
      // refused by policy, by name: no DNS lookup was ever made for the .invalid host
      const notAllowed = (url: string, host: string) =>
        `http_request from "fetcher": HTTP request to "${url}" is not allowed (no allowedHosts match "${host}")`;
      expect(a.rec.warnings).toEqual(
        Array(3)
          .fill([
            notAllowed(targets.direct, 'localhost'),
            notAllowed(targets.invalid, 'localhost.example.invalid'),
            notAllowed(targets.direct, 'localhost'), // the redirect's second hop
          ])
          .flat(),
      );

      // a refused request throws in the plugin, which handles it: nothing to strike
      expect(episode.disabledAfterMs).toBeNull();
      expect(a.host.dispatcher.strikes('fetcher')).toBe(0);

      await expectWellBehaved(a, 'after');
      await expectThroughputKept(clean, a);
    } finally {
      await a.close();
      await clean.close();
      await servers.stop();
    }
  });
});
