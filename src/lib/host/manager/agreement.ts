// The load-time checks after register() (production §4, last paragraph; manager.go
// loadFromBytes, AgreesWith, requireSubscriptionPermissions). The sidecar manifest is the
// source of truth for identity and permissions; register() may not claim more.

import { PluginError } from '../../errors.js';
import { slugify, type Manifest } from '../../manifest/index.js';
import { CHAT_MESSAGE_RECEIVED, isBuiltInEvent, namespaceSubscriptions } from '../dispatch/events.js';

/** Production MaxRegisterOutputBytes. */
export const MAX_REGISTER_OUTPUT_BYTES = 256 * 1024;

/** What register() reported, with production's zero values for what it left out. */
export interface RuntimeRegistration {
  slug: string;
  name: string;
  version: string;
  permissions: string[];
  subscriptions: { notify: { event: string }[]; filter: { event: string; priority: number }[] };
  commands: unknown[];
  /** The parsed output as it was. */
  raw: Record<string, unknown>;
}

export interface AgreementResult {
  runtime: RuntimeRegistration;
  /** Accepted differences worth telling the author about (a version that differs). */
  warnings: string[];
}

/** A load refused by the agreement checks. The message starts "manifest/runtime mismatch: ". */
export class AgreementError extends PluginError {
  constructor(slug: string, reason: string, nextSteps: string[]) {
    super(`manifest/runtime mismatch: ${reason}`, { slug, exportName: 'register', failure: 'mismatch', nextSteps, exitCode: 1 });
    this.name = 'AgreementError';
  }
}

const REBUILD = 'Rebuild the plugin after editing plugin.manifest.json (`owncast-plugin build`): the build embeds the manifest it was built with';

/**
 * Checks register()'s output against the sidecar manifest and returns it parsed.
 * `output` is the raw output (text or bytes, measured exactly) or an already-parsed object
 * (measured as its JSON). Throws an AgreementError; the caller closes the instance.
 */
export function checkRegistration(sidecar: Manifest, output: unknown): AgreementResult {
  const fail = (reason: string, nextSteps: string[] = []) => new AgreementError(sidecar.slug, reason, nextSteps);

  const size =
    typeof output === 'string' ? Buffer.byteLength(output) : output instanceof Uint8Array ? output.length : Buffer.byteLength(JSON.stringify(output ?? null));
  if (size > MAX_REGISTER_OUTPUT_BYTES) {
    throw fail(`register() output too large: ${size} bytes (max ${MAX_REGISTER_OUTPUT_BYTES})`, [
      'register() echoes the manifest: keep plugin.manifest.json (descriptions, config defaults) well under 256 KiB',
    ]);
  }

  let parsed: unknown = output;
  if (typeof output === 'string' || output instanceof Uint8Array) {
    const text = typeof output === 'string' ? output : Buffer.from(output).toString('utf8');
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw fail(`parse register() output: ${(err as Error).message}`);
    }
  }
  const runtime = toRegistration(parsed, (why) => fail(`parse register() output: ${why}`));

  // Slugs: each side's explicit slug, else derived from its name (production AgreesWith).
  const runtimeSlug = runtime.slug || (runtime.name ? slugOf(runtime.name) : '');
  if (runtimeSlug !== sidecar.slug) {
    throw fail(`slug mismatch: manifest=${JSON.stringify(sidecar.slug)} register=${JSON.stringify(runtimeSlug)}`, [REBUILD]);
  }

  const declared = new Set(sidecar.permissions);
  for (const p of runtime.permissions) {
    if (!declared.has(p)) {
      throw fail(`plugin requested permission ${JSON.stringify(p)} at runtime not declared in manifest`, [
        `Add "${p}" to "permissions" in plugin.manifest.json, or rebuild if you removed it on purpose`,
      ]);
    }
  }

  if (!declared.has('chat.filter') && runtime.subscriptions.filter.some((s) => s.event === CHAT_MESSAGE_RECEIVED)) {
    throw fail(
      'plugin subscribes to filterChatMessage but does not declare the "chat.filter" permission. Add "chat.filter" to ' +
        "the manifest's permissions so an admin can see at install time that this plugin reads or modifies every chat message",
      ['Add "chat.filter" to "permissions" in plugin.manifest.json'],
    );
  }

  if (!declared.has('fediverse.inbound')) {
    const fedi = runtime.subscriptions.notify.find((s) => s.event.startsWith('fediverse.') && isBuiltInEvent(s.event));
    if (fedi) {
      throw fail(`plugin subscribes to ${fedi.event} but does not declare the "fediverse.inbound" permission`, [
        'Add "fediverse.inbound" to "permissions" in plugin.manifest.json',
      ]);
    }
  }

  const namespaced = namespaceSubscriptions(sidecar.slug, runtime.subscriptions.notify);
  if (namespaced.error) throw fail(namespaced.error);

  const warnings: string[] = [];
  // Production stopped comparing versions (a mismatch only means a stale build); say so anyway.
  if (runtime.version !== sidecar.version) {
    warnings.push(
      `${sidecar.slug}: version differs: manifest=${JSON.stringify(sidecar.version)} register=${JSON.stringify(runtime.version)} ` +
        '(Owncast loads it anyway; rebuild so they agree)',
    );
  }
  return { runtime, warnings };
}

function slugOf(name: string): string {
  const r = slugify(name);
  return r.ok ? r.slug : '';
}

/** The fields the host reads, typed the way Go's json.Unmarshal into Manifest would insist. */
function toRegistration(value: unknown, bad: (why: string) => Error): RuntimeRegistration {
  if (value === null) value = {};
  if (typeof value !== 'object' || Array.isArray(value)) throw bad(`expected a JSON object, got ${describe(value)}`);
  const raw = value as Record<string, unknown>;
  const str = (key: string): string => {
    const v = raw[key];
    if (v === undefined || v === null) return '';
    if (typeof v !== 'string') throw bad(`"${key}" is ${describe(v)}, not a string`);
    return v;
  };
  const permissions = raw.permissions ?? [];
  if (!Array.isArray(permissions) || permissions.some((p) => typeof p !== 'string')) {
    throw bad('"permissions" is not an array of strings');
  }
  const subs = (raw.subscriptions ?? {}) as Record<string, unknown>;
  if (typeof subs !== 'object' || Array.isArray(subs)) throw bad('"subscriptions" is not an object');
  const list = (key: 'notify' | 'filter') => {
    const v = subs[key] ?? [];
    if (!Array.isArray(v)) throw bad(`"subscriptions.${key}" is not an array`);
    return v.map((s, i) => {
      if (typeof s !== 'object' || s === null || typeof (s as { event?: unknown }).event !== 'string') {
        throw bad(`"subscriptions.${key}[${i}]" has no string "event"`);
      }
      const priority = (s as { priority?: unknown }).priority;
      if (priority !== undefined && priority !== null && typeof priority !== 'number') {
        throw bad(`"subscriptions.${key}[${i}].priority" is ${describe(priority)}, not a number`);
      }
      return { event: (s as { event: string }).event, priority: typeof priority === 'number' ? priority : 0 };
    });
  };
  const commands = raw.commands ?? [];
  if (!Array.isArray(commands)) throw bad('"commands" is not an array');
  return {
    slug: str('slug'),
    name: str('name'),
    version: str('version'),
    permissions: permissions as string[],
    subscriptions: { notify: list('notify').map(({ event }) => ({ event })), filter: list('filter') },
    commands,
    raw,
  };
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}
