import { readFile } from 'node:fs/promises';

import { UserError } from '../errors.js';
import { buildSdkRuntime } from '../sdk/build-runtime.js';
import { finalizeModule } from './imports.js';
import { buildStamp, STAMP_SECTION } from '../version.js';
import { enginePath } from './paths.js';
import { appendCustomSection } from './wasm-sections.js';
import { wizen } from './wizer.js';

export interface PluginWasmOptions {
  /** The bundled plugin.js. */
  script: string;
  scriptMap?: string;
  /** plugin.manifest.json, verbatim: embedded as config "manifest". */
  manifestJson: string;
  /** 'granted' replaces every host import the manifest does not grant with a stub. */
  importsMode: 'all' | 'granted';
  permissions: string[];
}

export interface PluginWasmResult {
  wasm: Uint8Array;
  /** True when the plugin's top-level code ran at build time (snapshotted); false when it runs on the first call. */
  preEvaluated: boolean;
  notes: string[];
}

/**
 * A self-contained plugin.wasm: the engine with the SDK runtime and the plugin already
 * evaluated by Wizer, and the manifest embedded. Top-level code that calls the host cannot
 * run at build time; then the script is embedded and evaluated on the first call instead.
 */
export async function buildPluginWasm(opts: PluginWasmOptions): Promise<PluginWasmResult> {
  const core = new Uint8Array(await readFile(enginePath('core.wasm')));
  const sdkRuntime = await buildSdkRuntime({ minify: true });
  const notes: string[] = [];
  const input = { sdkRuntime, pluginScript: opts.script, manifestJson: opts.manifestJson };
  let outcome = await wizen(core, input);
  let preEvaluated = true;
  if (!outcome.ok && outcome.kind === 'hostcall') {
    preEvaluated = false;
    notes.push(
      "the plugin's top-level code calls the host, so it cannot be pre-evaluated at build time; " +
        'plugin.wasm evaluates it on its first call instead',
    );
    outcome = await wizen(core, { ...input, defer: true });
  }
  if (!outcome.ok) {
    if (outcome.kind === 'timeout') {
      throw new UserError("the plugin's top-level code did not finish within the 10 s build budget", {
        exitCode: 1,
        code: 'PLUGIN_INIT_TIMEOUT',
        nextSteps: ['Move long-running work out of the top level, into a handler or owncast.timer.'],
      });
    }
    throw new UserError(`the plugin's top-level code failed at build time: ${outcome.message}`, {
      exitCode: 1,
      code: 'PLUGIN_INIT_FAILED',
      nextSteps: ['Fix the error above; the same error would stop the plugin from loading on Owncast.'],
    });
  }
  const finalized = await finalizeModule(outcome.wasm, {
    grantedPermissions: opts.importsMode === 'granted' ? opts.permissions : undefined,
  });
  if (opts.importsMode === 'granted') {
    notes.push(
      finalized.stubbed.length
        ? `${finalized.stubbed.length} ungranted host functions replaced by stubs (least privilege)`
        : 'every host function is granted; nothing to stub',
    );
  }
  // what built it, for `inspect` (a custom section: no host reads it, and it changes nothing that runs)
  const stamp = new TextEncoder().encode(JSON.stringify(buildStamp()));
  return { wasm: appendCustomSection(finalized.wasm, STAMP_SECTION, stamp), preEvaluated, notes };
}
