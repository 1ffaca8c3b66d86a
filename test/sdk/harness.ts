// Runs the built SDK runtime in a Node vm context with a fake glue: a recording `__ocHost`
// that enforces the production signatures, a fake `Http`, and evalScript built on vm.

import vm from "node:vm";

import { buildSdkRuntime } from "../../src/lib/sdk/build-runtime.js";
import { HOST_FUNCTIONS } from "./host-functions.js";

let runtimeScript: Promise<string> | undefined;

/** The runtime script, built once per test file. */
export function sdkRuntime(): Promise<string> {
  runtimeScript ??= buildSdkRuntime();
  return runtimeScript;
}

export interface HostCall {
  name: string;
  args: unknown[];
}

export interface HttpCall {
  req: { url: string; method?: string; headers?: Record<string, string> };
  body?: string;
  argc: number;
}

/** A canned host result: a value, or a function of the call's arguments. */
export type HostResult = unknown | ((...args: unknown[]) => unknown);

export interface InstanceOptions {
  /** Config "script" (the plugin source). */
  script?: string;
  /** Config "manifest": an object is JSON-encoded. */
  manifest?: unknown;
  /** Canned results by host function name. PTR: string, object (JSON-encoded) or null. */
  results?: Record<string, HostResult>;
  /** The response of Http.request. */
  httpResponse?: { status: number; body?: string; headers?: Record<string, string> };
}

export interface Instance {
  context: vm.Context;
  entry: Record<string, (input?: string) => any>;
  calls: HostCall[];
  httpCalls: HttpCall[];
  evalCount: number;
  results: Record<string, HostResult>;
  /** The plugin's `require` (captured by the fake evalScript). */
  require(name: string): any;
  /** Loads the plugin and returns the SDK module as the plugin sees it. */
  sdk(): any;
  /** on_event with an envelope. */
  event(eventType: string, payload?: unknown): any;
  /** Names of the host functions called so far. */
  names(): string[];
}

function isBytes(value: unknown): boolean {
  return ArrayBuffer.isView(value) || Object.prototype.toString.call(value) === "[object ArrayBuffer]";
}

function checkArg(name: string, index: number, kind: string, value: unknown): void {
  const ok =
    kind === "PTR"
      ? typeof value === "string" || isBytes(value)
      : typeof value === "bigint" ||
        typeof value === "boolean" ||
        (typeof value === "number" && Number.isInteger(value));
  if (!ok) throw new TypeError(`${name}: argument ${index} must be ${kind}, got ${String(value)}`);
}

/** Creates a fresh engine instance: a vm context with the fake glue and the runtime evaluated. */
export async function createInstance(options: InstanceOptions = {}): Promise<Instance> {
  const script = await sdkRuntime();
  const calls: HostCall[] = [];
  const httpCalls: HttpCall[] = [];
  const results: Record<string, HostResult> = { owncast_timer_set: 1, ...options.results };
  const config: Record<string, string | null> = {
    script: options.script ?? null,
    manifest:
      options.manifest === undefined
        ? null
        : typeof options.manifest === "string"
          ? options.manifest
          : JSON.stringify(options.manifest),
  };
  let capturedRequire: ((name: string) => unknown) | undefined;

  const context = vm.createContext({});
  const GuestUint8Array = vm.runInContext("Uint8Array", context) as Uint8ArrayConstructor;

  function invoke(name: string, args: unknown[], bytes: boolean): unknown {
    const signature = HOST_FUNCTIONS[name];
    if (!signature) throw new TypeError(`unknown host function: ${name}`);
    if (args.length !== signature.params.length) {
      throw new TypeError(`${name}: expected ${signature.params.length} arguments, got ${args.length}`);
    }
    signature.params.forEach((kind, i) => checkArg(name, i, kind, args[i]));
    calls.push({ name, args });
    const canned = results[name];
    const value = typeof canned === "function" ? (canned as (...a: unknown[]) => unknown)(...args) : canned;
    if (signature.result === null) return undefined;
    if (signature.result === "I64") return value === undefined ? 0 : value;
    if (value === undefined || value === null) return null;
    const text = typeof value === "string" ? value : JSON.stringify(value);
    if (!bytes) return text;
    return new GuestUint8Array(new TextEncoder().encode(text));
  }

  const instance: Instance = {
    context,
    entry: {},
    calls,
    httpCalls,
    evalCount: 0,
    results,
    require(name: string) {
      if (!capturedRequire) throw new Error("plugin not evaluated yet");
      return capturedRequire(name);
    },
    sdk() {
      instance.entry.__load(options.script ?? "");
      return instance.require("@owncast/plugin-sdk");
    },
    event(eventType: string, payload?: unknown) {
      return instance.entry.on_event(JSON.stringify({ eventType, payload }));
    },
    names() {
      return calls.map((c) => c.name);
    },
  };

  context.__ocHost = {
    call: (name: string, ...args: unknown[]) => invoke(name, args, false),
    callBytes: (name: string, ...args: unknown[]) => invoke(name, args, true),
    config: (key: string) => config[key] ?? null,
    evalScript(source: string, filename: string) {
      instance.evalCount++;
      const factory = new vm.Script(`(function (module, exports, require) {${source}\n})`, {
        filename,
      }).runInContext(context) as (...args: unknown[]) => unknown;
      return function (this: unknown, module: unknown, exports: unknown, require: (name: string) => unknown) {
        capturedRequire = require;
        return factory.call(this, module, exports, require);
      };
    },
  };
  context.Http = {
    request(req: HttpCall["req"], body?: string) {
      httpCalls.push({ req, body, argc: arguments.length });
      return options.httpResponse ?? { status: 200, body: "ok", headers: { "content-type": "text/plain" } };
    },
  };
  const logs: unknown[][] = [];
  context.console = { log: (...a: unknown[]) => logs.push(a), error: (...a: unknown[]) => logs.push(a) };

  new vm.Script(script, { filename: "sdk-runtime.js" }).runInContext(context);
  instance.entry = context.__ocpEntry;
  return instance;
}

/** Creates an instance whose plugin is `script`, evaluated on the first export call. */
export function loadPlugin(script: string, options: Omit<InstanceOptions, "script"> = {}): Promise<Instance> {
  return createInstance({ ...options, script });
}

/** The source prelude most test plugins start with. */
export const PRELUDE = `const { definePlugin, owncast, filter, Events } = require("@owncast/plugin-sdk");\n`;

/** Copies a guest value into this realm (plain JSON), for deep equality checks. */
export function plain<T>(value: T): T {
  return value === undefined ? value : JSON.parse(JSON.stringify(value));
}
