// Test helper: starts fixtures/http-servers.ts in its own thread and talks to it.

import { once } from 'node:events';

import { siblingEntry, startWorker } from '../../../src/lib/host/offthread/entry.js';

export interface Servers {
  /** Base URLs, e.g. http://127.0.0.1:40123 */
  a: string;
  b: string;
  portB: number;
  /** Requests each server has seen ("GET /path?query"). */
  seen(): Promise<{ a: string[]; b: string[] }>;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export async function startServers(): Promise<Servers> {
  const worker = startWorker(siblingEntry(import.meta.url, 'fixtures/http-servers'));
  const ask = async <T>(op: string): Promise<T> => {
    worker.postMessage({ op });
    const [reply] = (await once(worker, 'message')) as [T];
    return reply;
  };
  const { ports } = await ask<{ ports: { a: number; b: number } }>('start');
  return {
    a: `http://127.0.0.1:${ports.a}`,
    b: `http://127.0.0.1:${ports.b}`,
    portB: ports.b,
    seen: async () => (await ask<{ seen: { a: string[]; b: string[] } }>('counts')).seen,
    reset: async () => void (await ask('reset')),
    stop: async () => {
      await ask('stop');
      await worker.terminate();
    },
  };
}
