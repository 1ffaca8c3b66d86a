export {
  PluginManager,
  pendingPermissions,
  PENDING_AT_STARTUP,
  type DiscoveredEntry,
  type LoadPlugin,
  type ManagerEvents,
  type PluginHandle,
  type PluginManagerOptions,
  type UnloadReason,
} from './manager.js';
export { AgreementError, checkRegistration, MAX_REGISTER_OUTPUT_BYTES, type AgreementResult, type RuntimeRegistration } from './agreement.js';
export {
  directoryFileSource,
  loadLooseSource,
  loadPackageSource,
  loadProjectSource,
  loadSource,
  LOOSE_JS_WARNING,
  pluginFileFormat,
  PYTHON_UNSUPPORTED,
  readPluginFileInfo,
  type LoadedSource,
  type PluginFileFormat,
  type PluginFileInfo,
  type SourceLayout,
} from './sources.js';
export { StateStore, STATE_FILE, type ManagerState } from './state.js';
export { createHostPluginManager, pluginHostLoader, toPluginSource, type HostPluginHandle } from './host-loader.js';
