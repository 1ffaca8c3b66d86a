// Extism's kernel functions for outbound HTTP (extism:host/env http_request and
// http_status_code), replaced so that requests run through the host's HttpService:
// @extism/extism 1.0.3 only performs them in worker mode, and then only checks the first
// hop. The engine calls http_request(requestJson, body) and reads http_status_code() after
// it; a refused or failed request answers 0 with status 0, and the host logs why.

import type { GuestMemory, HostFunction } from '../../instance.js';
import type { HttpService } from './service.js';

const decoder = new TextDecoder();
const encoder = new TextEncoder();

export interface HttpCaller {
  slug: string;
  /** manifest.network.allowedHosts. */
  allowedHosts: string[];
  /** Whether the plugin was granted network.fetch. Without it nothing leaves the host. */
  permitted: boolean;
  /** The running call's deadline, performance.now() milliseconds. */
  deadlineAt: number;
}

interface RequestJson {
  url?: unknown;
  method?: unknown;
  headers?: unknown;
  header?: unknown;
}

function stringRecord(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, val] of Object.entries(v)) if (val !== undefined && val !== null) out[k] = String(val);
  }
  return out;
}

/**
 * The two kernel functions for one plugin instance (kernelOverrides of PluginInstance).
 * `getCaller` is read on every request, so permission and deadline are the current call's.
 */
export function createHttpKernelOverrides(
  service: HttpService,
  getCaller: () => HttpCaller,
  log: { warn(message: string): void } = { warn: (m) => console.warn(m) },
): Record<string, HostFunction> {
  let status = 0;

  const httpRequest = (mem: GuestMemory, requestOffset: bigint, bodyOffset: bigint): bigint => {
    status = 0;
    // A request that is refused or fails answers status 0 with the reason as the body: the
    // engine's Http.request throws it, as Extism's kernel error does on other hosts.
    const refuse = (message: string): bigint => {
      log.warn(message);
      try {
        return mem.store(encoder.encode(message));
      } catch {
        return 0n;
      }
    };
    // Nothing may unwind through the plugin's wasm frames: every failure is a 0.
    let slug = '?';
    try {
      const caller = getCaller();
      slug = caller.slug;
      if (!caller.permitted) return refuse(`http_request: plugin "${slug}" lacks permission "network.fetch"`);
      let parsed: RequestJson;
      try {
        parsed = JSON.parse(decoder.decode(mem.read(requestOffset) ?? new Uint8Array(0))) as RequestJson;
      } catch {
        return refuse(`http_request from "${slug}": the request is not JSON`);
      }
      if (typeof parsed?.url !== 'string') return refuse(`http_request from "${slug}": the request has no url`);
      const body = mem.read(bodyOffset);
      const result = service.request({
        slug,
        allowedHosts: caller.allowedHosts,
        url: parsed.url,
        method: typeof parsed.method === 'string' && parsed.method !== '' ? parsed.method : 'GET',
        headers: stringRecord(parsed.headers ?? parsed.header),
        body,
        deadlineAt: caller.deadlineAt,
      });
      if ('error' in result) return refuse(`http_request from "${slug}": ${result.error}`);
      status = result.status;
      return mem.store(result.body);
    } catch (err) {
      return refuse(`http_request from "${slug}" failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  return {
    http_request: httpRequest,
    // The engine imports this one returning i32: a number, not a bigint.
    http_status_code: () => status,
  };
}
