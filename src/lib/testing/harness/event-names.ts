// Issue 5 item 2 (DESIGN §3.5): an `event` step addresses the plugin under test, so a custom
// name that is not qualified is delivered as that plugin's own hook: "announcement.broadcast"
// in the announcer's scenario reaches its on: {"announcement.broadcast"}, which the host
// registers as "announcer.announcement.broadcast". Reference scenarios written before
// receiver-side namespacing keep passing; the host itself stays strict.

import { isBuiltInEvent, INTERNAL_EVENTS } from '../../host/dispatch/events.js';

interface Subscriber {
  readonly slug: string;
  readonly subscriptions: { readonly notify: readonly { event: string }[] };
}

/**
 * The event type a step's name is delivered as. Built-in and internal events keep their names;
 * the plugin under test's own hook (`<slug>.<name>` subscribed) wins; a name already qualified
 * with a loaded plugin's slug addresses that plugin; anything else becomes `<slug>.<name>`.
 */
export function resolveStepEventType(eventType: string, underTest: string, plugins: readonly Subscriber[]): string {
  if (isBuiltInEvent(eventType) || INTERNAL_EVENTS.has(eventType)) return eventType;
  const own = `${underTest}.${eventType}`;
  const subscriber = plugins.find((p) => p.slug === underTest);
  if (subscriber?.subscriptions.notify.some((s) => s.event === own)) return own;
  if (plugins.some((p) => eventType.startsWith(`${p.slug}.`))) return eventType;
  return own;
}
