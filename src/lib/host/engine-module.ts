import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import v8 from 'node:v8';

import { enginePath } from '../engine/paths.js';

// Compiling the engine costs ~100 ms of V8 work; it happens once per process and
// every plugin instance shares the compiled module (production does the same).
const compiled = new Map<string, Promise<WebAssembly.Module>>();

/**
 * How engines are compiled, from OWNCAST_PLUGIN_WASM_TIERING (read at each compile):
 * - `eager` (default): V8's optimizing tier up front. By default V8 first runs wasm in its
 *   baseline tier (Liftoff) and optimizes hot functions later, so a plugin's first calls run
 *   several times slower than later ones and can blow a 50 ms filter budget that production
 *   (ahead-of-time compiled) would meet. Eager TurboFan compilation costs about 0.7 s once per
 *   process and makes every call run at full speed: right for serve, simulate and watch.
 * - `liftoff`: every function compiled up front with Liftoff (~50 ms), hot ones optimized later
 *   in the background. First calls pay no compilation and take about what they take on
 *   optimized code (bench/test-runner.bench.ts): right for one-shot runs such as `test`.
 * - `lazy`: V8's default, each function compiled with Liftoff on its first call (~10 ms to
 *   start). The cheapest start, but a first call also pays for compiling what it reaches
 *   (tens of ms on a loaded machine): for runs that only register() a plugin.
 * The flags are restored afterwards so other wasm in the process compiles as usual.
 */
async function compileModule(bytes: Uint8Array): Promise<WebAssembly.Module> {
  const tiering = process.env.OWNCAST_PLUGIN_WASM_TIERING;
  if (tiering === 'lazy') return WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  if (tiering === 'liftoff') {
    v8.setFlagsFromString('--no-wasm-lazy-compilation');
    try {
      return await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
    } finally {
      v8.setFlagsFromString('--wasm-lazy-compilation');
    }
  }
  v8.setFlagsFromString('--no-liftoff');
  v8.setFlagsFromString('--no-wasm-lazy-compilation');
  try {
    return await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  } finally {
    v8.setFlagsFromString('--liftoff');
    v8.setFlagsFromString('--wasm-lazy-compilation');
  }
}

/** The shared JS engine (engine/engine.wasm), compiled once per process. */
export function loadEngineModule(path = enginePath('engine.wasm')): Promise<WebAssembly.Module> {
  let mod = compiled.get(path);
  if (!mod) {
    mod = readFile(path).then((bytes) => compileModule(bytes));
    mod.catch(() => compiled.delete(path));
    compiled.set(path, mod);
  }
  return mod;
}

/**
 * Hands this thread a compiled engine another thread of the process made (a WebAssembly.Module
 * crosses postMessage and workerData with its compiled code shared, not copied), so a new host
 * worker does not compile it again. Ignored when this thread already has one.
 */
export function adoptEngineModule(module: WebAssembly.Module, path = enginePath('engine.wasm')): void {
  if (!compiled.has(path)) compiled.set(path, Promise.resolve(module));
}

/** A self-contained plugin.wasm, compiled once per distinct content. */
export function compileWasm(bytes: Uint8Array): Promise<WebAssembly.Module> {
  const key = 'sha256:' + createHash('sha256').update(bytes).digest('hex');
  let mod = compiled.get(key);
  if (!mod) {
    mod = compileModule(bytes);
    mod.catch(() => compiled.delete(key));
    compiled.set(key, mod);
  }
  return mod;
}
