// The console's live view: every chat message's path through the filter chain, bot replies,
// emits, commands, timers, plugin logs and strikes, as Server-Sent Events on /_dev/stream.
// A late console gets the recent past replayed (a bounded ring), and a console that does
// not read fast enough loses frames rather than growing this process's memory.
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface ActivityEvent {
  /** Increasing per feed; the SSE `id:`, so a reconnecting console resumes (Last-Event-ID). */
  id: number;
  /** Wall clock, ms. */
  at: number;
  type: string;
  slug?: string;
  [key: string]: unknown;
}

const REPLAY = 500;
/** Bytes a slow client may have unwritten before frames are dropped for it. */
const CLIENT_BUFFER_BYTES = 1 << 20;
const KEEPALIVE_MS = 15_000;

export class ActivityFeed {
  readonly #ring: ActivityEvent[] = [];
  readonly #clients = new Set<{ res: ServerResponse; dropped: number }>();
  readonly #keepalive: NodeJS.Timeout;
  #next = 1;
  readonly #now: () => number;

  constructor(opts: { now?: () => number; keepaliveMs?: number } = {}) {
    this.#now = opts.now ?? Date.now;
    this.#keepalive = setInterval(() => {
      for (const c of this.#clients) c.res.write(': keep-alive\n\n');
    }, opts.keepaliveMs ?? KEEPALIVE_MS);
    this.#keepalive.unref();
  }

  publish(event: { type: string; slug?: string; [key: string]: unknown }): ActivityEvent {
    const full: ActivityEvent = { ...event, id: this.#next++, at: (event.at as number | undefined) ?? this.#now() };
    this.#ring.push(full);
    if (this.#ring.length > REPLAY) this.#ring.splice(0, this.#ring.length - REPLAY);
    const frame = toFrame(full);
    for (const c of this.#clients) this.#write(c, frame);
    return full;
  }

  /** The retained events after `afterId` (for tests and the console's first paint). */
  recent(afterId = 0): ActivityEvent[] {
    return this.#ring.filter((e) => e.id > afterId);
  }

  /** Serves GET /_dev/stream. */
  handle(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(': connected\n\n');
    const lastId = Number(req.headers['last-event-id'] ?? new URL(req.url ?? '/', 'http://x').searchParams.get('since') ?? 0) || 0;
    const client = { res, dropped: 0 };
    for (const e of this.recent(lastId)) this.#write(client, toFrame(e));
    this.#clients.add(client);
    const done = () => this.#clients.delete(client);
    req.on('close', done);
    res.on('close', done);
  }

  close(): void {
    clearInterval(this.#keepalive);
    for (const c of this.#clients) c.res.end();
    this.#clients.clear();
  }

  #write(c: { res: ServerResponse; dropped: number }, frame: string): void {
    if (c.res.writableLength > CLIENT_BUFFER_BYTES) {
      c.dropped++;
      return;
    }
    if (c.dropped) {
      c.res.write(`event: dropped\ndata: ${c.dropped}\n\n`);
      c.dropped = 0;
    }
    c.res.write(frame);
  }
}

function toFrame(e: ActivityEvent): string {
  // JSON has no raw newlines, so one data: line carries it
  return `id: ${e.id}\nevent: activity\ndata: ${JSON.stringify(e, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}\n\n`;
}
