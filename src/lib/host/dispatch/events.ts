// Event names and receiver-side custom hook namespacing (production host §2.4, §3.5).

/** Built-in events: subscribable under their canonical names, never namespaced. */
export const BUILT_IN_EVENTS: ReadonlySet<string> = new Set([
  'chat.message.received',
  'chat.user.joined',
  'chat.user.parted',
  'chat.user.renamed',
  'chat.message.moderated',
  'stream.started',
  'stream.stopped',
  'stream.title.changed',
  'sse.connect',
  'sse.disconnect',
  'tick',
  'fediverse.follow',
  'fediverse.like',
  'fediverse.repost',
  'fediverse.mention',
  'fediverse.reply',
  'fediverse.quote',
  'fediverse.activity',
]);

/** Host → plugin only: not subscribable, not emittable. */
export const INTERNAL_EVENTS: ReadonlySet<string> = new Set(['chat.command', 'timer.fire']);

export const CHAT_MESSAGE_RECEIVED = 'chat.message.received';
export const TICK = 'tick';

export function isBuiltInEvent(eventType: string): boolean {
  return BUILT_IN_EVENTS.has(eventType);
}

/** Names a plugin may not emit: the host's own events would otherwise be spoofable. */
export function isReservedEvent(eventType: string): boolean {
  return BUILT_IN_EVENTS.has(eventType) || INTERNAL_EVENTS.has(eventType);
}

export interface NamespacedSubscriptions {
  notify: { event: string }[];
  /** Set when a hook's qualified name collides with a built-in event: the load must fail. */
  error: string | null;
}

/**
 * Registers a plugin's custom hooks under its own slug, as production does at load:
 * `on: {foo}` in plugin `a` subscribes to `a.foo`, and `on: {"b.foo"}` in `a` to `a.b.foo`,
 * so no plugin can squat on another's hooks. Built-in events keep their names.
 */
export function namespaceSubscriptions(slug: string, notify: readonly { event: string }[]): NamespacedSubscriptions {
  const out: { event: string }[] = [];
  for (const sub of notify) {
    if (isBuiltInEvent(sub.event)) {
      out.push({ event: sub.event });
      continue;
    }
    const qualified = `${slug}.${sub.event}`;
    if (isBuiltInEvent(qualified)) {
      return {
        notify: [],
        error:
          `plugin "${slug}": custom hook "${sub.event}" would be registered as "${qualified}", ` +
          `which is the built-in event ${qualified}; rename the hook`,
      };
    }
    out.push({ event: qualified });
  }
  return { notify: out, error: null };
}

/**
 * The name a receiver's on_event sees: the local hook name for its own custom hooks
 * (the SDK looks up `on[local]`), the canonical name for everything else.
 */
export function localHookName(slug: string, eventType: string): string {
  if (isBuiltInEvent(eventType) || INTERNAL_EVENTS.has(eventType)) return eventType;
  const own = `${slug}.`;
  return eventType.startsWith(own) ? eventType.slice(own.length) : eventType;
}

/**
 * DESIGN §3.5: in a scenario's `event` step a custom name that is not qualified addresses the
 * plugin under test's own hook, so older scenario files keep passing. A name the plugin
 * subscribes to under its slug wins; anything else (built-ins, qualified names) is unchanged.
 */
export function resolveScenarioEventType(
  plugin: { readonly slug: string; readonly subscriptions: { readonly notify: readonly { event: string }[] } },
  eventType: string,
): string {
  if (isBuiltInEvent(eventType) || INTERNAL_EVENTS.has(eventType)) return eventType;
  const own = `${plugin.slug}.${eventType}`;
  return plugin.subscriptions.notify.some((s) => s.event === own) ? own : eventType;
}
