// A plugin that allocates 80 MiB (the JS heap limit is 48 MiB), in its HTTP handler and in a hook.
import { describe, expect, it } from 'vitest';

import { hogEpisode } from './episodes.js';
import { CEILING_MS, expectDisabledReported, expectFailedNamed, expectThroughputKept, expectWellBehaved, failures } from './expectations.js';
import { arena } from './harness.js';

describe('hostile: hog', () => {
  it('runs out of memory each time, named, its instance recreated, disabled after 5 on one path; the others keep working and their throughput', async () => {
    const a = await arena(['hog']);
    const clean = await arena([]);
    try {
      const episode = await hogEpisode(a);
      const http = episode.attempts.filter((at) => at.label.startsWith('http'));
      const hook = episode.attempts.filter((at) => at.label.startsWith('hook'));

      expectFailedNamed(http, 'hog', 'on_http_request', CEILING_MS.http);
      expectFailedNamed(hook, 'hog', 'on_event', CEILING_MS.notification);
      // the hook has 500 ms: on a loaded machine the deadline may come before the heap limit
      expect(failures(http)).toEqual(Array(5).fill('out-of-memory'));
      for (const kind of failures(hook)) expect(['out-of-memory', 'deadline']).toContain(kind);
      expect(http[0]!.error).toMatchObject({ nextSteps: [expect.stringContaining('48 MiB JS heap limit')] });
      expect(a.rec.warnings).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^plugin hog: on_http_request\(\) failed: hog: on_http_request\(\) failed: out of memory/),
          expect.stringMatching(/^plugin hog: on_event\(hog\.hog\) failed: hog: on_event\(\) failed: /),
        ]),
      );
      // each out-of-memory instance was thrown away: what it grew to is given back
      expect(episode.recreations).toBeGreaterThanOrEqual(5);
      expect(episode.memoryBytes).toBeLessThan(40 * 1024 * 1024);

      expectDisabledReported(a, 'hog', 'http');
      expect((await a.host.dispatch('hog.hog', {})).notified).toEqual([]);

      await expectWellBehaved(a, 'after');
      await expectThroughputKept(clean, a);
    } finally {
      await a.close();
      await clean.close();
    }
  });
});
