// How PluginHost asks for an instance that runs somewhere other than its own thread (serve:
// one executor thread per plugin). Types only, so host.ts does not load the executor code.

import type { HostCallRunner } from '../host-functions.js';
import type { GuestLogger, PluginRuntime } from '../instance.js';
import type { PluginIdentity } from '../types.js';

export interface InstanceSpec {
  identity: PluginIdentity;
  /** The compiled engine or plugin.wasm. */
  module: WebAssembly.Module;
  /** Extism config: __slug, manifest, script. */
  config: Record<string, string>;
  /** Budget per export, for the call board and network.fetch's deadline. */
  budgets: Record<string, number>;
  /** The plugin's host functions over this host's services, by name (functions/index.ts buildHostCallRunner). */
  runHostCall: HostCallRunner;
  /** Where the plugin's console output goes. */
  logger: GuestLogger;
  /** Where the host's own trouble with the plugin's thread goes. */
  warn(message: string): void;
}

/** Makes the instances of a PluginHost's plugins (PluginHostOptions.instances). */
export interface InstanceFactory {
  create(spec: InstanceSpec): Promise<PluginRuntime>;
}
