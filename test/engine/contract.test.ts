import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { enginePath } from '../../src/lib/engine/paths.js';
import { readWasmSummary } from '../../src/lib/engine/wasm-sections.js';

// The shared conformance data lives beside the repo (../shared); the engine's own copy is engine/host-functions.json.
const conformanceFile = fileURLToPath(new URL('../../../shared/conformance/production-host-functions.json', import.meta.url));
const engineSpec = JSON.parse(readFileSync(enginePath('host-functions.json'), 'utf8'));

const NINE = [
  'register',
  'on_event',
  'on_filter',
  'on_http_request',
  'on_auth_check',
  'on_tab_content',
  'on_page_content',
  'on_page_styles',
  'on_page_scripts',
];

type Spec = { functions: { name: string; params: { type: string }[]; result: string | null }[] };

function expectedImports(spec: Spec) {
  // Every scalar is an i64: PTR is an Extism offset in an i64 slot.
  return spec.functions
    .map((f) => ({ name: f.name, params: f.params.map(() => 'i64'), results: f.result ? ['i64'] : [] }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

describe.each([['core.wasm'], ['engine.wasm']] as const)('%s', (file) => {
  const summary = readWasmSummary(readFileSync(enginePath(file)));
  const userImports = summary.imports
    .filter((i) => i.module === 'extism:host/user')
    .map((i) => ({ name: i.name, params: i.type!.params, results: i.type!.results }))
    .sort((a, b) => a.name.localeCompare(b.name));

  it('imports every production host function under extism:host/user with the production signature', () => {
    expect(userImports).toHaveLength(49);
    expect(userImports).toEqual(expectedImports(engineSpec));
  });

  it.skipIf(!existsSync(conformanceFile))('matches the shared conformance list exactly', () => {
    const conformance = JSON.parse(readFileSync(conformanceFile, 'utf8')) as Spec;
    expect(userImports).toEqual(expectedImports(conformance));
  });

  it('imports nothing outside WASI, the Extism kernel and the host functions', () => {
    const modules = new Set(summary.imports.map((i) => i.module));
    expect([...modules].sort()).toEqual(['extism:host/env', 'extism:host/user', 'wasi_snapshot_preview1']);
    // only kernel functions that every Extism host provides (the JS SDK 1.0.3 included)
    const kernel = summary.imports.filter((i) => i.module === 'extism:host/env').map((i) => i.name);
    for (const name of kernel) {
      expect([
        'input_length', 'input_load_u8', 'input_load_u64', 'length', 'alloc', 'free', 'load_u8', 'load_u64',
        'store_u8', 'store_u64', 'output_set', 'error_set', 'config_get', 'var_get', 'var_set', 'http_request',
        'http_status_code', 'log_info', 'log_warn', 'log_error', 'log_debug',
      ]).toContain(name);
    }
  });

  it('caps linear memory at 64 MiB (1024 pages), as production does', () => {
    expect(summary.memory?.max).toBe(1024);
  });
});

describe('engine.wasm exports', () => {
  const summary = readWasmSummary(readFileSync(enginePath('engine.wasm')));

  it('exports exactly the nine production entry points as functions', () => {
    const fns = summary.exports.filter((e) => e.kind === 'function').map((e) => e.name);
    expect(fns.sort()).toEqual([...NINE].sort());
  });

  it('exports memory, plus only the ocp_io global for the fast I/O side channel', () => {
    const rest = summary.exports.filter((e) => e.kind !== 'function').map((e) => `${e.kind}:${e.name}`);
    expect(rest.sort()).toEqual(['global:ocp_io', 'memory:memory']);
  });
});
