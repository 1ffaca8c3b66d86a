import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The installed package's root (the folder with our package.json), from sources or compiled output alike. */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj) && JSON.parse(readFileSync(pj, 'utf8')).name === 'owncast-plugin') return (root = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error('owncast-plugin: cannot find the package root from ' + import.meta.url);
    dir = up;
  }
}

/** Files of the engine folder: core.wasm (QuickJS + glue), engine.wasm (core + SDK runtime, pre-initialised). */
export function enginePath(name: 'core.wasm' | 'engine.wasm' | 'host-functions.json'): string {
  return join(packageRoot(), 'engine', name);
}
