// A plugin that asks for 1 000 intervals at the shortest delay, then makes every callback throw.
import { describe, expect, it } from 'vitest';

import { timerBombArm, timerBombExplode } from './episodes.js';
import { CEILING_MS, expectDisabledReported, expectThroughputKept, expectWellBehaved } from './expectations.js';
import { arena } from './harness.js';

describe('hostile: timer-bomb', () => {
  it('gets 64 timers and 936 quiet refusals; disabled after 5 failing callbacks, its timers gone; the others keep working and their throughput', async () => {
    const a = await arena(['timer-bomb']);
    const clean = await arena([]);
    try {
      const arm = await timerBombArm(a);
      expect(arm.attempts[0]).toMatchObject({ ok: true });
      expect(arm.attempts[0]!.ms).toBeLessThan(CEILING_MS.notification);
      expect(arm.armed).toBe('armed 64 refused 936');
      expect(arm.pending).toBe(64);
      // no error storm: 936 refusals make one line in the host's log, naming the plugin
      expect(arm.warnings).toEqual([expect.stringMatching(/^owncast_timer_set from timer-bomb: .*pending timers allowed \(64\)/)]);

      // contained but alive: 64 intervals at the 100 ms floor fire while the others work
      await expectWellBehaved(a, 'armed');
      await expectThroughputKept(clean, a);

      const explode = await timerBombExplode(a);
      expect(explode.disabledAfterMs).not.toBeNull();
      expect(explode.disabledAfterMs!).toBeLessThan(CEILING_MS.http);
      expectDisabledReported(a, 'timer-bomb', 'timer');
      const fireFailures = explode.warnings.filter((w) => /^plugin timer-bomb: timer \d+ fire failed: timer-bomb: on_event\(\) failed: Error: timer callback \d+ exploded/.test(w));
      expect(fireFailures.length).toBeGreaterThanOrEqual(5);
      // the callbacks already queued when it was disabled may still fail; nothing beyond its 64
      expect(fireFailures.length).toBeLessThanOrEqual(64);
      expect(explode.pendingAfter).toBe(0);
      expect(explode.firedLater).toBe(0);

      await expectWellBehaved(a, 'after');
    } finally {
      await a.close();
      await clean.close();
    }
  });
});
