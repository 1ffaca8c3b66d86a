export {
  buildPlugin,
  bundlePlugin,
  type BuildOptions,
  type BuildResult,
  type BuildTarget,
  type BuiltFile,
  type BundleResult,
  type ImportsMode,
} from './build.js'
export {findEntry, ENTRY_CANDIDATES} from './entry.js'
export {findModuleCalls, type CallSite} from './scan.js'
export {SDK_MODULE} from './sandbox-plugin.js'
