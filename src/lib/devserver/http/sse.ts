// Server-sent events for plugins (production sse.go and serveSSE; reference-plugin-sdk §G.5).
// The host owns the connections: a plugin pushes with owncast.sse.send (HostEnv.sse.send →
// SseHub.send) to /plugins/<slug>/_sse/<channel>, and bare /_sse is the channel "". At most 64
// connections per plugin across its channels; each client holds at most 16 frames waiting
// for its socket, and a client that falls further behind loses frames rather than holding
// the plugin or the other clients back.

import type { ServerResponse } from 'node:http';

import type { HostUser } from '../../host/env/types.js';
import type { PluginHttpBackend } from './backend.js';
import { sendError } from './respond.js';

export const SSE_MAX_CONNECTIONS_PER_PLUGIN = 64;
export const SSE_CLIENT_BUFFER_FRAMES = 16;
export const SSE_KEEP_ALIVE_MS = 15_000;
/** sse.connect / sse.disconnect run under the 500 ms notify budget; a stream waits at most this long for one. */
export const SSE_NOTIFY_WAIT_MS = 1_500;

/**
 * One frame: `event: <name>` when named, a `data:` line per line of data, a blank line.
 * Line breaks in the name are dropped: they would end the frame early.
 */
export function sseFrame(event: string, data: string): string {
  const name = event.replace(/[\r\n]/g, '');
  let frame = name === '' ? '' : `event: ${name}\n`;
  for (const line of data.split('\n')) frame += `data: ${line}\n`;
  return `${frame}\n`;
}

/** One open stream. */
export class SseClient {
  readonly id: number;
  readonly slug: string;
  readonly channel: string;
  /** Frames this client lost because it was too slow. */
  dropped = 0;
  readonly #res: ServerResponse;
  readonly #limit: number;
  readonly #queue: string[] = [];
  #started = false;
  #waitingForDrain = false;
  #closed = false;

  constructor(id: number, slug: string, channel: string, res: ServerResponse, limit: number) {
    this.id = id;
    this.slug = slug;
    this.channel = channel;
    this.#res = res;
    this.#limit = limit;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Frames waiting for the socket (or for the stream to start). */
  get pending(): number {
    return this.#queue.length;
  }

  /** Takes a frame: written now, queued, or (queue full) dropped. True unless dropped. */
  offer(frame: string): boolean {
    if (this.#closed) return false;
    if (this.#started && !this.#waitingForDrain && this.#queue.length === 0) {
      this.#write(frame);
      return true;
    }
    if (this.#queue.length >= this.#limit) {
      this.dropped++;
      return false;
    }
    this.#queue.push(frame);
    return true;
  }

  /** Sends the headers and ": connected", then whatever was queued meanwhile. */
  start(): void {
    if (this.#closed || this.#started) return;
    this.#started = true;
    this.#res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    this.#write(': connected\n\n');
    this.#pump();
  }

  /** A comment that keeps proxies from closing an idle stream; skipped while frames are backed up. */
  keepAlive(): void {
    if (this.#started && !this.#closed && !this.#waitingForDrain && this.#queue.length === 0) this.#write(': keep-alive\n\n');
  }

  /** Stops writing (the client went away, or the server ends the stream). */
  markClosed(): void {
    this.#closed = true;
    this.#queue.length = 0;
  }

  end(): void {
    this.markClosed();
    if (!this.#res.writableEnded) this.#res.end();
  }

  #write(chunk: string): void {
    if (!this.#res.write(chunk)) {
      this.#waitingForDrain = true;
      this.#res.once('drain', () => {
        this.#waitingForDrain = false;
        this.#pump();
      });
    }
  }

  #pump(): void {
    while (!this.#closed && !this.#waitingForDrain && this.#queue.length > 0) this.#write(this.#queue.shift()!);
  }
}

export interface SseHubOptions {
  /** Default 64. */
  maxConnectionsPerPlugin?: number;
  /** Frames a client may have waiting before it loses new ones. Default 16. */
  bufferFrames?: number;
  /** Keep-alive comment interval. Default 15 s. */
  keepAliveMs?: number;
}

export class SseHub {
  readonly #max: number;
  readonly #buffer: number;
  readonly keepAliveMs: number;
  /** Clients by slug, then channel. */
  readonly #clients = new Map<string, Map<string, Set<SseClient>>>();
  #nextId = 1;

  constructor(opts: SseHubOptions = {}) {
    this.#max = opts.maxConnectionsPerPlugin ?? SSE_MAX_CONNECTIONS_PER_PLUGIN;
    this.#buffer = opts.bufferFrames ?? SSE_CLIENT_BUFFER_FRAMES;
    this.keepAliveMs = opts.keepAliveMs ?? SSE_KEEP_ALIVE_MS;
  }

  /** A new client of (slug, channel), or null when the plugin has its maximum of connections. */
  subscribe(slug: string, channel: string, res: ServerResponse): SseClient | null {
    if (this.connections(slug) >= this.#max) return null;
    let channels = this.#clients.get(slug);
    if (!channels) this.#clients.set(slug, (channels = new Map()));
    let set = channels.get(channel);
    if (!set) channels.set(channel, (set = new Set()));
    const client = new SseClient(this.#nextId++, slug, channel, res, this.#buffer);
    set.add(client);
    return client;
  }

  /** Frees the client's slot. Idempotent. */
  unsubscribe(client: SseClient): void {
    client.markClosed();
    const channels = this.#clients.get(client.slug);
    const set = channels?.get(client.channel);
    if (!channels || !set?.delete(client)) return;
    if (set.size === 0) channels.delete(client.channel);
    if (channels.size === 0) this.#clients.delete(client.slug);
  }

  /** Publishes to every client of (slug, channel); returns how many took the frame. */
  send(slug: string, channel: string, event: string, data: string): number {
    const set = this.#clients.get(slug)?.get(channel);
    if (!set || set.size === 0) return 0;
    const frame = sseFrame(event, data);
    let delivered = 0;
    for (const client of set) if (client.offer(frame)) delivered++;
    return delivered;
  }

  /** Open connections of one plugin, or of all. */
  connections(slug?: string): number {
    const count = (channels: Map<string, Set<SseClient>>) => [...channels.values()].reduce((n, s) => n + s.size, 0);
    if (slug !== undefined) return count(this.#clients.get(slug) ?? new Map());
    return [...this.#clients.values()].reduce((n, c) => n + count(c), 0);
  }

  /** The clients of one plugin, or of all (diagnostics, tests). */
  clients(slug?: string): SseClient[] {
    const of = (channels: Map<string, Set<SseClient>>) => [...channels.values()].flatMap((s) => [...s]);
    if (slug !== undefined) return of(this.#clients.get(slug) ?? new Map());
    return [...this.#clients.values()].flatMap(of);
  }

  /** Ends the streams of one plugin (unloaded) or of all (the server stops). */
  close(slug?: string): void {
    for (const client of this.clients(slug)) client.end();
  }
}

export interface SseStreamRequest {
  hub: SseHub;
  backend: PluginHttpBackend;
  slug: string;
  channel: string;
  user: HostUser | undefined;
  warn(message: string): void;
}

/**
 * serveSSE: a slot (503 past the cap), sse.connect to the plugin before the headers go out,
 * then the stream until the client leaves; then sse.disconnect, and the slot is freed.
 */
export async function serveSse(res: ServerResponse, r: SseStreamRequest): Promise<void> {
  const client = r.hub.subscribe(r.slug, r.channel, res);
  if (!client) {
    sendError(res, 503, 'too many event-stream connections for this plugin');
    return;
  }
  let gone = false;
  const left = new Promise<void>((resolve) =>
    res.once('close', () => {
      gone = true;
      client.markClosed();
      resolve();
    }),
  );
  const payload = { channel: r.channel, connectionId: client.id, ...(r.user ? { user: r.user } : {}) };
  await notifyPlugin(r, 'sse.connect', payload);
  let keepAlive: NodeJS.Timeout | null = null;
  if (!gone) {
    client.start();
    keepAlive = setInterval(() => client.keepAlive(), r.hub.keepAliveMs);
    keepAlive.unref();
  }
  await left;
  if (keepAlive) clearInterval(keepAlive);
  await notifyPlugin(r, 'sse.disconnect', payload);
  r.hub.unsubscribe(client);
}

/** Tells the owning plugin; a failure is logged and never affects the stream. */
async function notifyPlugin(r: SseStreamRequest, eventType: string, payload: unknown): Promise<void> {
  const call = r.backend.notify(r.slug, eventType, payload).then(
    () => 'done' as const,
    (err: unknown) => r.warn(`plugin ${r.slug}: ${eventType} notify failed: ${err instanceof Error ? err.message : String(err)}`),
  );
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), SSE_NOTIFY_WAIT_MS)));
  const outcome = await Promise.race([call, late]);
  clearTimeout(timer);
  if (outcome === 'late') r.warn(`plugin ${r.slug}: ${eventType} notify still running after ${SSE_NOTIFY_WAIT_MS} ms; not waiting for it`);
}
