// How a simulation's events reach its listeners, in an order that reads well: what a step set
// off is held back until the step's own event has been reported (a message, then the bot's
// answer); a command or timer call and an emit are reported where they start, and completed
// (how the call went, where the event went) when the host says so; host activity is turned
// into SimEvents.

import { clipText, type HostActivity } from '../host/activity.js';
import type { SimEvent } from './events.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An event before it is stamped with the time. */
export type SimEventBody = DistributiveOmit<SimEvent, 't'>;
type Pending = Extract<SimEvent, { type: 'command' } | { type: 'timer' }>;

export interface ReporterOptions {
  /** Simulated ms since the start: every event's `t`. */
  now(): number;
  /** The chat label of a plugin (bot.displayName, else its name). */
  label(slug: string): string | undefined;
  /** The display name behind a chat connection. */
  clientName(clientId: string): string | undefined;
  /** A plugin's call failed (a strike, a timer): the plugins pane's last error. */
  failed(slug: string, error: string): void;
}

/** Host warnings that repeat what the events already say (a failed call, a disable, a refused fetch). */
const REDUNDANT = [/^plugin [a-z0-9-]+: .*failed/, /^plugin [a-z0-9-]+: auto-disabled: /, /^plugin "[a-z0-9-]+" auto-disabled after /, /^http_request from "/];

export class EventReporter {
  readonly #opts: ReporterOptions;
  readonly #listeners = new Set<(event: SimEvent) => void>();
  #held: SimEvent[] | null = null;
  #pendingEmits: Extract<SimEvent, { type: 'emit' }>[] = [];
  #pendingCalls: Pending[] = [];
  /** Chat posts made by plugins so far. */
  pluginPosts = 0;

  constructor(opts: ReporterOptions) {
    this.#opts = opts;
  }

  subscribe(listener: (event: SimEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Reports an event now, or holds it while a step runs. */
  emit(body: SimEventBody): void {
    this.#push({ t: this.#opts.now(), ...body } as SimEvent);
  }

  hostLog(level: string, message: string): void {
    this.emit({ type: 'log', source: 'host', level, message, ...(REDUNDANT.some((r) => r.test(message)) ? { redundant: true } : {}) });
  }

  /** From here until {@link finish}, events are held. */
  hold(): void {
    this.#held = [];
  }

  /** The held events so far (a step looks at what its own call set off). */
  get held(): readonly SimEvent[] {
    return this.#held ?? [];
  }

  /** Reports the step's own event (if any), then what was held, in the order it happened. */
  finish(own?: SimEventBody): void {
    const held = this.#held ?? [];
    this.#held = null;
    this.#pendingEmits = [];
    this.#pendingCalls = [];
    if (own) this.#deliver({ t: this.#opts.now(), ...own } as SimEvent);
    for (const e of held) this.#deliver(e);
  }

  /** Runs a timer's or tick's work with its events held, so its timer event is complete when reported. */
  async group(task: () => void | Promise<void>): Promise<void> {
    if (this.#held) return task();
    this.hold();
    try {
      await task();
    } finally {
      this.finish();
    }
  }

  /** The host's activity observer. */
  activity(a: HostActivity): void {
    switch (a.type) {
      case 'chat': {
        const label = a.botDisplayName || (a.slug ? this.#opts.label(a.slug) : undefined) || 'Owncast';
        const slug = a.slug ? { slug: a.slug } : {};
        if (a.slug) this.pluginPosts++;
        if (a.kind === 'sendTo') {
          const to = this.#opts.clientName(a.clientId ?? '') ?? `client ${a.clientId}`;
          return this.emit({ type: 'chat', ...slug, label, kind: 'private', text: a.text, to });
        }
        return this.emit({ type: 'chat', ...slug, label, kind: a.kind, text: a.text });
      }
      case 'sse':
        return this.emit({ type: 'sse', slug: a.slug, channel: a.channel, event: a.event, data: a.data });
      case 'emit': {
        const dropped = a.dropped ? { dropped: a.reason ? `${a.dropped}: ${a.reason}` : a.dropped } : {};
        const i = this.#pendingEmits.findIndex((e) => e.slug === a.slug && e.eventType === a.eventType);
        if (i < 0) return this.emit({ type: 'emit', slug: a.slug, eventType: a.eventType, depth: a.depth, deliveredTo: a.deliveredTo, payload: a.payload, ...dropped });
        Object.assign(this.#pendingEmits.splice(i, 1)[0]!, { depth: a.depth, deliveredTo: a.deliveredTo, ...dropped });
        return;
      }
      case 'timer': {
        if (!a.ok && a.error) this.#opts.failed(a.slug, shortError(a.error));
        const done = { ok: a.ok, ...(a.error ? { error: shortError(a.error) } : {}) };
        const pending = this.#takePending('timer', a.slug);
        if (pending) return void Object.assign(pending, { id: a.id }, done);
        return this.emit({ type: 'timer', slug: a.slug, id: a.id, ...done });
      }
      case 'command': {
        const done = { command: a.command, invokedAs: a.invokedAs, user: a.user?.displayName ?? null, ok: a.ok, ...(a.error ? { error: shortError(a.error) } : {}) };
        const pending = this.#takePending('command', a.slug);
        if (pending) return void Object.assign(pending, done);
        return this.emit({ type: 'command', slug: a.slug, ...done });
      }
      case 'strike':
        this.#opts.failed(a.slug, shortError(a.message));
        return this.emit({ type: 'strike', slug: a.slug, path: a.path, count: a.count, message: shortError(a.message) });
      case 'disabled':
        return this.emit({ type: 'disabled', slug: a.slug, reason: a.reason });
      case 'dropped':
        return;
    }
  }

  /** A plugin called owncast.events.emit: reported here, completed once the dispatcher delivered it. */
  emitted(slug: string, eventType: string, payloadJson: string | null): void {
    const event = { t: this.#opts.now(), type: 'emit', slug, eventType, depth: 0, deliveredTo: [], payload: clipText(payloadJson ?? 'null') } as Extract<SimEvent, { type: 'emit' }>;
    this.#pendingEmits.push(event);
    this.#push(event);
  }

  /**
   * A call into a plugin's on_event is starting: a command or a timer is reported now, before
   * what it does, and completed when the dispatcher says how it went (`input` is its envelope).
   */
  callStarting(slug: string, input: string): void {
    let event: Pending | null = null;
    const t = this.#opts.now();
    if (input.startsWith('{"eventType":"chat.command"')) {
      const payload = (JSON.parse(input) as { payload?: { command?: string; invokedAs?: string; message?: { user?: { displayName?: string } } } }).payload;
      event = { t, type: 'command', slug, command: payload?.command ?? '', invokedAs: payload?.invokedAs ?? '', user: payload?.message?.user?.displayName ?? null, ok: true };
    } else if (input.startsWith('{"eventType":"timer.fire"')) {
      event = { t, type: 'timer', slug, id: /"id":(\d+)/.exec(input)?.[1] ?? '', ok: true };
    }
    if (!event) return;
    this.#pendingCalls.push(event);
    this.#push(event);
  }

  #takePending<K extends Pending['type']>(type: K, slug: string): Extract<SimEvent, { type: K }> | undefined {
    const i = this.#pendingCalls.findIndex((e) => e.type === type && e.slug === slug);
    return i < 0 ? undefined : (this.#pendingCalls.splice(i, 1)[0] as Extract<SimEvent, { type: K }>);
  }

  #push(event: SimEvent): void {
    if (this.#held) this.#held.push(event);
    else this.#deliver(event);
  }

  #deliver(event: SimEvent): void {
    for (const listener of [...this.#listeners]) listener(event);
  }
}

/** "buggy-filter: on_filter() failed: Error: boom" → "Error: boom": the output names the plugin already. */
export function shortError(text: string): string {
  return text.replace(/^[a-z0-9][a-z0-9-]*: \w+\(\) failed: /, '');
}
