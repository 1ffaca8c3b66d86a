// Global setup and teardown of `npm run fuzz` (vitest.fuzz.config.ts): starts an empty results
// file, and at the end turns what every property appended into .cache/fuzz-summary.json (per
// target and per property: runs, calls, duration, findings with seed and counterexample) and
// .cache/fuzz-summary.md (the tables SECURITY.md quotes), and prints the table.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { resultsLog } from '../../helpers/results-log.js';
import type { PropertyRecord } from './fuzz.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const log = resultsLog<PropertyRecord>('fuzz');

export function setup(): void {
  log.start();
}

const minutes = (ms: number) => (ms >= 60_000 ? `${(ms / 60_000).toFixed(1)} min` : `${(ms / 1000).toFixed(1)} s`);
const thousands = (n: number) => n.toLocaleString('en-US').replaceAll(',', ' ');

export function teardown(): void {
  const records = log.read();
  const byTarget = new Map<string, PropertyRecord[]>();
  for (const r of records) byTarget.set(r.target, [...(byTarget.get(r.target) ?? []), r]);
  const targets = [...byTarget].map(([target, props]) => ({
    target,
    runs: props.reduce((n, p) => n + p.runs, 0),
    calls: props.some((p) => p.calls !== undefined) ? props.reduce((n, p) => n + (p.calls ?? p.runs), 0) : undefined,
    durationMs: props.reduce((n, p) => n + p.durationMs, 0),
    failed: props.filter((p) => p.failed).length,
    interrupted: props.filter((p) => p.interrupted).length,
    properties: props,
  }));
  const summary = {
    command: 'npm run fuzz',
    fuzzRuns: Number(process.env.FUZZ_RUNS ?? 100_000),
    ...log.run(),
    targets,
  };
  writeFileSync(join(root, '.cache', 'fuzz-summary.json'), `${JSON.stringify(summary, null, 2)}\n`);

  const lines = [
    `\`npm run fuzz\` on ${summary.startedAt.slice(0, 10)}: Node ${summary.node}, ${summary.cpus}, wall ${minutes(summary.wallMs)} (two workers).`,
    '',
    '| Target | Runs | Property time | Findings |',
    '|---|---:|---:|---|',
    ...targets.map(
      (t) =>
        `| ${t.target} | ${thousands(t.runs)}${t.calls !== undefined ? ` cases (${thousands(t.calls)} calls)` : ''} | ${minutes(t.durationMs)} | ${t.failed === 0 ? 'none' : `${t.failed} failing propert${t.failed === 1 ? 'y' : 'ies'}`}${t.interrupted ? `, ${t.interrupted} stopped at the time ceiling` : ''} |`,
    ),
    '',
    '| Target | Property | Runs | Time | Result |',
    '|---|---|---:|---:|---|',
    ...records.map(
      (r) =>
        `| ${r.target} | ${r.property} | ${thousands(r.runs)}${r.calls !== undefined ? ` (${thousands(r.calls)} calls)` : ''} | ${minutes(r.durationMs)} | ${r.failed ? `FAILED (seed ${r.seed}): ${r.counterexample ?? ''}` : r.interrupted ? `passed, stopped at the time ceiling after ${thousands(r.runs)} of ${thousands(r.requested)}` : 'passed'} |`,
    ),
  ];
  writeFileSync(join(root, '.cache', 'fuzz-summary.md'), `${lines.join('\n')}\n`);
  process.stdout.write(`\n${lines.join('\n')}\n\nwritten: .cache/fuzz-summary.json, .cache/fuzz-summary.md\n`);
}
