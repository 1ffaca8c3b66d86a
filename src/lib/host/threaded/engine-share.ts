// The compiled engine, kept on the main thread for the host workers it starts. The first
// worker compiles it (eagerly optimized, engine-module.ts: ~0.5 s) and sends the module here;
// every later worker of the process (a restart after an overrun or a crash, another
// ThreadedHost) is handed it in its workerData and has it at once. V8 may also find an
// earlier thread's compiled code by itself while that thread's copy is alive, but a fresh
// thread in a process where no thread holds it compiles again; holding it here makes that
// independent of when the old thread's isolate goes away.

let shared: WebAssembly.Module | null = null;

/** The engine a worker sent, if one has. */
export function sharedEngineModule(): WebAssembly.Module | null {
  return shared;
}

export function shareEngineModule(module: WebAssembly.Module): void {
  shared ??= module;
}
