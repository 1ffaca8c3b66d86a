// Global setup and teardown of `npm run crash` (vitest.crash.config.ts): starts an empty
// results file, and at the end writes what the tests appended to .cache/crash-summary.json
// and prints it.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { renderSummary, type CrashRecord } from './summary.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const RESULTS = join(root, '.cache', 'crash', 'results.jsonl');
export const SUMMARY = join(root, '.cache', 'crash-summary.json');
let started = 0;

export function setup(): void {
  started = Date.now();
  mkdirSync(dirname(RESULTS), { recursive: true });
  rmSync(RESULTS, { force: true });
  writeFileSync(RESULTS, '');
}

export function teardown(): void {
  const records: CrashRecord[] = existsSync(RESULTS)
    ? readFileSync(RESULTS, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as CrashRecord)
    : [];
  const order = { storage: 0, manager: 1, fs: 2 };
  records.sort((a, b) => order[a.part] - order[b.part]);
  const summary = {
    command: 'npm run crash',
    startedAt: new Date(started).toISOString(),
    wallMs: Date.now() - started,
    node: process.version,
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
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
