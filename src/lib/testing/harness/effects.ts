// What plugins did during a scenario, in the shapes the expectation keys compare (J.5): read
// from the recording env's call log, plus what the host tells the harness directly (plugin
// log lines, emits, outbound requests). Every reading can be narrowed to some plugins.

import type { RecordedCall, RecordingEnv } from '../../host/env/index.js';
import type { BrowserPushPayload, FediversePayload, VideoConfigUpdate } from '../../host/env/types.js';
import type { RecordedRequest } from './fixture-http.js';

export interface RecordedLog {
  slug: string;
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
}

export interface RecordedEmit {
  slug: string;
  eventType: string;
  /** The payload as the plugin sent it (null for none). */
  payload: unknown;
}

/** Which plugins a reading covers: null for all of them. */
export type SlugFilter = ReadonlySet<string> | null;

const decoder = new TextDecoder();

/** uint64 client ids as JSON-friendly values: a number when exact, else decimal digits. */
export function clientIdValue(id: unknown): number | string {
  const big = typeof id === 'bigint' ? id : BigInt(Number(id ?? 0));
  return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big.toString();
}

export class EffectLog {
  readonly logs: RecordedLog[] = [];
  readonly emits: RecordedEmit[] = [];
  readonly requests: RecordedRequest[] = [];

  constructor(readonly env: RecordingEnv) {}

  #calls(fn: string, only: SlugFilter): RecordedCall[] {
    // slug "" is the host itself (the !help answer): never a plugin's effect
    return this.env.calls.filter((c) => c.fn === fn && c.slug !== '' && (only === null || only.has(c.slug)));
  }

  #of<T>(fn: string, only: SlugFilter, pick: (args: Record<string, unknown>) => T): T[] {
    return this.#calls(fn, only).map((c) => pick(c.args));
  }

  chat(kind: 'bot' | 'action' | 'system', only: SlugFilter): string[] {
    return this.#calls('chat.send', only)
      .filter((c) => c.args.kind === kind)
      .map((c) => String(c.args.text));
  }

  chatTo(only: SlugFilter): { clientId: number | string; text: string }[] {
    return this.#of('chat.sendTo', only, (a) => ({ clientId: clientIdValue(a.clientId), text: String(a.text) }));
  }

  deletedMessages(only: SlugFilter): string[] {
    return this.#of('chat.deleteMessage', only, (a) => String(a.messageId));
  }

  kickedClients(only: SlugFilter): (number | string)[] {
    return this.#of('chat.kick', only, (a) => clientIdValue(a.clientId));
  }

  discordPosts(only: SlugFilter): string[] {
    return this.#of('notifications.discord', only, (a) => String(a.text));
  }

  browserPushes(only: SlugFilter): BrowserPushPayload[] {
    return this.#of('notifications.browserPush', only, (a) => a.payload as BrowserPushPayload);
  }

  fediversePosts(only: SlugFilter): FediversePayload[] {
    return this.#of('notifications.fediverse', only, (a) => a.payload as FediversePayload);
  }

  fediverseOutbox(only: SlugFilter): string[] {
    return this.#of('fediverse.post', only, (a) => String(a.text));
  }

  userModerations(only: SlugFilter): { userId: string; enabled: boolean; reason: string }[] {
    return this.#of('users.setEnabled', only, (a) => ({ userId: String(a.userId), enabled: a.enabled === true, reason: String(a.reason ?? '') }));
  }

  bannedIPs(only: SlugFilter): string[] {
    return this.#of('users.banIP', only, (a) => String(a.ip));
  }

  uploads(only: SlugFilter): { name: string; body: string }[] {
    return this.#of('storage.upload', only, (a) => ({ name: String(a.name), body: decoder.decode(a.data as Uint8Array) }));
  }

  videoConfigWrites(only: SlugFilter): VideoConfigUpdate[] {
    return this.#of('videoConfig.write', only, (a) => a.update as VideoConfigUpdate);
  }

  sse(only: SlugFilter): { channel: string; event: string; data: string }[] {
    return this.#of('sse.send', only, (a) => ({ channel: String(a.channel), event: String(a.event), data: String(a.data) }));
  }

  logsOf(only: SlugFilter): RecordedLog[] {
    return this.logs.filter((l) => only === null || only.has(l.slug));
  }

  emitsOf(only: SlugFilter): RecordedEmit[] {
    return this.emits.filter((e) => only === null || only.has(e.slug));
  }

  requestsOf(only: SlugFilter): RecordedRequest[] {
    return this.requests.filter((r) => only === null || only.has(r.slug));
  }
}
