// A chat filter that spins forever, beside three well-behaved plugins.
import { describe, expect, it } from 'vitest';

import { spinnerEpisode } from './episodes.js';
import { CEILING_MS, expectDisabledReported, expectFailedNamed, expectThroughputKept, expectWellBehaved, failures } from './expectations.js';
import { arena, chatMessage } from './harness.js';

describe('hostile: spinner', () => {
  it('is stopped at its filter budget each time (fail-open), named, disabled after 5; the others keep working and their throughput', async () => {
    const a = await arena(['spinner']);
    const clean = await arena([]);
    try {
      const episode = await spinnerEpisode(a);

      expectFailedNamed(episode.attempts, 'spinner', 'on_filter', CEILING_MS.filter);
      expect(failures(episode.attempts)).toEqual(Array(5).fill('deadline'));
      const failed = a.rec.warnings.filter((w) => w.startsWith('plugin spinner: on_filter(chat.message.received) failed (fail-open): '));
      expect(failed).toEqual(Array(5).fill(expect.stringContaining('spinner: on_filter() failed: deadline exceeded: on_filter ran past its 50 ms budget')));
      // fail-open: every message went on, masked, to the notifications and the commands
      episode.reports.forEach((report, i) => {
        expect(report.payload).toMatchObject({ body: `**** spin ${i}` });
        expect(report.notified).toEqual([expect.objectContaining({ slug: 'counter', ok: true })]);
      });

      expectDisabledReported(a, 'spinner', 'filter');
      // disabled: its filter no longer runs, so a message costs what it did before
      const after = await a.host.dispatchChatMessage(chatMessage('darn after'));
      expect(after.filters.map((f) => f.slug)).toEqual(['masker']);

      await expectWellBehaved(a, 'after');
      await expectThroughputKept(clean, a);
    } finally {
      await a.close();
      await clean.close();
    }
  });
});
