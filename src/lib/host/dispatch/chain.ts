// Who filters and who is notified: the chain order and the permission second line.

import type { CallablePlugin } from '../types.js';
import { CHAT_MESSAGE_RECEIVED, isBuiltInEvent } from './events.js';

/**
 * The filter chain for an event: one entry per (plugin, filter subscription for it), sorted by
 * priority ascending, ties by slug (stable). Plugins lacking chat.filter are left out of chat
 * filtering (the loader refuses them; this is a second line).
 */
export function filterChain<P extends CallablePlugin>(plugins: readonly P[], eventType: string): { plugin: P; priority: number }[] {
  const chain = plugins.flatMap((plugin) =>
    filterPermitted(plugin, eventType)
      ? plugin.subscriptions.filter.filter((s) => s.event === eventType).map((s) => ({ plugin, priority: s.priority ?? 0 }))
      : [],
  );
  return chain.sort((a, b) => a.priority - b.priority || (a.plugin.slug < b.plugin.slug ? -1 : a.plugin.slug > b.plugin.slug ? 1 : 0));
}

function filterPermitted(plugin: CallablePlugin, eventType: string): boolean {
  return eventType !== CHAT_MESSAGE_RECEIVED || !!plugin.identity?.permissions.has('chat.filter');
}

export function notifyPermitted(plugin: CallablePlugin, eventType: string): boolean {
  const inbound = isBuiltInEvent(eventType) && eventType.startsWith('fediverse.');
  return !inbound || !!plugin.identity?.permissions.has('fediverse.inbound');
}
