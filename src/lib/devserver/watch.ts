// serve --watch: a changed project is rebuilt and swapped in; the other plugins keep running
// and nobody's stored state is touched (KV, SQL and files live by slug in .owncast-dev). A
// build or load that fails leaves the error on screen; a build failure keeps the old code
// running.
import { watch, type FSWatcher } from 'chokidar';
import { basename, dirname, relative, sep } from 'node:path';

import type { DevPlugins } from './plugins.js';

/** What one served plugin's changes are read from. */
export interface WatchedPlugin {
  slug: string;
  kind: 'project' | 'package' | 'loose';
  path: string;
}

export interface WatchOptions {
  /** Quiet time after the last change before reloading. */
  debounceMs?: number;
  onReload(slug: string, outcome: { ok: true; durationMs: number } | { ok: false; error: unknown }): void;
}

const IGNORED_DIRS = new Set(['node_modules', 'dist', '.owncast-dev', '.git']);

export interface PluginWatcher {
  /** Resolves once the initial scan is done and changes are being watched. */
  ready: Promise<void>;
  close(): Promise<void>;
}

export function watchPlugins(plugins: DevPlugins, targets: WatchedPlugin[], opts: WatchOptions): PluginWatcher {
  const debounce = opts.debounceMs ?? 200;
  const watchers: FSWatcher[] = [];
  const timers = new Map<string, NodeJS.Timeout>();
  const busy = new Map<string, Promise<void>>();
  const again = new Set<string>();
  let closed = false;

  const reload = (slug: string) => {
    if (closed) return;
    if (busy.has(slug)) {
      again.add(slug);
      return;
    }
    const started = performance.now();
    const run = plugins
      .reload(slug)
      .then(
        () => opts.onReload(slug, { ok: true, durationMs: performance.now() - started }),
        (error: unknown) => opts.onReload(slug, { ok: false, error }),
      )
      .finally(() => {
        busy.delete(slug);
        if (again.delete(slug)) schedule(slug);
      });
    busy.set(slug, run);
  };
  const schedule = (slug: string) => {
    clearTimeout(timers.get(slug));
    timers.set(
      slug,
      setTimeout(() => {
        timers.delete(slug);
        reload(slug);
      }, debounce),
    );
  };

  for (const t of targets) {
    const root = t.kind === 'project' ? t.path : dirname(t.path);
    const looseBase = t.kind === 'loose' ? basename(t.path).replace(/\.(js|wasm)$/, '') : null;
    const w = watch(t.kind === 'project' ? t.path : root, {
      ignoreInitial: true,
      // a file is whole before it counts: editors and builds write in steps
      awaitWriteFinish: { stabilityThreshold: 50, pollInterval: 20 },
      ignored: (path: string) => {
        const rel = relative(root, path);
        if (!rel) return false;
        if (rel.split(sep).some((part) => IGNORED_DIRS.has(part))) return true;
        if (t.kind === 'package') return path !== t.path;
        // a loose plugin is its code file, manifest, sidecars and <base>-public/-assets dirs
        if (looseBase) return !rel.startsWith(looseBase) && !rel.startsWith('public') && !rel.startsWith('assets');
        return false;
      },
      depth: t.kind === 'project' ? 8 : 2,
    });
    w.on('all', () => schedule(t.slug));
    watchers.push(w);
  }

  return {
    ready: Promise.all(watchers.map((w) => new Promise<void>((resolve) => w.once('ready', () => resolve())))).then(() => undefined),
    async close() {
      closed = true;
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
      await Promise.all(watchers.map((w) => w.close()));
      await Promise.all(busy.values());
    },
  };
}

