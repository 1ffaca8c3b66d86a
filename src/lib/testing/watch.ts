// `test --watch`: run, then run again whenever a watched project changes (its sources,
// manifest, public/ and assets/ files, or its scenario files), rebuilding what is stale on
// the way. Runs never overlap: a change during a run queues one more run after it. A setup
// error (a scenario file mid-edit, a build that fails) is reported like a result and the
// watch goes on.

import { watch, type FSWatcher } from 'chokidar';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';

import type { Context } from '../context.js';
import { sharedScenarioSql } from './harness/harness.js';
import { resolveTestTarget } from './load/index.js';
import type { TestRunResult } from './results.js';
import { runTests, type TestRunOptions } from './run/index.js';

export type WatchOutcome = { ok: true; result: TestRunResult } | { ok: false; error: unknown };

export interface TestWatchOptions extends TestRunOptions {
  /** Quiet time after the last change before a run. Default 150 ms. */
  debounceMs?: number;
  /** Told as a run starts (after the first one: what changed). */
  onRunStart?(changed: string[]): void;
  /** Told when a run ends, with its result or the setup error that stopped it. */
  onRun(outcome: WatchOutcome): void;
}

export interface TestWatcher {
  /** Resolves once the first run has finished and changes are being watched. */
  ready: Promise<void>;
  /** Stops watching; waits for a run in progress. */
  close(): Promise<void>;
}

// build output and tool state change during a run; watching them would rerun forever
const IGNORED = new Set(['node_modules', 'dist', '.git', '.owncast-dev', '.owncast-build']);

export async function watchTests(ctx: Context, opts: TestWatchOptions): Promise<TestWatcher> {
  const paths = opts.paths && opts.paths.length > 0 ? opts.paths : ['.'];
  // the paths themselves must exist to be watched: a missing one is a setup error now
  const roots = (await Promise.all(paths.map((p) => resolveTestTarget(ctx, p)))).map((t) => t.projectDir);
  const watched = new Set(roots);
  // one SQL helper for every run of the watch, not one per run
  const sqlDir = await mkdtemp(join(tmpdir(), 'ocp-test-sql-'));
  const sql = opts.sql ?? sharedScenarioSql(sqlDir);
  const watcher: FSWatcher = watch(roots, {
    ignoreInitial: true,
    awaitWriteFinish: { stabilityThreshold: 50, pollInterval: 20 },
    ignored: (path: string) => [...watched].some((root) => {
      const rel = relative(root, path);
      return rel !== '' && !rel.startsWith('..') && rel.split(sep).some((part) => IGNORED.has(part));
    }),
  });
  const follow = (dirs: string[]) => {
    for (const d of dirs) {
      if (watched.has(d)) continue;
      watched.add(d);
      watcher.add(d);
    }
  };

  let closed = false;
  let running: Promise<void> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  const changed = new Set<string>();

  const run = async (): Promise<void> => {
    const files = [...changed];
    changed.clear();
    opts.onRunStart?.(files);
    try {
      const result = await runTests(ctx, { ...opts, sql, onLoaded: (loaded) => follow(loaded.flatMap((f) => f.scenarios.flatMap((s) => s.plugins))) });
      opts.onRun({ ok: true, result });
    } catch (error) {
      opts.onRun({ ok: false, error });
    }
  };
  const start = (): Promise<void> | null => {
    if (closed) return null;
    if (running) {
      again = true;
      return running;
    }
    const current: Promise<void> = run().finally(() => {
      running = null;
      if (again && !closed) {
        again = false;
        start();
      }
    });
    running = current;
    return current;
  };
  watcher.on('all', (_event, path) => {
    changed.add(relative(ctx.cwd, path) || path);
    clearTimeout(timer);
    timer = setTimeout(start, opts.debounceMs ?? 150);
  });

  const ready = Promise.all([new Promise<void>((resolve) => watcher.once('ready', () => resolve())), start()]).then(() => undefined);
  return {
    ready,
    async close() {
      closed = true;
      clearTimeout(timer);
      await watcher.close();
      await running;
      if (!opts.sql) sql.close();
      await rm(sqlDir, { recursive: true, force: true });
    },
  };
}
