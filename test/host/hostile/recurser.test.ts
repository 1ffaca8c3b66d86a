// A plugin that recurses without end, and nests JSON deeper than any stack.
import { describe, expect, it } from 'vitest';

import { recurserEpisode } from './episodes.js';
import { CEILING_MS, expectDisabledReported, expectFailedNamed, expectThroughputKept, expectWellBehaved } from './expectations.js';
import { arena } from './harness.js';

describe('hostile: recurser', () => {
  it('fails with a stack overflow each time, named, disabled after 5; the others keep working and their throughput', async () => {
    const a = await arena(['recurser']);
    const clean = await arena([]);
    try {
      const episode = await recurserEpisode(a);

      expectFailedNamed(episode.attempts, 'recurser', 'on_event', CEILING_MS.notification);
      // a JS error from the engine's own stack checks; were V8's stack to overflow first, the
      // engine would be recreated (a trap): contained either way
      for (const attempt of episode.attempts) {
        expect(String(attempt.error), attempt.label).toMatch(/stack overflow|the plugin crashed the engine/);
      }
      for (const hook of ['recurse', 'parse', 'stringify']) {
        expect(a.rec.warnings).toEqual(
          expect.arrayContaining([expect.stringMatching(new RegExp(`^plugin recurser: on_event\\(recurser\\.${hook}\\) failed: recurser: on_event\\(\\) failed: `))]),
        );
      }

      expectDisabledReported(a, 'recurser', 'notification');
      expect((await a.host.dispatch('recurser.recurse', {})).notified).toEqual([]);

      await expectWellBehaved(a, 'after');
      await expectThroughputKept(clean, a);
    } finally {
      await a.close();
      await clean.close();
    }
  });
});
