// Two plugins that emit to each other's hooks forever.
import { describe, expect, it } from 'vitest';

import { MAX_EMITS_PER_CHAIN } from '../../../src/lib/host/dispatch/index.js';

import { pingPongEpisode } from './episodes.js';
import { CEILING_MS, expectThroughputKept, expectWellBehaved } from './expectations.js';
import { arena } from './harness.js';

describe('hostile: ping and pong', () => {
  it('are cut at emit depth 8 every time, named in the warning, never struck; the others keep working and their throughput', async () => {
    const a = await arena(['ping', 'pong']);
    const clean = await arena([]);
    try {
      const episode = await pingPongEpisode(a);

      for (const attempt of episode.attempts) {
        expect(attempt.ok, attempt.label).toBe(true);
        expect(attempt.ms, attempt.label).toBeLessThan(CEILING_MS.notification);
      }
      // depth 0 to 7: ping 0, pong 1, ..., pong 7; pong's emit at depth 8 is dropped
      expect(episode.hitsPerRound).toEqual([8, 8, 8, 8, 8]);
      const round = a.rec.logs.slice(0, 8).map((l) => `${l.slug}: ${l.message}`);
      expect(round).toEqual(['ping: ping 0', 'pong: pong 1', 'ping: ping 2', 'pong: pong 3', 'ping: ping 4', 'pong: pong 5', 'ping: ping 6', 'pong: pong 7']);
      expect(episode.depthWarnings).toBe(5);
      expect(a.rec.warnings).toEqual(Array(5).fill('dispatcher: max emit depth 8 reached for "ping.hit", dropping'));

      // As designed (DESIGN §3.4): a loop is cut by depth, not punished; every call succeeded.
      expect(episode.disabledAfterMs).toBeNull();
      expect([a.host.dispatcher.strikes('ping'), a.host.dispatcher.strikes('pong')]).toEqual([0, 0]);

      await expectWellBehaved(a, 'after');
      await expectThroughputKept(clean, a);
    } finally {
      await a.close();
      await clean.close();
    }
  });

  // Depth bounds how long a loop runs, not how wide: with 10 emits per hit the two plugins would
  // make 10^8 deliveries. One root event may set off at most MAX_EMITS_PER_CHAIN emitted events.
  it('bounds an emit loop that fans out, and warns once per loop rather than once per dropped emit', async () => {
    const a = await arena(['ping', 'pong']);
    try {
      const hits = () => a.rec.logs.filter((l) => l.slug === 'ping' || l.slug === 'pong').length;
      const warnedBefore = a.rec.warnings.length;
      const t0 = performance.now();
      await a.host.dispatch('ping.hit', { n: 0, fan: 10 });
      await a.host.dispatcher.idle();
      expect(performance.now() - t0).toBeLessThan(60_000);
      // the root delivery plus at most MAX_EMITS_PER_CHAIN emitted ones (emits are drained depth
      // first, so much of the budget goes to emits dropped at depth 8); the loop did run deep
      expect(hits()).toBeLessThanOrEqual(1 + MAX_EMITS_PER_CHAIN);
      expect(hits()).toBeGreaterThanOrEqual(8);
      // one line each for the depth cut and the budget, not one per dropped emit
      expect(a.warningsSince(warnedBefore)).toEqual([
        'dispatcher: max emit depth 8 reached for "ping.hit", dropping',
        expect.stringMatching(/^dispatcher: plugin "(ping|pong)" emitted past 1000 events set off by one event/),
      ]);
      await expectWellBehaved(a, 'after');
    } finally {
      await a.close();
    }
  }, 120_000);
});
