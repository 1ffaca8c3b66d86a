// A long run's records (npm run fuzz, npm run crash): tests append one JSON line each to
// .cache/<name>/results.jsonl; the run's global setup starts the file empty and its teardown
// reads them back to write the summary.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface ResultsLog<T> {
  /** The JSON-lines file the tests append to. */
  path: string;
  /** Starts the file empty and the run's clock. */
  start(): void;
  /** Every record appended since start(). */
  read(): T[];
  /** When the run started, how long it took, and on what. */
  run(): { startedAt: string; wallMs: number; node: string; cpus: string };
}

export function resultsLog<T>(name: string): ResultsLog<T> {
  const path = join(root, '.cache', name, 'results.jsonl');
  let started = 0;
  return {
    path,
    start() {
      started = Date.now();
      mkdirSync(dirname(path), { recursive: true });
      rmSync(path, { force: true });
      writeFileSync(path, '');
    },
    read() {
      return existsSync(path)
        ? readFileSync(path, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l) as T)
        : [];
    },
    run() {
      return {
        startedAt: new Date(started).toISOString(),
        wallMs: Date.now() - started,
        node: process.version,
        cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
      };
    },
  };
}
