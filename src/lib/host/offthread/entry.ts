// Where the code for a worker thread or a helper process comes from. Built, it is tsc's .js
// output under lib/lib/ — also when the caller runs from the CLI bundle (lib/cli/bundle), whose
// chunks have no modules beside them. From source (vitest, tsx), it is the .ts file under
// src/lib/, and Node needs tsx's loader to run it: worker threads ignore `--import` in
// execArgv on Node 20, so a worker registers the loader itself before importing the entry.

import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

import { packageRoot } from '../../engine/paths.js';

export interface ModuleEntry {
  /** Absolute file path. */
  path: string;
  /** A TypeScript source file (running from src/), which needs tsx's loader. */
  typescript: boolean;
}

const FROM_SOURCE = fileURLToPath(import.meta.url).endsWith('.ts');

/** A module of src/lib by its path there without extension, e.g. `host/threaded/host-worker`. */
export function libModule(path: string): ModuleEntry {
  return FROM_SOURCE
    ? { path: join(packageRoot(), 'src', 'lib', `${path}.ts`), typescript: true }
    : { path: join(packageRoot(), 'lib', 'lib', `${path}.js`), typescript: false };
}

/** The module `name` (no extension) next to the module whose import.meta.url is `from`. */
export function siblingEntry(from: string, name: string): ModuleEntry {
  const here = fileURLToPath(from);
  const typescript = here.endsWith('.ts');
  return { path: resolve(dirname(here), `${name}${typescript ? '.ts' : '.js'}`), typescript };
}

let tsx: { api: string; loader: string } | undefined;
function tsxUrls(): { api: string; loader: string } {
  if (!tsx) {
    const require = createRequire(import.meta.url);
    // The package's "require" condition names the .cjs API; the ESM one sits beside it.
    const api = require.resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs');
    tsx = { api: pathToFileURL(api).href, loader: pathToFileURL(require.resolve('tsx')).href };
  }
  return tsx;
}

/**
 * Starts a worker thread on `entry`. It does not inherit the parent's execArgv (a test
 * runner's or an inspector's flags have no business there).
 */
export function startWorker(entry: ModuleEntry, options: WorkerOptions = {}): Worker {
  const opts: WorkerOptions = { execArgv: [], ...options };
  if (!entry.typescript) return new Worker(entry.path, opts);
  const { api } = tsxUrls();
  const source =
    `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(pathToFileURL(entry.path).href)}); })` +
    `.catch((err) => { console.error(err); process.exit(1); });`;
  return new Worker(source, { ...opts, eval: true });
}

/** The node arguments that run `entry` as a child process. */
export function childArgs(entry: ModuleEntry): string[] {
  return entry.typescript ? ['--import', tsxUrls().loader, entry.path] : [entry.path];
}
