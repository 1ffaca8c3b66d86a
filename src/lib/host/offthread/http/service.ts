// network.fetch for the host: a plugin's Http.request is performed by the host with undici
// in a worker thread while the plugin's (synchronous) host call waits. The first hop is
// checked here as well, so a refused request never reaches the worker, let alone the
// network; the worker checks every hop again.

import { libModule } from '../entry.js';
import { createSyncWorker, type SyncWorker } from '../sync-worker.js';
import { checkRequestUrl, deadlineError, MAX_HOPS, MAX_RESPONSE_BYTES } from './policy.js';
import type { HttpResult, HttpWorkerRequest } from './protocol.js';

export type { HttpResponse, HttpResult } from './protocol.js';

export interface HttpRequest {
  /** The calling plugin, for diagnostics. */
  slug: string;
  /** manifest.network.allowedHosts; empty allows nothing. */
  allowedHosts: string[];
  url: string;
  method: string;
  headers: Record<string, string>;
  /** Sent for methods other than GET and HEAD. */
  body: Uint8Array | null;
  /** When the calling plugin's budget runs out, in performance.now() milliseconds. */
  deadlineAt: number;
}

export interface HttpServiceOptions {
  /** Default 10 MiB (production's MaxHttpResponseBytes); a larger body is an error, not a truncation. */
  maxResponseBytes?: number;
  /** Requests per call including redirects. Default 10, as Go's client. */
  maxHops?: number;
  /** How long past the deadline the worker may take to give up on its own before it is ended. Default 1000. */
  graceMs?: number;
  /** Where the host's own trouble goes (the worker failed to start, crashed, or hung). */
  log?: { warn(message: string): void };
}

export interface HttpService {
  /** Performs the request synchronously; never throws. */
  request(req: HttpRequest): HttpResult;
  /** Starts the worker now and waits for it, so no plugin call pays for it. False if it cannot start. */
  warm(): boolean;
  /** Ends the worker; later requests fail. Idempotent. */
  close(): void;
}

export function createHttpService(opts: HttpServiceOptions = {}): HttpService {
  const maxResponseBytes = opts.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  const maxHops = opts.maxHops ?? MAX_HOPS;
  const graceMs = opts.graceMs ?? 1000;
  // Started on first use (or warm()): most plugins never fetch.
  let worker: SyncWorker | null = null;
  let closed = false;
  const start = () => (worker ??= createSyncWorker({ entry: libModule('host/offthread/http/worker'), name: 'owncast-plugin http' }));

  return {
    request(req) {
      if (closed) return { error: 'the HTTP service is closed' };
      const checked = checkRequestUrl(req.url, req.allowedHosts);
      if ('error' in checked) return checked;
      const { url } = checked;
      const remaining = req.deadlineAt - performance.now();
      if (remaining <= 0) return { error: deadlineError() };

      // A compact copy we own, moved to the worker rather than copied again.
      const body = req.body ? req.body.slice() : null;
      const message: HttpWorkerRequest = {
        url: url.href,
        method: req.method,
        headers: req.headers,
        body,
        allowedHosts: [...req.allowedHosts],
        deadline: Date.now() + remaining,
        maxResponseBytes,
        maxHops,
      };
      const r = start().call<HttpResult>(message, remaining + graceMs, body ? [body.buffer as ArrayBuffer] : []);
      if (r.ok) return r.value;
      opts.log?.warn(`network.fetch: the HTTP worker was restarted (${r.reason}: ${r.message})`);
      return { error: r.reason === 'timeout' ? deadlineError() : `HTTP request failed: ${r.message}` };
    },
    warm: () => !closed && start().warm(),
    close() {
      closed = true;
      worker?.close();
      worker = null;
    },
  };
}
