import type { HostCall, HostImplementation } from '../host-functions.js';
import type { PluginIdentity } from '../types.js';

/** A host function body: it sees the calling plugin's full identity. */
export type Impl = HostImplementation<PluginIdentity>;
export type Impls = Partial<Record<string, Impl>>;
export type Call = HostCall<PluginIdentity>;

/** A PTR argument's raw bytes. */
export function bytesArg(call: Call, i: number): Uint8Array {
  const a = call.args[i];
  return a instanceof Uint8Array ? a : new Uint8Array(0);
}

/** An I64 argument as production reads it: Go's uint64 view of the slot. */
export function u64Arg(call: Call, i: number): bigint {
  const a = call.args[i];
  return typeof a === 'bigint' ? BigInt.asUintN(64, a) : 0n;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Go's json.Marshal of a decoded JSON value: object keys sorted (Go marshals maps in key
 * order), everything else as JSON.stringify writes it.
 */
export function goJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : goJson(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${goJson(obj[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** production's {ok, error?} envelope (a Go map, so "error" sorts before "ok"). */
export function okResult(error?: string): string {
  return error === undefined ? '{"ok":true}' : `{"error":${JSON.stringify(error)},"ok":false}`;
}
