// serve --watch: a changed project is rebuilt and swapped in; the other plugins keep running
// and nobody's stored state is touched (KV, SQL and files live by slug in .owncast-dev). A
// build or load that fails leaves the error on screen; a build failure keeps the old code
// running. A project goes through `watch`'s loop (src/lib/watch: the same change batching,
// incremental build and hand-over of the bundle just built); a package or a loose plugin file
// is read again when it changes.

import { basename, dirname } from 'node:path';

import type { Context } from '../context.js';
import { watchChanges, type ChangeWatcher } from '../watch/changes.js';
import { DEFAULT_DEBOUNCE_MS, ProjectWatch } from '../watch/project.js';
import type { DevPlugins } from './plugins.js';

/** What one served plugin's changes are read from. */
export interface WatchedPlugin {
  slug: string;
  kind: 'project' | 'package' | 'loose';
  path: string;
}

export type ReloadOutcome = { ok: true; durationMs: number } | { ok: false; error: unknown };

export interface WatchOptions {
  /** Quiet time after the last change before reloading. */
  debounceMs?: number;
  onReload(slug: string, outcome: ReloadOutcome): void;
}

const IGNORED_DIRS = new Set(['node_modules', 'dist', '.owncast-dev', '.git']);

export interface PluginWatcher {
  /** Resolves once the initial scan is done and changes are being watched. */
  ready: Promise<void>;
  close(): Promise<void>;
}

export function watchPlugins(ctx: Context, plugins: DevPlugins, targets: WatchedPlugin[], opts: WatchOptions): PluginWatcher {
  const debounceMs = opts.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  const projects: Promise<ProjectWatch | null>[] = [];
  const files: FileReloader[] = [];
  for (const t of targets) {
    if (t.kind === 'project') projects.push(watchProject(ctx, plugins, t, debounceMs, opts));
    else files.push(watchPluginFile(plugins, t, debounceMs, opts));
  }
  return {
    ready: Promise.all([...projects, ...files.map((f) => f.watcher.ready)]).then(() => undefined),
    async close() {
      await Promise.all(files.map((f) => f.close()));
      await Promise.all(projects.map(async (p) => (await p)?.close()));
    },
  };
}

/** The project was built and loaded by the server already: the loop starts without a build. */
function watchProject(ctx: Context, plugins: DevPlugins, t: WatchedPlugin, debounceMs: number, opts: WatchOptions): Promise<ProjectWatch | null> {
  return ProjectWatch.start(ctx, {
    dir: t.path,
    debounceMs,
    buildFirst: false,
    consumers: [
      {
        async built(good) {
          const started = performance.now();
          try {
            await plugins.reloadSource(t.path, await good.load());
            opts.onReload(t.slug, { ok: true, durationMs: performance.now() - started });
          } catch (error) {
            opts.onReload(t.slug, { ok: false, error });
          }
          return [];
        },
      },
    ],
    onEvent: (e) => {
      if (e.type === 'build' && !e.ok) opts.onReload(t.slug, { ok: false, error: e.error });
    },
  }).catch((error: unknown) => {
    opts.onReload(t.slug, { ok: false, error });
    return null;
  });
}

interface FileReloader {
  watcher: ChangeWatcher;
  close(): Promise<void>;
}

/** A package or a loose plugin: its files read again on a change (one reload at a time, one more if it changed meanwhile). */
function watchPluginFile(plugins: DevPlugins, t: WatchedPlugin, debounceMs: number, opts: WatchOptions): FileReloader {
  let busy: Promise<void> | null = null;
  let again = false;
  let closed = false;
  const reload = () => {
    if (closed) return;
    if (busy) {
      again = true;
      return;
    }
    const started = performance.now();
    busy = plugins
      .reload(t.slug)
      .then(
        () => opts.onReload(t.slug, { ok: true, durationMs: performance.now() - started }),
        (error: unknown) => opts.onReload(t.slug, { ok: false, error }),
      )
      .finally(() => {
        busy = null;
        if (again) {
          again = false;
          reload();
        }
      });
  };
  // a loose plugin is its code file, manifest, sidecars and public/ assets/ (or <base>-public/ -assets/)
  const looseBase = t.kind === 'loose' ? basename(t.path).replace(/\.(js|wasm)$/, '') : null;
  const own = (rel: string) =>
    t.kind === 'package' ? rel === basename(t.path) : rel.startsWith(looseBase!) || rel.startsWith('public') || rel.startsWith('assets');
  const watcher = watchChanges({
    root: dirname(t.path),
    depth: 2,
    debounceMs,
    ignore: (rel) => rel.split('/').some((part) => IGNORED_DIRS.has(part)) || !own(rel),
    classify: (rel) => (own(rel) ? 'plugin' : null),
    onBatch: reload,
  });
  return {
    watcher,
    async close() {
      closed = true;
      await watcher.close();
      await busy;
    },
  };
}
