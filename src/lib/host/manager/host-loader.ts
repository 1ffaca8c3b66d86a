// The LoadPlugin factory over the minimal PluginHost (host.ts): enough for tests and for
// callers that do not wire the full host, and the manager wired to it. Kept apart from
// manager.ts so the manager does not import the engine.

import type { LoadedPlugin, PluginHost, PluginSource } from '../host.js';
import { PluginManager, type LoadPlugin, type PluginHandle, type PluginManagerOptions } from './manager.js';
import type { LoadedSource } from './sources.js';

export interface HostPluginHandle extends PluginHandle {
  readonly plugin: LoadedPlugin;
}

/**
 * Loads through `host.load()`. PluginHost closes the instance itself when register()
 * fails; close() unloads it from the host, so a refused load leaves nothing behind.
 */
export function pluginHostLoader(host: PluginHost): LoadPlugin<HostPluginHandle> {
  return async (source) => {
    const plugin = await host.load(toPluginSource(source));
    return {
      slug: plugin.slug,
      // the output text exactly as the engine wrote it, so the 256 KiB cap is measured exactly
      registration: plugin.registerOutput,
      plugin,
      close: () => host.unload(plugin),
    };
  };
}

/**
 * A PluginManager whose plugins load into `host`, with the strike system wired through:
 * when the host's dispatcher turns a plugin off, the manager lists it as autoDisabled and
 * drops it from snapshot(); enable or reload brings a fresh instance with no strikes.
 */
export function createHostPluginManager(
  host: PluginHost,
  opts: Omit<PluginManagerOptions<HostPluginHandle>, 'load'>,
): PluginManager<HostPluginHandle> {
  const manager = new PluginManager<HostPluginHandle>({ ...opts, load: pluginHostLoader(host) });
  host.onPluginDisabled((slug) => manager.setAutoDisabled(slug));
  return manager;
}

/** What a host loads from a file the manager read: the code, its source map, assets, public files. */
export function toPluginSource(source: LoadedSource, configOverrides?: Record<string, unknown>): PluginSource {
  return {
    manifestJson: source.manifestJson,
    ...(source.script !== undefined ? { script: source.script } : {}),
    ...(source.wasm !== undefined ? { wasm: source.wasm } : {}),
    ...(source.sourceMap !== undefined ? { sourceMap: source.sourceMap } : {}),
    ...(source.sourceMapFile !== undefined ? { sourceMapFile: source.sourceMapFile } : {}),
    assets: source.assets,
    publicFiles: source.publicFiles,
    ...(configOverrides ? { configOverrides } : {}),
  };
}
