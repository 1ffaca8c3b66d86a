import { hostFunctionSpecs, HOST_NAMESPACE } from './host-functions.js';
import { withoutExports } from './wasm-sections.js';

// The glue's export that stubs call; removed from every finished module.
const DENIED_EXPORT = 'ocp_denied';

export interface FinalizeOptions {
  /**
   * When set, every extism:host/user import whose permission is not in this list is
   * replaced by an internal stub (least privilege in the module's own import section).
   * Ambient functions (no permission) are always kept.
   */
  grantedPermissions?: readonly string[];
}

export interface FinalizeResult {
  wasm: Uint8Array;
  /** Host functions replaced by stubs. */
  stubbed: string[];
}

type Binaryen = typeof import('binaryen').default;

async function loadBinaryen(): Promise<Binaryen> {
  // binaryen is ESM with top-level await: import() it, never require().
  return (await import('binaryen')).default;
}

/**
 * Post-processes a module from Wizer: removes the glue's internal `ocp_denied` export
 * and, with `grantedPermissions`, replaces ungranted host imports with stubs that call it
 * (a warning once per function, then 0 / nothing, like production's permission gate).
 */
export async function finalizeModule(input: Uint8Array, opts: FinalizeOptions = {}): Promise<FinalizeResult> {
  // Without stubbing, dropping one export needs no binaryen (which takes ~20 s on a 1 MB module).
  if (!opts.grantedPermissions) return { wasm: withoutExports(input, [DENIED_EXPORT]), stubbed: [] };
  const binaryen = await loadBinaryen();
  const mod = binaryen.readBinary(input);
  // What clang-16 emits for wasm32 and Node 20 runs; never Features.All (it turns on
  // encodings Node 20 cannot load, see ../shared/notes/dependencies.md).
  const F = binaryen.Features;
  mod.setFeatures(F.MVP | F.SignExt | F.MutableGlobals | F.NontrappingFPToInt | F.BulkMemory);
  try {
    const stubbed: string[] = [];
    let deniedFn: string | undefined;
    for (let i = 0; i < mod.getNumExports(); i++) {
      const info = binaryen.getExportInfo(mod.getExportByIndex(i));
      if (info.name === DENIED_EXPORT) deniedFn = info.value;
    }
    if (opts.grantedPermissions) {
      if (!deniedFn) throw new Error('this engine module cannot stub imports (no ocp_denied export)');
      const granted = new Set(opts.grantedPermissions);
      const specs = hostFunctionSpecs();
      const index = new Map(specs.map((s, i) => [s.name, i]));
      const imports: { internal: string; base: string; params: number; results: number }[] = [];
      for (let i = 0; i < mod.getNumFunctions(); i++) {
        const f = binaryen.getFunctionInfo(mod.getFunctionByIndex(i));
        if (f.module === HOST_NAMESPACE && f.base) imports.push({ internal: f.name, base: f.base, params: f.params, results: f.results });
      }
      for (const imp of imports) {
        const idx = index.get(imp.base);
        if (idx === undefined) continue;
        const spec = specs[idx];
        if (!spec.permission || granted.has(spec.permission)) continue;
        mod.removeFunction(imp.internal);
        const report = mod.call(deniedFn, [mod.i32.const(idx)], binaryen.none);
        const body =
          imp.results === binaryen.none
            ? report
            : mod.block(null, [report, mod.i64.const(0n as never)], binaryen.i64);
        mod.addFunction(imp.internal, imp.params, imp.results, [], body);
        stubbed.push(imp.base);
      }
    }
    if (deniedFn) mod.removeExport(DENIED_EXPORT);
    if (!mod.validate()) throw new Error('binaryen produced an invalid module');
    return { wasm: mod.emitBinary(), stubbed: stubbed.sort() };
  } finally {
    mod.dispose();
  }
}
