// npm run soak [-- --events N] — the host's memory over a long simulated run (test/host/soak):
// at least 1 000 000 events (chat messages, timer fires, emits, ticks) on a fake clock through
// one PluginHost with seven plugins, memory sampled after a full GC. Writes
// .cache/soak-summary.json and prints a markdown summary; exits 1 when a measure grew.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { packageRoot } from '../src/lib/engine/paths.js';
import { METRICS, mib, soak, summary, trend } from '../test/host/soak/soak.js';

const arg = process.argv.indexOf('--events');
const events = arg > 0 ? Number(process.argv[arg + 1]) : 1_000_000;
const samples = 200;

const result = await soak({
  events,
  samples,
  onSample: (s) => {
    if (s.events % Math.max(1, Math.floor(events / 20)) < events / samples) {
      process.stderr.write(`${s.events.toLocaleString('en-US')} events: heap ${mib(s.heapUsed)}, rss ${mib(s.rss)}, engine ${mib(s.engine)}\n`);
    }
  },
});
const trends = Object.fromEntries(METRICS.map((m) => [m, trend(result.samples, m)]));
// Growth: the last quarter's median past the second quarter's by more than 10 % plus 4 MiB,
// or a slope worth more than 16 MiB per million events. RSS is reported, not judged: the
// allocator keeps pages it no longer needs (fragmentation), which is no leak of ours.
const grew = (['heapUsed', 'external', 'arrayBuffers', 'engine'] as const).filter((m) => {
  const t = trends[m]!;
  return t.q4 > t.q2 * 1.1 + 4 * 2 ** 20 || t.perMillion > 16 * 2 ** 20;
});
const command = `npm run soak${events === 1_000_000 ? '' : ` -- --events ${events}`}`;
const text = summary(result, command);
const verdict = grew.length ? `Grew: ${grew.join(', ')}.` : 'No unbounded growth: heapUsed, external, arrayBuffers and the engine instances within 10 % + 4 MiB (last quarter against the second) and under 16 MiB per million events by slope.';
const dir = join(packageRoot(), '.cache');
await mkdir(dir, { recursive: true });
await writeFile(
  join(dir, 'soak-summary.json'),
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, command, ...result, trends, grew }, null, 2)}\n`,
);
process.stdout.write(`${text}\n\n${verdict}\n`);
if (grew.length) process.exitCode = 1;
