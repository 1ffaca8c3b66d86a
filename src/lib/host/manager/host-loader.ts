// The LoadPlugin factory over the minimal PluginHost (host.ts): enough for tests and for
// callers that do not wire the full host. Kept apart from manager.ts so the manager does
// not import the engine.

import type { LoadedPlugin, PluginHost } from '../host.js';
import type { LoadPlugin, PluginHandle } from './manager.js';

export interface HostPluginHandle extends PluginHandle {
  readonly plugin: LoadedPlugin;
}

/**
 * Loads through `host.load()`. PluginHost closes the instance itself when register()
 * fails; close() unloads it from the host, so a refused load leaves nothing behind.
 */
export function pluginHostLoader(host: PluginHost): LoadPlugin<HostPluginHandle> {
  return async (source) => {
    const plugin = await host.load({
      manifestJson: source.manifestJson,
      ...(source.script !== undefined ? { script: source.script } : {}),
      ...(source.wasm !== undefined ? { wasm: source.wasm } : {}),
      ...(source.sourceMap !== undefined ? { sourceMap: source.sourceMap } : {}),
      ...(source.sourceMapFile !== undefined ? { sourceMapFile: source.sourceMapFile } : {}),
      assets: source.assets,
      publicFiles: source.publicFiles,
    });
    return {
      slug: plugin.slug,
      // the output text exactly as the engine wrote it, so the 256 KiB cap is measured exactly
      registration: plugin.registerOutput,
      plugin,
      close: () => host.unload(plugin),
    };
  };
}
