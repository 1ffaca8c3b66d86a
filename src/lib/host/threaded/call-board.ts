// The call board: which plugin export the host worker is running right now, since when and
// under what budget, in a SharedArrayBuffer. A worker stuck in a plugin cannot post a
// message, but the main thread can still read this memory and see who is stuck.
//
// One writer (the worker), one reader (the main thread's watchdog). The worker runs one
// export at a time (Extism runs an export synchronously, and calls into instances are
// queued on promises), so one slot is enough. A sequence number guards the fields against
// torn reads: odd while the writer is writing, and a read is kept only if it saw the same
// even number before and after.

const SEQ = 0; // Int32 index
const TICKET = 1; // Int32 index: the running call's number, 0 when idle
const STARTED_AT = 1; // Float64 index (byte 8): epoch ms (timeOrigin + now)
const BUDGET_MS = 2; // Float64 index (byte 16)
const SLUG_LEN = 6; // Int32 index (byte 24)
const EXPORT_LEN = 7; // Int32 index (byte 28)
const SLUG_AT = 32;
const SLUG_MAX = 128; // manifest slugs are at most 64 characters of [a-z0-9-]
const EXPORT_AT = SLUG_AT + SLUG_MAX;
const EXPORT_MAX = 32;
const BYTES = EXPORT_AT + EXPORT_MAX;

/** A call the worker is running. */
export interface RunningCall {
  slug: string;
  exportName: string;
  /** Epoch milliseconds (performance.timeOrigin + performance.now(), comparable across threads). */
  startedAt: number;
  budgetMs: number;
}

/** Milliseconds on a clock both threads share (each thread's performance.now() has its own origin). */
export function sharedNow(): number {
  return performance.timeOrigin + performance.now();
}

export function createCallBoardMemory(): SharedArrayBuffer {
  return new SharedArrayBuffer(BYTES);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The worker's side: publishes each call as it starts and clears it when it ends. */
export class CallBoardWriter {
  readonly #i32: Int32Array;
  readonly #f64: Float64Array;
  readonly #bytes: Uint8Array;
  readonly #encoded = new Map<string, Uint8Array>();
  #tickets = 0;

  constructor(memory: SharedArrayBuffer) {
    this.#i32 = new Int32Array(memory);
    this.#f64 = new Float64Array(memory);
    this.#bytes = new Uint8Array(memory);
  }

  /** Publishes a call that started at `startedAt` (sharedNow() milliseconds; default now); returns its ticket for end(). */
  begin(slug: string, exportName: string, budgetMs: number, startedAt = sharedNow()): number {
    const ticket = (this.#tickets = (this.#tickets % 0x7fffffff) + 1);
    const slugBytes = this.#encode(slug, SLUG_MAX);
    const exportBytes = this.#encode(exportName, EXPORT_MAX);
    Atomics.add(this.#i32, SEQ, 1);
    this.#f64[STARTED_AT] = startedAt;
    this.#f64[BUDGET_MS] = budgetMs;
    this.#bytes.set(slugBytes, SLUG_AT);
    this.#i32[SLUG_LEN] = slugBytes.length;
    this.#bytes.set(exportBytes, EXPORT_AT);
    this.#i32[EXPORT_LEN] = exportBytes.length;
    Atomics.store(this.#i32, TICKET, ticket);
    Atomics.add(this.#i32, SEQ, 1);
    return ticket;
  }

  /** Clears the board if `ticket` is still the call on it. */
  end(ticket: number): void {
    if (Atomics.load(this.#i32, TICKET) !== ticket) return;
    Atomics.add(this.#i32, SEQ, 1);
    Atomics.store(this.#i32, TICKET, 0);
    Atomics.add(this.#i32, SEQ, 1);
  }

  // Names repeat on every call: encode each once. (TextEncoder cannot write into shared memory.)
  #encode(text: string, max: number): Uint8Array {
    let bytes = this.#encoded.get(text);
    if (!bytes) {
      bytes = encoder.encode(text).subarray(0, max);
      if (this.#encoded.size < 1024) this.#encoded.set(text, bytes);
    }
    return bytes;
  }
}

/** The main thread's side: reads the call in progress. */
export class CallBoardReader {
  readonly #i32: Int32Array;
  readonly #f64: Float64Array;
  readonly #bytes: Uint8Array;

  constructor(memory: SharedArrayBuffer) {
    this.#i32 = new Int32Array(memory);
    this.#f64 = new Float64Array(memory);
    this.#bytes = new Uint8Array(memory);
  }

  /** The call running now, or null when the worker is between calls. */
  read(): RunningCall | null {
    // The writer holds the sequence odd for a few stores at most; a handful of retries always
    // suffices, and a writer that died mid-write (odd for ever) reads as idle.
    for (let attempt = 0; attempt < 1000; attempt++) {
      const before = Atomics.load(this.#i32, SEQ);
      if (before & 1) continue;
      const ticket = Atomics.load(this.#i32, TICKET);
      const call: RunningCall | null =
        ticket === 0
          ? null
          : {
              slug: this.#text(SLUG_AT, this.#i32[SLUG_LEN], SLUG_MAX),
              exportName: this.#text(EXPORT_AT, this.#i32[EXPORT_LEN], EXPORT_MAX),
              startedAt: this.#f64[STARTED_AT],
              budgetMs: this.#f64[BUDGET_MS],
            };
      if (Atomics.load(this.#i32, SEQ) === before) return call;
    }
    return null;
  }

  // TextDecoder refuses views of shared memory: copy out first.
  #text(at: number, length: number, max: number): string {
    const n = Math.max(0, Math.min(length, max));
    return decoder.decode(this.#bytes.slice(at, at + n));
  }
}
