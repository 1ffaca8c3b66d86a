import { Events, InternalEvents } from '../../sdk/runtime/constants.js';
import { bytesArg, u64Arg, type Impls } from './common.js';
import type { HostDeps } from './deps.js';

/**
 * Event types only the host may send: every built-in event (a plugin must not forge a chat
 * message or a stream start onto other plugins) and the internal chat.command / timer.fire.
 */
export const RESERVED_EVENT_TYPES: ReadonlySet<string> = new Set([...Object.values(Events), ...Object.values(InternalEvents)]);

/** Production's ceiling for a timer delay (24 h); the 100 ms floor is the timer hub's. */
export const MAX_TIMER_DELAY_MS = 86_400_000n;

const decoder = new TextDecoder();

/** events.emit, the ambient timers, and http.sse's send. */
export function eventFunctions(deps: HostDeps): Impls {
  // A plugin refused at the timer cap hears it from the SDK (it throws); the host log says it
  // once per plugin, so a plugin that swallows the error is still named, without a storm.
  const capWarned = new Set<string>();
  return {
    owncast_emit_event: (c) => {
      const slug = c.caller.slug;
      const eventType = c.text(0);
      if (RESERVED_EVENT_TYPES.has(eventType)) {
        return deps.log.warn(
          `owncast_emit_event from ${slug}: ${JSON.stringify(eventType)} is a reserved host event type and cannot be emitted by a plugin`,
        );
      }
      const raw = bytesArg(c, 1);
      let payload: string | null = null;
      if (raw.byteLength > 0) {
        payload = decoder.decode(raw);
        try {
          JSON.parse(payload);
        } catch (err) {
          return deps.log.warn(`owncast_emit_event from ${slug}: invalid JSON payload: ${(err as Error).message}`);
        }
      }
      deps.events?.emit(slug, eventType, payload);
    },

    owncast_timer_set: (c) => {
      // Go reads the slots as uint64: a negative delay is huge, and clamps to the ceiling.
      let delay = u64Arg(c, 1);
      if (delay > MAX_TIMER_DELAY_MS) delay = MAX_TIMER_DELAY_MS;
      const timers = deps.timers;
      if (!timers) return 1;
      if (timers.set(c.caller.slug, u64Arg(c, 0), delay, c.args[2] === 1n)) return 1;
      if (!capWarned.has(c.caller.slug)) {
        capWarned.add(c.caller.slug);
        deps.log.warn(
          `owncast_timer_set from ${c.caller.slug}: the plugin already has the most pending timers allowed (64); ` +
            'this timer and any more are refused (not logged again). Clear timers it no longer needs.',
        );
      }
      return 0;
    },
    owncast_timer_clear: (c) => deps.timers?.clear(c.caller.slug, u64Arg(c, 0)),

    owncast_sse_send: (c) => deps.env.sse?.send(c.caller.slug, c.text(0), c.text(1), c.text(2)),
  };
}
