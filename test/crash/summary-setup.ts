// Global setup and teardown of `npm run crash` (vitest.crash.config.ts): starts an empty
// results file, and at the end writes what the tests appended to .cache/crash-summary.json
// and prints it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { resultsLog } from '../helpers/results-log.js';
import { renderSummary, type CrashRecord } from './summary.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const log = resultsLog<CrashRecord>('crash');
export const RESULTS = log.path;
export const SUMMARY = join(root, '.cache', 'crash-summary.json');

export function setup(): void {
  log.start();
}

export function teardown(): void {
  const records = log.read();
  const order = { storage: 0, manager: 1, fs: 2 };
  records.sort((a, b) => order[a.part] - order[b.part]);
  const summary = {
    command: 'npm run crash',
    ...log.run(),
    storage: part('storage'),
    manager: part('manager'),
    fsWrites: part('fs'),
  };
  writeFileSync(SUMMARY, `${JSON.stringify(summary, null, 2)}\n`);
  process.stdout.write(`\n${renderSummary({ ...summary, records })}\n(${SUMMARY})\n`);

  function part(name: CrashRecord['part']) {
    const r = records.find((x) => x.part === name);
    return r ? { seed: r.seed, ...r.figures } : null;
  }
}
