// What the simulator's screen shows, kept outside React: the simulation's events reduced to
// chat items (finished, printed once through <Static>), the recent events and log lines, and
// the plugins' state. Components read a snapshot; the store tells them when it changed, at
// most once a frame (30 a second) however many events arrived.

import type { SimEvent, SimPluginStats } from '../simulate/events.js';
import type { PlayerState } from '../simulate/player.js';
import type { ScriptUser } from '../simulate/script.js';
import type { Simulation } from '../simulate/simulation.js';
import { describeEvent, type Tone } from './describe.js';

/** One finished entry of the chat pane. */
export type ChatItem = { key: string; t: number } & (
  | { kind: 'message'; event: Extract<SimEvent, { type: 'message' }> }
  | { kind: 'chat'; event: Extract<SimEvent, { type: 'chat' }> }
  | { kind: 'notice'; text: string; tone: Tone }
);

export interface FeedLine {
  key: string;
  t: number;
  text: string;
  tone: Tone;
}

export interface ViewState {
  /** Chat items of the current generation (a new generation starts once the items are printed, so the array stays short). */
  items: ChatItem[];
  generation: number;
  events: FeedLine[];
  logs: FeedLine[];
  plugins: SimPluginStats[];
  scriptName: string;
  /** Scripted events run / in the script. */
  position: number;
  total: number;
  ended: boolean;
  now: number;
  player: PlayerState;
  user: ScriptUser;
}

/** Recent lines kept for the events and log panes (they show the last few). */
const FEED_KEEP = 100;
const GENERATION_SIZE = 500;
/** Ink's default frame rate. */
const FRAME_MS = 1000 / 30;

export class SimStore {
  readonly #sim: Simulation;
  readonly #listeners = new Set<() => void>();
  #state: ViewState;
  #seq = 0;
  #notifyQueued = false;
  #lastNotify = -Infinity;
  #printed = { generation: 0, count: 0 };

  constructor(sim: Simulation, player: PlayerState, user: ScriptUser) {
    this.#sim = sim;
    this.#state = {
      items: [],
      generation: 0,
      events: [],
      logs: [],
      plugins: sim.plugins(),
      scriptName: sim.script.name,
      position: sim.position,
      total: sim.script.events.length,
      ended: sim.ended,
      now: sim.now,
      player,
      user,
    };
  }

  /** The current snapshot (a new object after every change). */
  getState = (): ViewState => this.#state;

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** Takes in one simulation event. */
  add(e: SimEvent): void {
    const s = this.#state;
    // once everything of a long generation is on screen, start the next one empty
    const rollover = s.items.length >= GENERATION_SIZE && this.#printed.generation === s.generation && this.#printed.count >= s.items.length;
    const generation = rollover ? s.generation + 1 : s.generation;
    const items = rollover ? [] : [...s.items];
    let events = s.events;
    let logs = s.logs;
    const key = () => String(++this.#seq);
    const described = describeEvent(e);
    if (e.type === 'message') items.push({ key: key(), t: e.t, kind: 'message', event: e });
    else if (e.type === 'chat') items.push({ key: key(), t: e.t, kind: 'chat', event: e });
    else if (described?.chat) items.push({ key: key(), t: e.t, kind: 'notice', text: described.chat, tone: described.tone });
    if (described?.feed) events = keep([...events, { key: key(), t: e.t, text: described.feed, tone: described.tone }]);
    if (e.type === 'log' && !e.redundant) {
      const text = e.source === 'plugin' ? `[${e.slug}] ${e.level}: ${e.message}` : `${e.level === 'warn' ? 'warning: ' : ''}${e.message}`;
      logs = keep([...logs, { key: key(), t: e.t, text, tone: e.level === 'warn' || e.level === 'error' ? 'warn' : 'dim' }]);
    }
    this.#set({
      generation,
      items: !rollover && items.length === s.items.length ? s.items : items,
      events,
      logs,
      plugins: this.#sim.plugins(),
      position: this.#sim.position,
      ended: this.#sim.ended,
      now: this.#sim.now,
    });
  }

  /** The chat pane says how many items of a generation it has printed. */
  printed = (generation: number, count: number): void => {
    this.#printed = { generation, count };
  };

  setPlayer(player: PlayerState): void {
    this.#set({ player, now: this.#sim.now, position: this.#sim.position });
  }

  setUser(user: ScriptUser): void {
    this.#set({ user });
  }

  /** Moves the clock display along while nothing else happens. */
  tick(): void {
    if (this.#state.now !== this.#sim.now) this.#set({ now: this.#sim.now });
  }

  #set(patch: Partial<ViewState>): void {
    this.#state = { ...this.#state, ...patch };
    if (this.#notifyQueued) return;
    this.#notifyQueued = true;
    // at most one screen update per frame: each update with new chat items makes Ink redraw
    // at once (<Static> output is never throttled), so a burst of events is drawn as one
    const wait = Math.max(0, this.#lastNotify + FRAME_MS - performance.now());
    setTimeout(() => {
      this.#notifyQueued = false;
      this.#lastNotify = performance.now();
      for (const l of [...this.#listeners]) l();
    }, wait);
  }
}

function keep(lines: FeedLine[]): FeedLine[] {
  return lines.length > FEED_KEEP ? lines.slice(-FEED_KEEP) : lines;
}
