// npm run build:engine — rebuilds engine/engine.wasm from engine/core.wasm and the SDK runtime.
// With --check, fails if the committed engine.wasm differs from a fresh build.
import { readFile } from 'node:fs/promises';

import { buildEngineWasm } from '../src/lib/engine/build-engine.js';
import { enginePath } from '../src/lib/engine/paths.js';

const check = process.argv.includes('--check');
const started = performance.now();
const committed = check ? new Uint8Array(await readFile(enginePath('engine.wasm')).catch(() => Buffer.alloc(0))) : null;
const built = await buildEngineWasm({ write: !check });
const ms = Math.round(performance.now() - started);
if (committed) {
  if (Buffer.compare(Buffer.from(committed), Buffer.from(built.bytes)) !== 0) {
    console.error('engine: engine.wasm is stale: run `npm run build:engine` and commit engine/engine.wasm');
    process.exitCode = 1;
  } else {
    console.error(`engine: engine.wasm is up to date (${built.bytes.length} bytes, rebuilt in ${ms} ms)`);
  }
} else {
  console.error(`engine: wrote engine/engine.wasm (${built.bytes.length} bytes; SDK runtime ${built.sdkRuntimeBytes} bytes) in ${ms} ms`);
}
