import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

import { enginePath } from '../engine/paths.js';

// Compiling the engine costs ~100 ms of V8 work; it happens once per process and
// every plugin instance shares the compiled module (production does the same).
const compiled = new Map<string, Promise<WebAssembly.Module>>();

/** The shared JS engine (engine/engine.wasm), compiled once per process. */
export function loadEngineModule(path = enginePath('engine.wasm')): Promise<WebAssembly.Module> {
  let mod = compiled.get(path);
  if (!mod) {
    mod = readFile(path).then((bytes) => WebAssembly.compile(bytes));
    mod.catch(() => compiled.delete(path));
    compiled.set(path, mod);
  }
  return mod;
}

/** A self-contained plugin.wasm, compiled once per distinct content. */
export function compileWasm(bytes: Uint8Array): Promise<WebAssembly.Module> {
  const key = 'sha256:' + createHash('sha256').update(bytes).digest('hex');
  let mod = compiled.get(key);
  if (!mod) {
    mod = WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
    mod.catch(() => compiled.delete(key));
    compiled.set(key, mod);
  }
  return mod;
}
