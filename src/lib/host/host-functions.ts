import { hostFunctionSpecs, type HostFunctionSpec } from '../engine/host-functions.js';
import type { GuestMemory, HostFunction } from './instance.js';

/** A decoded argument: PTR parameters arrive as bytes, I64 parameters as bigint. */
export type HostArg = Uint8Array | bigint;

/** What an implementation returns: bytes/string/JSON-able for PTR results, a number for I64 results. */
export type HostResult = Uint8Array | string | number | bigint | boolean | object | null | undefined | void;

/** The caller of a host function, as the host's registry knows it. */
export interface CallerIdentity {
  slug: string;
  permissions: ReadonlySet<string>;
}

export interface HostCall<C extends CallerIdentity = CallerIdentity> {
  caller: C;
  fn: HostFunctionSpec;
  args: HostArg[];
  /** An argument as UTF-8 text. */
  text(i: number): string;
  /** An argument parsed as JSON (undefined when it is not valid JSON). */
  json<T = unknown>(i: number): T | undefined;
}

export type HostImplementation<C extends CallerIdentity = CallerIdentity> = (call: HostCall<C>) => HostResult;

export interface HostFunctionOptions<C extends CallerIdentity = CallerIdentity> {
  /** Read on every call (not copied), so a changed permission set applies at once. */
  caller: C;
  /** Called when an implementation throws (a bug on the host side); the plugin gets 0 / nothing. */
  onError?(fn: HostFunctionSpec, err: unknown): void;
  /** Implementations by host function name; a function without one is a no-op returning 0. */
  implementations: Partial<Record<string, HostImplementation<C>>>;
  /** Called when the plugin calls a function its manifest does not grant. */
  onDenied?(fn: HostFunctionSpec, caller: C): void;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/**
 * A host function's answer as data, before it reaches the plugin's memory: the bytes of a PTR
 * result (0n for the null pointer), the value of an I64 result, undefined for no result. It
 * crosses threads as it is (structured clone), which is how a plugin executor gets it.
 */
export type HostAnswer = Uint8Array | bigint | undefined;

function encodeResult(spec: HostFunctionSpec, value: HostResult): HostAnswer {
  if (spec.result === null) return undefined;
  if (spec.result === 'I64') {
    if (typeof value === 'bigint') return value;
    if (typeof value === 'boolean') return value ? 1n : 0n;
    if (typeof value === 'number' && Number.isFinite(value)) return BigInt(Math.trunc(value));
    return 0n;
  }
  if (value === null || value === undefined) return 0n;
  return value instanceof Uint8Array ? value : encoder.encode(typeof value === 'string' ? value : JSON.stringify(value));
}

/** Hands an answer to the plugin: bytes are stored in its memory and named by a pointer. */
export function storeHostAnswer(mem: GuestMemory, answer: HostAnswer): bigint | undefined {
  return answer instanceof Uint8Array ? mem.store(answer) : answer;
}

/** The arguments of a call as the plugin passed them: PTR parameters read out of its memory, I64 as they are. */
export function readHostArgs(mem: GuestMemory, spec: HostFunctionSpec, raw: bigint[]): HostArg[] {
  return spec.params.map((p, i) => {
    const v = raw[i] ?? 0n;
    if (p.type === 'I64') return v;
    return mem.read(v) ?? new Uint8Array(0);
  });
}

/** Runs host function `name` on decoded arguments: the permission gate, the body, the answer as data. */
export type HostCallRunner = (name: string, args: HostArg[]) => HostAnswer;

/**
 * The memory-free half of the host functions: gate, body and encoding, by function name.
 * createHostFunctions puts it behind the plugin's memory in the same thread; a plugin
 * executor reaches it from another thread with the arguments it read out.
 */
export function createHostCallRunner<C extends CallerIdentity>(opts: HostFunctionOptions<C>): HostCallRunner {
  const { caller, implementations, onDenied, onError } = opts;
  const runners = new Map<string, (args: HostArg[]) => HostAnswer>();
  for (const spec of hostFunctionSpecs()) {
    const impl = implementations[spec.name];
    const nothing = spec.result === null ? undefined : 0n;
    runners.set(spec.name, (args) => {
      if (spec.permission && !caller.permissions.has(spec.permission)) {
        onDenied?.(spec, caller);
        return nothing;
      }
      if (!impl) return nothing;
      const call: HostCall<C> = {
        caller,
        fn: spec,
        args,
        text: (i) => {
          const a = args[i];
          return a instanceof Uint8Array ? decoder.decode(a) : String(a ?? '');
        },
        json: <T>(i: number) => {
          try {
            return JSON.parse(call.text(i)) as T;
          } catch {
            return undefined;
          }
        },
      };
      // An exception must never unwind through the plugin's wasm frames: that would leave
      // the instance mid-call and unusable. Report it and answer like a denied call.
      try {
        return encodeResult(spec, impl(call));
      } catch (err) {
        onError?.(spec, err);
        return nothing;
      }
    });
  }
  return (name, args) => {
    const run = runners.get(name);
    return run ? run(args) : undefined;
  };
}

/**
 * Builds the extism:host/user imports for one plugin instance: every production host
 * function, each decoding its arguments, applying the permission gate (an ungranted call
 * is a silent no-op returning 0, as in production) and encoding the result.
 */
export function createHostFunctions<C extends CallerIdentity>(opts: HostFunctionOptions<C>): Record<string, HostFunction> {
  const run = createHostCallRunner(opts);
  const functions: Record<string, HostFunction> = {};
  for (const spec of hostFunctionSpecs()) {
    const { name } = spec;
    functions[name] = (mem: GuestMemory, ...raw: bigint[]) => storeHostAnswer(mem, run(name, readHostArgs(mem, spec, raw)));
  }
  return functions;
}
