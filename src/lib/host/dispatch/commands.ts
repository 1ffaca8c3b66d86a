// Chat commands (production commands.go, §3.1): matching, the moderator gate and cooldowns.

import type { PluginCommand } from '../types.js';

export const DEFAULT_COMMAND_PREFIX = '!';
export const MODERATOR_SCOPE = 'MODERATOR';
export const COOLDOWN_SWEEP_INTERVAL_MS = 60_000;

/** The chat.command payload. */
export interface CommandEvent {
  message: unknown;
  command: string;
  invokedAs: string;
  args: string[];
  argString: string;
}

/** The parts of a chat message commands look at. */
export interface CommandMessage {
  body?: unknown;
  timestamp?: unknown;
  clientId?: unknown;
  user?: { id?: unknown; scopes?: unknown; isBot?: unknown } | null;
}

// Go's unicode.IsSpace, which strings.Fields and strings.TrimSpace use (JS's \s differs:
// it lacks U+0085 and adds U+FEFF).
const SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const TRIM = new RegExp(`^[${SPACE}]+|[${SPACE}]+$`, 'g');
const FIELDS = new RegExp(`[^${SPACE}]+`, 'g');

const goTrim = (s: string) => s.replace(TRIM, '');
const goFields = (s: string) => s.match(FIELDS) ?? [];

/**
 * Matches a message body against one command: the body must start with the prefix (leading
 * spaces break the match); the rest, trimmed and split on whitespace, must start with the name
 * or an alias (case-insensitive unless caseSensitive). null when it does not match.
 */
export function matchCommand(message: CommandMessage, command: PluginCommand): CommandEvent | null {
  const body = message.body;
  const prefix = command.prefix || DEFAULT_COMMAND_PREFIX;
  if (typeof body !== 'string' || !body.startsWith(prefix)) return null;
  const rest = goTrim(body.slice(prefix.length));
  const parts = goFields(rest);
  const invokedAs = parts[0];
  if (invokedAs === undefined) return null;
  const matches = (declared: string) => nameMatches(invokedAs, declared, command.caseSensitive);
  if (!matches(command.name) && !(command.aliases ?? []).some(matches)) return null;
  return {
    message,
    command: command.name,
    invokedAs,
    args: parts.slice(1),
    argString: goTrim(rest.slice(invokedAs.length)),
  };
}

function nameMatches(called: string, declared: string, caseSensitive: boolean): boolean {
  return caseSensitive ? called === declared : equalFold(called, declared);
}

/** Go's strings.EqualFold: equal under simple (one code point to one) case folding. */
function equalFold(a: string, b: string): boolean {
  if (a === b) return true;
  const x = [...a];
  const y = [...b];
  if (x.length !== y.length) return false;
  return x.every((c, i) => {
    const d = y[i]!;
    return c === d || single(c.toLowerCase()) === single(d.toLowerCase()) || single(c.toUpperCase()) === single(d.toUpperCase());
  });
}

// A case mapping that expands (ß → SS) is not simple folding: it never matches.
const single = (s: string): string | symbol => ([...s].length === 1 ? s : Symbol());

/** Whether the sender carries the MODERATOR scope (no user: no). */
export function isModerator(message: CommandMessage): boolean {
  const scopes = message.user?.scopes;
  return Array.isArray(scopes) && scopes.includes(MODERATOR_SCOPE);
}

/** modOnly commands need a moderator; everything else is open. */
export function commandAllowed(message: CommandMessage, command: PluginCommand): boolean {
  return !command.modOnly || isModerator(message);
}

/** Cooldowns are per user: the user id, else the chat connection, else everyone anonymous together. */
export function commandUserKey(message: CommandMessage): string {
  const id = message.user?.id;
  if (typeof id === 'string' && id !== '') return id;
  const clientId = message.clientId;
  if ((typeof clientId === 'number' || typeof clientId === 'bigint') && clientId !== 0 && clientId !== 0n) {
    return `client:${clientId}`;
  }
  if (typeof clientId === 'string' && clientId !== '' && clientId !== '0') return `client:${clientId}`;
  return 'anonymous';
}

/**
 * Per-plugin cooldown state: (command, user) → when it may run again, in Unix ms taken from the
 * message timestamps (not the host clock), so replayed chat behaves the same. Expired entries
 * are swept at most once a minute of message time.
 */
export class CommandCooldowns {
  readonly #expiries = new Map<string, number>();
  #lastSweep: number | null = null;

  /** Whether the command may run now; if so, starts its cooldown. Unparsable timestamp: always. */
  ready(message: CommandMessage, command: PluginCommand): boolean {
    const cooldown = command.cooldownMs;
    if (!(cooldown > 0)) return true;
    const now = parseRfc3339Millis(message.timestamp);
    if (now === null) return true;
    if (this.#lastSweep === null || now - this.#lastSweep >= COOLDOWN_SWEEP_INTERVAL_MS) {
      for (const [key, expiresAt] of this.#expiries) if (expiresAt <= now) this.#expiries.delete(key);
      this.#lastSweep = now;
    }
    const key = `${command.name}\u0000${commandUserKey(message)}`;
    const expiresAt = this.#expiries.get(key);
    if (expiresAt !== undefined && now < expiresAt) return false;
    // a cooldown too large to add is a cooldown that never ends, not one that wrapped around
    this.#expiries.set(key, cooldown >= Number.MAX_SAFE_INTEGER - now ? Infinity : now + cooldown);
    return true;
  }

  /** Entries held (expired ones linger until the next sweep). */
  get size(): number {
    return this.#expiries.size;
  }
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/** Go's time.Parse(time.RFC3339Nano, s) → UnixMilli, or null when Go would refuse it. */
export function parseRfc3339Millis(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const m = RFC3339.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) return null;
  let offsetMin = 0;
  if (m[8]) {
    const oh = Number(m[9]);
    const om = Number(m[10]);
    if (oh > 23 || om > 59) return null;
    offsetMin = (m[8] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second, 0);
  const millis = m[7] ? Number(m[7].padEnd(9, '0').slice(0, 3)) : 0;
  return utc.getTime() - offsetMin * 60_000 + millis;
}
