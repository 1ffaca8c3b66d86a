// The glue's internal host API (docs/engine-contract.md). The runtime reaches the host
// only through `__ocHost` (and `Http.request` for owncast.http.fetch).

/** A PTR parameter takes a string or bytes; an I64 parameter a number, bigint or boolean. */
export type HostArg = string | Uint8Array | ArrayBuffer | number | bigint | boolean;

export type PluginFactory = (
  module: { exports: unknown },
  exports: unknown,
  require: (name: string) => unknown,
) => void;

export interface OcHost {
  /** PTR result → string (null for offset 0); I64 result → number; no result → undefined. */
  call(name: string, ...args: HostArg[]): any;
  /** Like call, but a PTR result comes back as a Uint8Array (or null). */
  callBytes(name: string, ...args: HostArg[]): Uint8Array | null;
  config(key: string): string | null;
  evalScript(source: string, filename: string): PluginFactory;
}

export interface HttpGlobal {
  request(
    req: { url: string; method?: string; headers?: Record<string, string> },
    body?: string,
  ): { status: number; body?: string; headers?: Record<string, string> };
}

/** Parses a JSON host result; offset 0 (null) or an empty buffer gives the fallback. */
export function json<T>(raw: string | null | undefined, fallback: () => T): T {
  return raw ? JSON.parse(raw) : fallback();
}

/** A byte or text argument: typed arrays and ArrayBuffers pass as bytes, anything else via String(). */
export function bytesArg(data: unknown): string | Uint8Array | ArrayBuffer {
  if (ArrayBuffer.isView(data)) {
    return data instanceof Uint8Array
      ? data
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }
  if (data instanceof ArrayBuffer) return data;
  return String(data);
}
