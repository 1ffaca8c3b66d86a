// File changes as batches: chokidar on a directory, each event classified (or dropped), and
// a batch handed on once nothing has changed for `debounceMs`. An editor's save is several
// events (write a temp file and rename it over the original; unlink then add; a truncate then
// a write): they land in one batch, so one save is one rebuild. No awaitWriteFinish: its
// polling would add ~100 ms to every save, and a build that reads a half-written file fails
// and is followed by the rebuild the rest of the write sets off.

import { watch, type FSWatcher } from 'chokidar';
import { relative, sep } from 'node:path';

export interface ChangeBatch<K extends string> {
  /** What changed, by kind. */
  kinds: Set<K>;
  /** The files, relative to the watched directory with forward slashes, in the order first seen. */
  paths: string[];
  /** performance.now() of the batch's first event (for "saved → reloaded" times). */
  firstAt: number;
}

export interface ChangeWatcherOptions<K extends string> {
  /** The directory watched (recursively). */
  root: string;
  /** What a file (relative to root) is; null drops its events. */
  classify(rel: string): K | null;
  /** Paths (relative to root) chokidar should not look at, nor inside: dependencies, outputs. */
  ignore(rel: string): boolean;
  /** Quiet time after the last event before the batch is handed on. */
  debounceMs: number;
  depth?: number;
  onBatch(batch: ChangeBatch<K>): void;
}

export interface ChangeWatcher {
  /** Resolves once the initial scan is done: changes from then on are seen. */
  readonly ready: Promise<void>;
  /** Watches files outside the root too (a project's imports from a sibling directory). */
  add(paths: string[]): void;
  close(): Promise<void>;
}

export function watchChanges<K extends string>(opts: ChangeWatcherOptions<K>): ChangeWatcher {
  let pending: ChangeBatch<K> | null = null;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const rel = (path: string) => relative(opts.root, path).split(sep).join('/');

  const watcher: FSWatcher = watch(opts.root, {
    ignoreInitial: true,
    depth: opts.depth ?? 8,
    ignored: (path: string) => {
      const r = rel(path);
      return r !== '' && !r.startsWith('../') && opts.ignore(r);
    },
  });
  watcher.on('all', (event, path) => {
    if (closed || event === 'addDir') return;
    const r = rel(path);
    const kind = opts.classify(r);
    if (kind === null) return;
    pending ??= { kinds: new Set(), paths: [], firstAt: performance.now() };
    pending.kinds.add(kind);
    if (!pending.paths.includes(r)) pending.paths.push(r);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const batch = pending;
      pending = null;
      if (batch && !closed) opts.onBatch(batch);
    }, opts.debounceMs);
  });
  const ready = new Promise<void>((resolve, reject) => {
    watcher.once('ready', () => resolve());
    watcher.once('error', reject);
  });
  return {
    ready,
    add: (paths) => {
      if (!closed && paths.length > 0) watcher.add(paths);
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      await watcher.close();
    },
  };
}
