// Which code a plugin ships and whether it fits the production engine contract
// (reference-production-host.md §1, docs/engine-contract.md): a plugin.js must be a classic
// script body that requires only @owncast/plugin-sdk; a plugin.wasm must export register()
// and import only what an Owncast host provides, with the production signatures.

import { findModuleCalls } from '../compiler/scan.js';
import { ENGINE_EXPORTS } from '../host/instance.js';
import { hostFunctionSpecs, HOST_NAMESPACE, type HostFunctionSpec } from '../engine/host-functions.js';
import { readWasmSummary, type FuncType } from '../engine/wasm-sections.js';

export const SDK_MODULE = '@owncast/plugin-sdk';

/** The nine exports of the production JS engine. */
export { ENGINE_EXPORTS };

export interface ScriptReport {
  /** Fits the shared-engine contract. */
  ok: boolean;
  problems: string[];
  /** Every module the script requires (string literals), in order. */
  requires: string[];
}

/**
 * Checks a plugin.js against the shared engine's contract: it is evaluated as the body of
 * `function (module, exports, require)`, and `require` resolves only the SDK. Compiled, never run.
 */
export function checkScript(script: string): ScriptReport {
  const problems: string[] = [];
  try {
    // Only compiles the body; nothing in it runs.
    // eslint-disable-next-line no-new-func
    new Function('module', 'exports', 'require', script);
  } catch (err) {
    problems.push(
      `not a classic script body (${(err as Error).message}): the engine evaluates plugin.js inside a function, so import/export statements and top-level await are not allowed`,
    );
  }
  const calls = findModuleCalls(script);
  const requires: string[] = [];
  for (const call of calls) {
    if (call.callee === 'import') problems.push('dynamic import() is not supported by the engine');
    else if (call.literal === undefined) problems.push('require() with a computed name: the engine resolves only "@owncast/plugin-sdk"');
    else {
      requires.push(call.literal);
      if (call.literal !== SDK_MODULE) problems.push(`requires "${call.literal}": the engine resolves only "${SDK_MODULE}" (it throws "plugin required unknown module")`);
    }
  }
  if (!requires.includes(SDK_MODULE)) {
    problems.push(
      `never requires "${SDK_MODULE}": a plugin registers through the engine's own SDK; one with the SDK bundled in registers on a private copy and receives nothing`,
    );
  }
  return { ok: problems.length === 0, problems, requires: [...new Set(requires)] };
}

export interface WasmFunctionImport {
  name: string;
  /** `(i64, i64) -> i64` */
  signature: string;
  /** The production permission that gates it ('' ambient); undefined when production has no such function. */
  permission?: string;
  /** Why this import would not link on a production host. */
  problem?: string;
}

export interface WasmImportGroup {
  module: string;
  /** What provides it: the Owncast host functions, Extism's kernel, WASI, or nothing known. */
  role: 'owncast host functions' | 'Extism kernel' | 'WASI preview 1' | 'unknown';
  functions: WasmFunctionImport[];
}

export interface WasmReport {
  /** Fits the contract: links on a production host and exports register(). */
  ok: boolean;
  problems: string[];
  /** Built by this tool (our engine: it exports `ocp_io`), or another Extism toolchain. */
  builder: 'owncast-plugin' | 'other';
  imports: WasmImportGroup[];
  exports: { name: string; kind: string }[];
  /** Which of the engine's nine exports it has. */
  entryPoints: { present: string[]; missing: string[] };
  /**
   * Host functions imported: all 49, exactly the granted ones (`build --imports granted`),
   * another subset (e.g. a reference-SDK build), or none.
   */
  importsMode: 'all' | 'granted' | 'subset' | 'none';
  /** Granted by the manifest but not imported: calls to them cannot be made. */
  notImported: string[];
  memory?: { min: number; max?: number };
  customSections: string[];
}

const sig = (t: FuncType | undefined) => (t ? `(${t.params.join(', ')}) -> ${t.results.length === 0 ? '()' : t.results.join(', ')}` : '?');

function expected(spec: HostFunctionSpec): FuncType {
  return { params: spec.params.map(() => 'i64'), results: spec.result === null ? [] : ['i64'] };
}

/** Reads a plugin.wasm's imports and exports and checks them against the production host. `permissions` from its manifest, when known. */
export function checkWasm(bytes: Uint8Array, permissions?: readonly string[]): WasmReport {
  const problems: string[] = [];
  let summary;
  try {
    summary = readWasmSummary(bytes);
  } catch (err) {
    return {
      ok: false,
      problems: [`not a readable WebAssembly module: ${(err as Error).message}`],
      builder: 'other',
      imports: [],
      exports: [],
      entryPoints: { present: [], missing: [...ENGINE_EXPORTS] },
      importsMode: 'none',
      notImported: [],
      customSections: [],
    };
  }
  const specs = new Map(hostFunctionSpecs().map((s) => [s.name, s]));
  const groups = new Map<string, WasmImportGroup>();
  for (const imp of summary.imports) {
    let group = groups.get(imp.module);
    if (!group) {
      const role =
        imp.module === HOST_NAMESPACE
          ? 'owncast host functions'
          : imp.module === 'extism:host/env'
            ? 'Extism kernel'
            : imp.module === 'wasi_snapshot_preview1'
              ? 'WASI preview 1'
              : 'unknown';
      group = { module: imp.module, role, functions: [] };
      groups.set(imp.module, group);
      if (role === 'unknown') problems.push(`imports from module "${imp.module}", which no Owncast host provides: it will not link`);
    }
    const entry: WasmFunctionImport = { name: imp.name, signature: imp.kind === 'function' ? sig(imp.type) : imp.kind };
    if (imp.module === HOST_NAMESPACE) {
      const spec = specs.get(imp.name);
      if (!spec) {
        entry.problem = 'production provides no such host function: the module will not link';
      } else {
        entry.permission = spec.permission;
        const want = sig(expected(spec));
        if (imp.kind !== 'function' || entry.signature !== want) {
          entry.problem = `production's signature is ${want}: the module will not link (built against an older contract?)`;
        }
      }
      if (entry.problem) problems.push(`imports ${imp.name}: ${entry.problem}`);
    }
    group.functions.push(entry);
  }

  const exportNames = new Set(summary.exports.map((e) => e.name));
  const present = ENGINE_EXPORTS.filter((e) => exportNames.has(e));
  const missing = ENGINE_EXPORTS.filter((e) => !exportNames.has(e));
  if (!exportNames.has('register')) problems.push('does not export register(): the host refuses to load it ("plugin does not export register()")');
  if (!summary.exports.some((e) => e.kind === 'memory')) problems.push('exports no memory: Extism cannot exchange input and output with it');

  const user = groups.get(HOST_NAMESPACE)?.functions.map((f) => f.name) ?? [];
  const granted = permissions
    ? hostFunctionSpecs()
        .filter((s) => s.permission === '' || permissions.includes(s.permission))
        .map((s) => s.name)
    : undefined;
  const importsMode =
    user.length === 0
      ? 'none'
      : user.length === specs.size && hostFunctionSpecs().every((s) => user.includes(s.name))
        ? 'all'
        : granted && granted.length === user.length && granted.every((n) => user.includes(n))
          ? 'granted'
          : 'subset';
  const notImported = importsMode === 'all' || !granted ? [] : granted.filter((n) => !user.includes(n));
  return {
    ok: problems.length === 0,
    problems,
    builder: exportNames.has('ocp_io') ? 'owncast-plugin' : 'other',
    imports: [...groups.values()],
    exports: summary.exports.map((e) => ({ name: e.name, kind: e.kind })),
    entryPoints: { present, missing },
    importsMode,
    notImported,
    ...(summary.memory ? { memory: summary.memory } : {}),
    customSections: summary.customSections.map((c) => c.name),
  };
}
