// The env as the activity feed sees it: chat posts and SSE sends reported as they succeed.
// Wrapping the env (rather than each implementation) gives every host the same feed, whether
// Owncast is the dev stubs, a recording fake or the simulator's world; and in the threaded
// host it is how SSE sends leave the worker for the hub on the main thread.

import type { ActivityObserver } from '../activity.js';
import type { HostEnv } from './types.js';

/**
 * `env` with chat.send, chat.sendTo and sse.send reported to `report` after the env accepted
 * them (a refusal throws before anything is reported). Every other member is `env`'s own,
 * read when used, so an implementation with more to it (DevEnv's world) stays reachable.
 */
export function observeEnv(env: HostEnv, report: ActivityObserver, now: () => number = Date.now): HostEnv {
  const chat: HostEnv['chat'] = {
    send(req) {
      env.chat.send(req);
      report({
        at: now(),
        type: 'chat',
        // the host's own system messages (!help) are sent with no slug
        ...(req.slug ? { slug: req.slug } : {}),
        kind: req.kind,
        botDisplayName: req.botDisplayName,
        text: req.text,
      });
    },
    sendTo(slug, clientId, text) {
      env.chat.sendTo(slug, clientId, text);
      report({ at: now(), type: 'chat', slug, kind: 'sendTo', text, clientId: clientId.toString() });
    },
    history: (slug, limit) => env.chat.history(slug, limit),
    clients: (slug) => env.chat.clients(slug),
    deleteMessage: (slug, messageId) => env.chat.deleteMessage(slug, messageId),
    kick: (slug, clientId) => env.chat.kick(slug, clientId),
  };
  const sse: NonNullable<HostEnv['sse']> = {
    send(slug, channel, event, data) {
      // an env without SSE has none to send to; this wrapper is only handed out when it has
      env.sse!.send(slug, channel, event, data);
      report({ at: now(), type: 'sse', slug, channel, event, data });
    },
  };
  return new Proxy(env, {
    get(target, key, receiver) {
      if (key === 'chat') return chat;
      // absent stays absent: owncast.sse.send does nothing on an env without SSE
      if (key === 'sse') return target.sse ? sse : undefined;
      return Reflect.get(target, key, receiver);
    },
  });
}
