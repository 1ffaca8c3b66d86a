import { readFile, writeFile } from 'node:fs/promises';

import { buildSdkRuntime } from '../sdk/build-runtime.js';
import { finalizeModule } from './imports.js';
import { enginePath } from './paths.js';
import { wizen } from './wizer.js';

export interface EngineBuild {
  path: string;
  bytes: Uint8Array;
  sdkRuntimeBytes: number;
}

/**
 * engine.wasm = core.wasm with the SDK runtime pre-evaluated by Wizer. The result is
 * deterministic for the same core.wasm and SDK sources, so it is committed and checked.
 */
export async function buildEngineWasm(opts: { write?: boolean } = {}): Promise<EngineBuild> {
  const core = new Uint8Array(await readFile(enginePath('core.wasm')));
  const sdkRuntime = await buildSdkRuntime({ minify: true });
  const outcome = await wizen(core, { sdkRuntime });
  if (!outcome.ok) throw new Error(`building engine.wasm failed (${outcome.kind}): ${outcome.message}`);
  const { wasm } = await finalizeModule(outcome.wasm);
  const path = enginePath('engine.wasm');
  if (opts.write !== false) await writeFile(path, wasm);
  return { path, bytes: wasm, sdkRuntimeBytes: Buffer.byteLength(sdkRuntime) };
}
