// A plugin that floods: a filter answering with more than the 1 MiB output cap, and a hook that
// writes console lines, plugin log lines and chat messages in a loop that never ends.
import { describe, expect, it } from 'vitest';

import { flooderEpisode } from './episodes.js';
import { CEILING_MS, expectDisabledReported, expectFailedNamed, expectThroughputKept, expectWellBehaved, failures } from './expectations.js';
import { arena, chatMessage } from './harness.js';

describe('hostile: flooder', () => {
  it('is stopped at its budgets and its output cap, named, disabled after 5 on one path; the others keep working and their throughput', async () => {
    const a = await arena(['flooder']);
    const clean = await arena([]);
    try {
      const episode = await flooderEpisode(a);
      const [flood, ...filters] = episode.attempts;

      // The flood ends with its 500 ms call. It ends as a deadline, or as a trap (instance
      // recreated) once it has made more host calls than @extism/extism 1.0.3 can number in
      // one call (block indices are 16 bits and never reused): contained either way.
      expectFailedNamed([flood!], 'flooder', 'on_event', CEILING_MS.notification);
      expect(['deadline', 'trap']).toContain(failures([flood!])[0]);
      expect(episode.floodLines.chat).toBeGreaterThan(100);
      expect(episode.floodLines.logs).toBeGreaterThan(100);
      expect(episode.linesAfterCall).toEqual(episode.floodLines);
      expect(a.rec.warnings).toContainEqual(expect.stringMatching(/^plugin flooder: on_event\(flooder\.flood\) failed: flooder: on_event\(\) failed: /));

      // Each oversized answer is refused by the host (fail-open). A filter that ran out of its
      // 50 ms building the answer, on a loaded machine, is contained just the same.
      for (const attempt of filters) {
        expect(attempt.ok, attempt.label).toBe(false);
        expect(attempt.ms, attempt.label).toBeLessThan(CEILING_MS.filter);
        expect(String(attempt.error)).toMatch(/on_filter output too large: \d+ bytes \(max 1048576\)|deadline exceeded/);
      }
      const refused = a.rec.warnings.filter((w) => w.startsWith('plugin flooder: on_filter(chat.message.received) failed (fail-open): '));
      expect(refused).toHaveLength(5);
      episode.reports.forEach((report, i) => expect(report.payload).toMatchObject({ body: `**** flood ${i}` }));

      expectDisabledReported(a, 'flooder', 'filter');
      // disabled: neither its hook nor its filter runs
      expect((await a.host.dispatch('flooder.flood', {})).notified).toEqual([]);
      expect((await a.host.dispatchChatMessage(chatMessage('darn after'))).filters.map((f) => f.slug)).toEqual(['masker']);
      expect(a.rec.chat.filter((c) => c.slug === 'flooder')).toHaveLength(episode.floodLines.chat);

      await expectWellBehaved(a, 'after');
      await expectThroughputKept(clean, a);
    } finally {
      await a.close();
      await clean.close();
    }
  });
});
