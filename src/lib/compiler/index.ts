export {
  buildPlugin,
  bundlePlugin,
  type BuildOptions,
  type BuildResult,
  type BuildTarget,
  type BuildTypecheck,
  type BuiltFile,
  type BundleResult,
  type ImportsMode,
  type TypecheckMode,
} from './build.js'
export {findEntry, ENTRY_CANDIDATES} from './entry.js'
export {findModuleCalls, type CallSite} from './scan.js'
export {SDK_MODULE} from './sandbox-plugin.js'
export {
  createTypechecker,
  loadTypescript,
  typecheckDiagnostics,
  typecheckFailed,
  type TypeDiagnostic,
  type Typechecker,
  type TypecheckerOptions,
  type TypecheckResult,
} from './typecheck.js'
export {createBackgroundTypechecker, type BackgroundTypechecker} from './typecheck-worker.js'
