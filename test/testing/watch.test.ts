// Watch mode in-process: a change reruns; a changed source is rebuilt before the rerun; a
// scenario file caught mid-edit is a setup error for that run only, and the watch goes on.

import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { watchTests, type WatchOutcome } from '../../src/lib/testing/index.js';
import { quietContext, removeTemps, tempDir, writeFiles, writeProject } from './helpers.js';

afterAll(removeTemps);

const source = (reply: string) => `import {definePlugin, owncast} from '@owncast/plugin-sdk'
definePlugin({ onChatMessage() { owncast.chat.send('${reply}') } })
`;
const scenario = (want: string) =>
  JSON.stringify([
    { name: 'replies', events: [{ event: 'chat.message.received', payload: { id: '1', body: 'x', timestamp: '2026-01-01T00:00:00Z' } }], expect: { chatSends: [want] } },
  ]);

describe('watchTests', () => {
  it('reruns on change: scenarios, sources (rebuilt first), and survives a file caught mid-edit', async () => {
    const dir = await writeProject(join(await tempDir('ocp-watch-'), 'bot'), {
      manifest: { name: 'Bot', slug: 'bot', permissions: ['chat.send'] },
      source: source('one'),
      files: { '__tests__/a.test.json': scenario('one') },
    });
    const outcomes: WatchOutcome[] = [];
    const watcher = await watchTests(quietContext(dir), { paths: ['.'], debounceMs: 50, onRun: (o) => void outcomes.push(o) });
    const summary = (o: WatchOutcome) => (o.ok ? `${o.result.passed} passed, ${o.result.failed} failed` : `error: ${(o.error as Error).message}`);
    /** Makes a change, then waits for a run after it that ends as `want` (an editor may save twice: extra runs are fine). */
    let seen = 0;
    const change = async (files: Record<string, string>, want: string): Promise<WatchOutcome> => {
      seen = outcomes.length;
      await writeFiles(dir, files);
      const until = Date.now() + 30_000;
      for (;;) {
        const hit = outcomes.slice(seen).find((o) => summary(o) === want);
        if (hit) return hit;
        if (Date.now() > until) throw new Error(`no run ended "${want}"; runs: ${outcomes.map(summary).join(' | ')}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    try {
      await watcher.ready;
      expect(outcomes.map(summary)).toEqual(['1 passed, 0 failed']);
      await change({ '__tests__/a.test.json': scenario('two') }, '0 passed, 1 failed');
      const rebuilt = await change({ 'src/plugin.ts': source('two') }, '1 passed, 0 failed');
      expect(rebuilt.ok && rebuilt.result.builds.map((b) => b.slug)).toEqual(['bot']);
      await change({ '__tests__/a.test.json': '[{"name": ' }, 'error: 1 error in scenario files');
      await change({ '__tests__/a.test.json': scenario('two') }, '1 passed, 0 failed');
    } finally {
      await watcher.close();
    }
  });
});
