// The event payloads Owncast sends for what a script says happens (production's wire shapes:
// reference-plugin-sdk.md §E and D.5), and the world changes that go with them.

import type { HostChatUser } from '../host/env/index.js';
import type { ScriptStep, ScriptUser } from './script.js';
import type { SimulatorEnv } from './world.js';

/** A user as chat events carry them. */
export function chatUser(u: ScriptUser): HostChatUser {
  return {
    id: u.id,
    displayName: u.displayName,
    ...(u.isBot ? { isBot: true } : {}),
    ...(u.isAuthenticated ? { isAuthenticated: true } : {}),
    ...(u.scopes.length > 0 ? { scopes: [...u.scopes] } : {}),
  };
}

/** An event to dispatch: its type, payload and a short description for the output. */
export interface WorldEvent {
  eventType: string;
  payload: unknown;
  summary: string;
}

type NonChatStep = Exclude<ScriptStep, { type: 'chat' } | { type: 'clock' } | { type: 'viewers' }>;

/**
 * Applies a step to the world (the stream goes live, a user joins...) and returns the event
 * Owncast dispatches for it. `user` looks a script user up by id; `nowIso` is the simulated time.
 */
export function worldEvent(step: NonChatStep, env: SimulatorEnv, user: (id: string) => ScriptUser, nowIso: string): WorldEvent {
  const stream = env.world.stream;
  switch (step.type) {
    case 'join': {
      const u = user(step.user);
      env.join(u);
      return { eventType: 'chat.user.joined', payload: chatUser(u), summary: u.displayName };
    }
    case 'part': {
      const u = user(step.user);
      env.part(u.id);
      return { eventType: 'chat.user.parted', payload: chatUser(u), summary: u.displayName };
    }
    case 'rename': {
      const u = user(step.user);
      const previousName = u.displayName;
      u.displayName = step.to;
      const record = env.world.users.find((r) => r.id === u.id);
      if (record) {
        record.previousNames = [...(record.previousNames ?? []), previousName];
        record.displayName = step.to;
      }
      const client = env.clientOf(u.id);
      if (client) client.displayName = step.to;
      return { eventType: 'chat.user.renamed', payload: { user: chatUser(u), previousName }, summary: `${previousName} → ${step.to}` };
    }
    case 'stream.start': {
      const title = step.title ?? stream.title ?? '';
      const summary = step.summary ?? stream.summary ?? '';
      env.world.stream = { ...stream, online: true, title, summary, startedAt: nowIso };
      return { eventType: 'stream.started', payload: { startedAt: nowIso, title, summary }, summary: JSON.stringify(title) };
    }
    case 'stream.stop': {
      env.world.stream = { online: false, viewers: 0, ...(stream.title ? { title: stream.title } : {}), ...(stream.summary ? { summary: stream.summary } : {}) };
      return { eventType: 'stream.stopped', payload: { stoppedAt: nowIso }, summary: '' };
    }
    case 'title': {
      const from = stream.title ?? '';
      env.world.stream = { ...stream, title: step.title };
      return { eventType: 'stream.title.changed', payload: { from, to: step.title }, summary: `${JSON.stringify(from)} → ${JSON.stringify(step.title)}` };
    }
    case 'fediverse': {
      const eventType = `fediverse.${step.kind}`;
      const { actor } = step;
      const who = actor.handle;
      if (step.kind === 'follow') return { eventType, payload: { actor }, summary: who };
      if (step.kind === 'like' || step.kind === 'repost') {
        return { eventType, payload: { actor, ...(step.url ? { target: { url: step.url } } : {}) }, summary: `${who}${step.url ? ` ${step.url}` : ''}` };
      }
      const content = step.content ?? '';
      const contentText = content.replace(/<[^>]*>/g, '');
      const payload = {
        actor,
        content,
        contentText,
        url: step.url ?? `https://social.example/@${actor.name}/1`,
        postedAt: nowIso,
        ...(step.inReplyTo ? { inReplyTo: step.inReplyTo } : {}),
      };
      return { eventType, payload, summary: `${who}: ${JSON.stringify(contentText)}` };
    }
    case 'emit':
    case 'event':
      return { eventType: step.event, payload: step.payload, summary: step.payload === null ? '' : JSON.stringify(step.payload) };
  }
}
