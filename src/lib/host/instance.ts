import type { CallContext, Plugin } from '@extism/extism';

import { loadExtism } from './extism.js';

/** The nine entry points of the production engine contract. */
export const ENGINE_EXPORTS = [
  'register',
  'on_event',
  'on_filter',
  'on_http_request',
  'on_auth_check',
  'on_tab_content',
  'on_page_content',
  'on_page_styles',
  'on_page_scripts',
] as const;
export type EngineExport = (typeof ENGINE_EXPORTS)[number];

/**
 * A host function's view of the plugin's memory for one call: pointer arguments and results.
 * With our engine (ocp_io "OCP2") they travel through its linear memory; with any other
 * module, through Extism's memory blocks.
 */
export interface GuestMemory {
  /** The bytes of a pointer argument (a copy); null for the null pointer or a bad block. */
  read(arg: bigint): Uint8Array | null;
  /** Hands bytes to the plugin and returns the pointer result that names them. */
  store(bytes: Uint8Array): bigint;
}

export type HostFunction = (mem: GuestMemory, ...args: bigint[]) => bigint | number | void;

export interface GuestLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface InstanceOptions {
  module: WebAssembly.Module;
  /** Extism config: __slug, script, manifest. */
  config: Record<string, string>;
  /** extism:host/user functions. */
  hostFunctions: Record<string, HostFunction>;
  /** Replacements for Extism kernel functions (extism:host/env), e.g. http_request. */
  kernelOverrides?: Record<string, HostFunction>;
  /** Where the plugin's console output goes. */
  logger: GuestLogger;
  /** Called as an export starts executing (after any wait in the queue): budgets count from here. */
  onCallStart?(exportName: string): void;
  /** Recreate the instance after a call that left its linear memory larger than this. */
  recycleMemoryBytes?: number;
  /**
   * Pass inputs and outputs through the engine's linear memory (ocp_io) rather than
   * Extism's kernel, which copies 8 bytes per host call. Default true; false measures
   * or exercises the standard path that every other host uses.
   */
  fastIo?: boolean;
}

/** Why a call into the engine failed. */
export type CallFailureKind =
  | 'deadline' // the call ran past its budget and was stopped inside the engine
  | 'out-of-memory' // the JS heap limit was hit
  | 'load' // the plugin's top-level code threw (every later call repeats it)
  | 'trap' // the wasm instance trapped (stack overflow in V8, unreachable…): it was recreated
  | 'missing-export' // the module does not export that entry point
  | 'error'; // the plugin threw

export class EngineCallError extends Error {
  readonly kind: CallFailureKind;
  readonly exportName: string;
  /** The JS stack inside the plugin, when the plugin threw. */
  readonly pluginStack: string | undefined;

  constructor(kind: CallFailureKind, exportName: string, message: string, pluginStack?: string) {
    super(message);
    this.name = 'EngineCallError';
    this.kind = kind;
    this.exportName = exportName;
    this.pluginStack = pluginStack;
  }
}

export interface CallOutput {
  /** Output bytes, or null when the export produced none. */
  readonly bytes: Uint8Array | null;
  text(): string;
}

// ocp_io in engine/src/glue.c: "OCP1" engines pass call input/output through linear memory;
// "OCP2" engines also pass host-call arguments and results that way.
const IO_MAGIC_V1 = 0x3150434f;
const IO_MAGIC_V2 = 0x3250434f;
const IO_FAST_IN = 1;
const IO_FAST_OUT = 2;
const IO_OUT_READY = 4;
const IO_FAST_HOSTCALL = 8;
const FAST_IO_MAX = 16 * 1024 * 1024;
const HC_TAG = 1n << 63n;
const DEFAULT_RECYCLE_BYTES = 40 * 1024 * 1024;

// The context of the guest call executing right now. Extism runs an export synchronously
// inside plugin.call(), and host functions run inside that, so a module variable set
// around the synchronous part tells a host function exactly which call it serves
// (cheaper and more precise than AsyncLocalStorage, whose promise hooks slow every call).
let runningContext: unknown;

/** The `context` passed to PluginInstance.call for the export executing now, if any. */
export function runningCallContext(): unknown {
  return runningContext;
}

/**
 * Runs `fn` (synchronously) as if inside the call `context` belongs to: a host function that
 * a plugin running in another thread called (executor/) sees its call, as an in-thread one does.
 */
export function withRunningCallContext<T>(context: unknown, fn: () => T): T {
  const outer = runningContext;
  runningContext = context;
  try {
    return fn();
  } finally {
    runningContext = outer;
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const EMPTY = new Uint8Array(0);

/**
 * GuestMemory over one instance. A tagged argument (bit 63 set: len << 32 | ptr) is read in
 * place; in a fast call a result is written into the engine's host-call buffer (HC_TAG | len)
 * when it fits, else it goes into an Extism block and the engine grows its buffer.
 */
class InstanceMemory implements GuestMemory {
  ctx: CallContext | null = null;
  memory: WebAssembly.Memory | null = null;
  /** Address of ocp_io while a fast-host-call export runs, else -1. */
  fastAddr = -1;

  read(arg: bigint): Uint8Array | null {
    if (arg === 0n) return null;
    if (arg < 0n) {
      const u = BigInt.asUintN(64, arg);
      const len = Number((u >> 32n) & 0x7fffffffn);
      const ptr = Number(u & 0xffffffffn);
      const buf = this.memory?.buffer;
      if (!buf || ptr + len > buf.byteLength) return null;
      return new Uint8Array(buf, ptr, len).slice();
    }
    return this.ctx?.read(arg)?.bytes() ?? null;
  }

  store(bytes: Uint8Array): bigint {
    if (this.fastAddr >= 0 && this.memory) {
      const view = new DataView(this.memory.buffer);
      const cap = view.getUint32(this.fastAddr + 36, true);
      if (bytes.length <= cap) {
        new Uint8Array(this.memory.buffer, view.getUint32(this.fastAddr + 32, true), bytes.length).set(bytes);
        return HC_TAG | BigInt(bytes.length);
      }
      if (cap > 0) view.setUint32(this.fastAddr + 40, Math.min(FAST_IO_MAX, Math.max(bytes.length, cap * 2)), true);
    }
    // Extism stores a Uint8Array's whole ArrayBuffer, not the view: a view (a Buffer from Node's
    // pool, a slice of a package) must be copied or the plugin reads the memory around it.
    const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
    return this.ctx ? this.ctx.store(whole) : 0n;
  }
}

class Output implements CallOutput {
  constructor(readonly bytes: Uint8Array | null) {}
  text(): string {
    return this.bytes ? decoder.decode(this.bytes) : '';
  }
}

/** Splits the engine's error text into a failure kind, a message and the plugin's stack. */
export function classifyEngineError(exportName: string, raw: string): EngineCallError {
  const text = raw.replace(/^Plugin-originated error: /, '');
  const prefixes: [string, CallFailureKind][] = [
    ['deadline exceeded: ', 'deadline'],
    ['out of memory: ', 'out-of-memory'],
    ['plugin failed to load: ', 'load'],
    ['instance unusable: ', 'trap'],
  ];
  let kind: CallFailureKind = 'error';
  let body = text;
  for (const [prefix, k] of prefixes) {
    if (text.startsWith(prefix)) {
      kind = k;
      body = k === 'load' ? text.slice(prefix.length) : text;
      break;
    }
  }
  const nl = body.indexOf('\n');
  const message = nl < 0 ? body : body.slice(0, nl);
  const stack = nl < 0 ? undefined : body.slice(nl + 1);
  return new EngineCallError(kind, exportName, message, stack);
}

/**
 * A call that waited `performance.now() - queuedAt` for its instance: the error it fails with
 * when that spent its whole budget (DESIGN §2.1: waiting counts against the budget), else null.
 */
export function waitedPastBudget(exportName: string, queuedAt: number, budgetMs: number | undefined): EngineCallError | null {
  const waited = performance.now() - queuedAt;
  if (budgetMs === undefined || waited < budgetMs) return null;
  return new EngineCallError(
    'deadline',
    exportName,
    `deadline exceeded: ${exportName} waited ${Math.round(waited)} ms for the plugin, past its ${budgetMs} ms budget`,
  );
}

/**
 * What a loaded plugin needs of its instance: a PluginInstance in this thread, or a plugin
 * running in a thread of its own (executor/remote-instance.ts). Calls are serialized and
 * reject with an EngineCallError, or a PluginError when the thread had to be ended.
 */
export interface PluginRuntime {
  /** `opts.queuedAt`: when the call was made (performance.now() of this thread), if before now. */
  call(exportName: EngineExport | string, input?: string | Uint8Array, context?: unknown, opts?: { budgetMs?: number; queuedAt?: number }): Promise<CallOutput>;
  close(): Promise<void>;
  /** Bytes of linear memory the instance holds now (as of the last call, for one in another thread). */
  readonly memoryBytes: number;
  /** How many times the wasm instance was thrown away and made again (as of the last call). */
  readonly recreations: number;
}

/**
 * One plugin instance: a wasm instance of the engine (or a self-contained plugin.wasm)
 * with its Extism config. Calls are serialized. A call that traps, runs out of memory
 * or leaves memory past the recycle threshold gets the instance recreated (state kept
 * in host storage survives; JS state does not).
 */
export class PluginInstance implements PluginRuntime {
  readonly #opts: InstanceOptions;
  #plugin: Plugin | null = null;
  #memory: WebAssembly.Memory | null = null;
  #io: { memory: WebAssembly.Memory; addr: number; hostCalls: boolean } | null = null;
  #guest: InstanceMemory | null = null;
  #tail: Promise<unknown> = Promise.resolve();
  #closed = false;
  #recreations = 0;
  #needsWarmup = false;

  private constructor(opts: InstanceOptions) {
    this.#opts = opts;
  }

  static async create(opts: InstanceOptions): Promise<PluginInstance> {
    const inst = new PluginInstance(opts);
    await inst.#instantiate();
    return inst;
  }

  /** How many times the wasm instance was thrown away and made again. */
  get recreations(): number {
    return this.#recreations;
  }

  /** Bytes of linear memory the instance holds now. */
  get memoryBytes(): number {
    return this.#memory?.buffer.byteLength ?? 0;
  }

  /**
   * Calls an export; resolves with its output or rejects with an EngineCallError. `context`
   * is what runningCallContext() returns to host functions while this call executes.
   */
  call(
    exportName: EngineExport | string,
    input: string | Uint8Array = EMPTY,
    context?: unknown,
    opts: { budgetMs?: number; queuedAt?: number } = {},
  ): Promise<CallOutput> {
    const queuedAt = opts.queuedAt ?? performance.now();
    const run = this.#tail.then(() => {
      // Waiting for the instance counts against the call's budget (DESIGN §2.1): a call whose
      // budget is spent before it can start fails without running.
      const late = waitedPastBudget(exportName, queuedAt, opts.budgetMs);
      if (late) throw late;
      return this.#call(exportName, input, context);
    });
    this.#tail = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#tail;
    await this.#dispose();
  }

  async #instantiate(): Promise<void> {
    const createPlugin = await loadExtism();
    const { module, config, hostFunctions, kernelOverrides, logger } = this.#opts;
    const guest = new InstanceMemory();
    const bind = (fns: Record<string, HostFunction>) =>
      Object.fromEntries(
        Object.entries(fns).map(([name, fn]) => [
          name,
          (ctx: CallContext, ...args: bigint[]) => {
            guest.ctx = ctx;
            return fn(guest, ...args);
          },
        ]),
      );
    const functions = {
      'extism:host/user': bind(hostFunctions),
      // Kernel functions the engine calls with GuestMemory pointers in fast mode; they keep
      // Extism's behaviour for blocks, so any module can use them.
      'extism:host/env': bind({ ...guestKernel(config, logger), ...kernelOverrides }),
    };
    const plugin = await createPlugin(
      { wasm: [{ module }] },
      // Extism's types say host functions return bigint|number|void; ours match.
      { useWasi: true, functions: functions as never, config, logger: logger as never, runInWorker: false },
    );
    this.#plugin = plugin;
    const instance = await plugin.getInstance();
    const memory = instance.exports.memory as WebAssembly.Memory;
    this.#memory = memory ?? null;
    guest.memory = memory ?? null;
    this.#guest = guest;
    const io = instance.exports.ocp_io as WebAssembly.Global | undefined;
    this.#io = null;
    if (io && memory && this.#opts.fastIo !== false) {
      const addr = Number(io.value);
      const magic = new DataView(memory.buffer).getUint32(addr, true);
      if (magic === IO_MAGIC_V1 || magic === IO_MAGIC_V2) this.#io = { memory, addr, hostCalls: magic === IO_MAGIC_V2 };
    }
  }

  async #dispose(): Promise<void> {
    const plugin = this.#plugin;
    this.#plugin = null;
    this.#memory = null;
    this.#io = null;
    this.#guest = null;
    if (plugin) await plugin.close().catch(() => undefined);
  }

  async #recreate(): Promise<void> {
    await this.#dispose();
    this.#recreations++;
    await this.#instantiate();
    // The plugin's script is evaluated by its first call; do it under register's budget
    // rather than inside a 50 ms filter call.
    this.#needsWarmup = true;
  }

  async #call(exportName: string, input: string | Uint8Array, context: unknown): Promise<CallOutput> {
    if (this.#closed) throw new EngineCallError('error', exportName, 'the plugin instance is closed');
    if (!this.#plugin) await this.#recreate();
    if (this.#needsWarmup && exportName !== 'register') {
      this.#needsWarmup = false;
      await this.#raw('register', EMPTY).catch(() => undefined);
    }
    this.#needsWarmup = false;
    return this.#raw(exportName, input, context);
  }

  async #raw(exportName: string, input: string | Uint8Array, context?: unknown): Promise<CallOutput> {
    const plugin = this.#plugin!;
    let extismInput: string | Uint8Array = input;
    let fast = false;
    const io = this.#io;
    if (io) {
      const view = new DataView(io.memory.buffer);
      const magic = view.getUint32(io.addr, true);
      if (magic === IO_MAGIC_V1 || magic === IO_MAGIC_V2) {
        fast = true;
        const hostCallFlag = io.hostCalls ? IO_FAST_HOSTCALL : 0;
        const bufPtr = view.getUint32(io.addr + 8, true);
        const cap = view.getUint32(io.addr + 12, true);
        // The previous call's fast output is still allocated in the guest until the glue frees
        // it at the start of this call, which it does only when it sees IO_OUT_READY: keep that
        // bit when writing this call's flags, or every output leaks (a filter's answer, an HTTP body).
        const outReady = view.getUint32(io.addr + 4, true) & IO_OUT_READY;
        let written = -1;
        if (typeof input === 'string') {
          // encodeInto writes straight into the guest's buffer; it reports a short read if it did not fit
          if (input.length <= cap) {
            const r = encoder.encodeInto(input, new Uint8Array(io.memory.buffer, bufPtr, cap));
            if (r.read === input.length) written = r.written;
          }
        } else if (input.length <= cap) {
          new Uint8Array(io.memory.buffer, bufPtr, input.length).set(input);
          written = input.length;
        }
        if (written >= 0) {
          view.setUint32(io.addr + 16, written, true);
          view.setUint32(io.addr + 4, IO_FAST_IN | IO_FAST_OUT | hostCallFlag | outReady, true);
          extismInput = EMPTY;
        } else {
          const need = typeof input === 'string' ? Buffer.byteLength(input) : input.length;
          view.setUint32(io.addr + 20, Math.min(FAST_IO_MAX, Math.max(need, 64 * 1024)), true);
          view.setUint32(io.addr + 4, IO_FAST_OUT | hostCallFlag | outReady, true);
        }
      }
    }

    let out: Awaited<ReturnType<Plugin['call']>>;
    try {
      this.#opts.onCallStart?.(exportName);
      const outer = runningContext;
      runningContext = context;
      const guest = this.#guest;
      const outerFast = guest ? guest.fastAddr : -1;
      if (guest) guest.fastAddr = fast && io?.hostCalls ? io.addr : -1;
      let pending: ReturnType<Plugin['call']>;
      try {
        pending = plugin.call(exportName, extismInput); // the export runs to completion in here
      } finally {
        runningContext = outer;
        if (guest) guest.fastAddr = outerFast;
      }
      out = await pending;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await plugin.reset();
      if (message.startsWith('Plugin-originated error: ')) {
        const failure = classifyEngineError(exportName, message);
        if (failure.kind === 'out-of-memory' || failure.kind === 'trap') await this.#recreate();
        else await this.#recycleIfLarge();
        throw failure;
      }
      if (/^Plugin error: (target|function) .* does not exist/.test(message)) {
        throw new EngineCallError('missing-export', exportName, `the plugin does not export ${exportName}()`);
      }
      // A trap (V8 stack overflow, unreachable, out-of-bounds) leaves the instance corrupt.
      await this.#recreate();
      throw new EngineCallError('trap', exportName, `the plugin crashed the engine: ${message}`);
    }

    let bytes: Uint8Array | null = null;
    if (fast && io) {
      const view = new DataView(io.memory.buffer);
      if (view.getUint32(io.addr + 4, true) & IO_OUT_READY) {
        const ptr = view.getUint32(io.addr + 24, true);
        const len = view.getUint32(io.addr + 28, true);
        bytes = new Uint8Array(io.memory.buffer, ptr, len).slice();
      }
    }
    if (!bytes && out) bytes = out.bytes().slice();
    await plugin.reset();
    await this.#recycleIfLarge();
    return new Output(bytes);
  }

  async #recycleIfLarge(): Promise<void> {
    const limit = this.#opts.recycleMemoryBytes ?? DEFAULT_RECYCLE_BYTES;
    if (this.memoryBytes > limit) await this.#recreate();
  }
}

/**
 * The kernel functions the engine passes GuestMemory pointers to: logging and config. For a
 * block pointer they behave as Extism's own (which read blocks only).
 */
function guestKernel(config: Record<string, string>, logger: GuestLogger): Record<string, HostFunction> {
  const log =
    (level: keyof GuestLogger): HostFunction =>
    (mem, arg) => {
      const bytes = mem.read(arg ?? 0n);
      if (bytes) logger[level](decoder.decode(bytes));
    };
  return {
    log_debug: log('debug'),
    log_info: log('info'),
    log_warn: log('warn'),
    log_error: log('error'),
    config_get: (mem, arg) => {
      const key = mem.read(arg ?? 0n);
      if (!key) return 0n;
      const name = decoder.decode(key);
      return Object.hasOwn(config, name) ? mem.store(encoder.encode(config[name]!)) : 0n;
    },
  };
}
