// The final `expect` (J.5 and the new keys), checked after every step has run. Effects are
// read across the plugins in scope (all of the scenario's, or one under `expect.plugins`);
// storage (kv, fs, sql) and strikes are the plugin's in scope (the one under test at the top).

import type { SlugFilter } from '../harness/effects.js';
import { fileBytes } from '../harness/seed.js';
import type { ScenarioHarness } from '../harness/harness.js';
import { stringMatcher } from '../match/strings.js';
import { exactMismatch, partialMismatch } from '../match/values.js';
import type { Failure } from '../results.js';
import type { Assertion, Expectations, ExpectKey, Json, StringMatcher } from '../scenario.js';
import { asWritten, fieldsMismatch, listMismatch, stringMismatch, type ListMismatch } from './lists.js';

interface Scope {
  harness: ScenarioHarness;
  /** Effects of these plugins (null: all). */
  only: SlugFilter;
  /** Whose storage and strikes. */
  slug: string;
}

/** What a key's check found: the mismatch, and the whole actual value to show beside the expected one. */
type Check<T> = (want: T, scope: Scope) => { mismatch: ListMismatch | null; actual: unknown };

const strings = (read: (s: Scope) => string[]): Check<StringMatcher[]> => (want, s) => {
  const actual = read(s);
  return { actual, mismatch: listMismatch(want, actual, (w, a, at) => stringMismatch(w, a, at)) };
};

const decoder = new TextDecoder();

/** Go's zero values for the variant fields a scenario leaves out (the host fills them in writes). */
function variantsWithZeroValues(update: Json): Json {
  if (!update || typeof update !== 'object' || Array.isArray(update) || !Array.isArray(update.variants)) return update;
  const zero = { width: 0, height: 0, framerate: 0, videoBitrate: 0, audioBitrate: 0, isPassthrough: false };
  return { ...update, variants: update.variants.map((v) => ({ ...zero, ...(v as Record<string, Json>) })) };
}

const CHECKS: { [K in ExpectKey]-?: Check<NonNullable<Expectations[K]>['want']> } = {
  chatSends: strings((s) => s.harness.effects.chat('bot', s.only)),
  chatActions: strings((s) => s.harness.effects.chat('action', s.only)),
  chatSystems: strings((s) => s.harness.effects.chat('system', s.only)),
  deletedMessages: strings((s) => s.harness.effects.deletedMessages(s.only)),
  discordPosts: strings((s) => s.harness.effects.discordPosts(s.only)),
  bannedIPs: strings((s) => s.harness.effects.bannedIPs(s.only)),
  fediverseOutbox: strings((s) => s.harness.effects.fediverseOutbox(s.only)),
  kickedClients: (want, s) => {
    const actual = s.harness.effects.kickedClients(s.only);
    return {
      actual,
      mismatch: listMismatch(want, actual, (w, a, at) => (String(a) === w ? null : { at, message: `expected client ${w}, got ${a}` })),
    };
  },
  chatTo: (want, s) => {
    const actual = s.harness.effects.chatTo(s.only);
    return {
      actual,
      mismatch: listMismatch(want, actual, (w, a, at) =>
        String(a.clientId) !== w.clientId ? { at: `${at}/clientId`, message: `clientId: expected ${w.clientId}, got ${a.clientId}` } : fieldsMismatch({ text: w.text }, a, at),
      ),
    };
  },
  emits: (want, s) => {
    const actual = s.harness.effects.emitsOf(s.only).map((e) => ({ eventType: e.eventType, payload: e.payload }));
    return {
      actual,
      mismatch: listMismatch(want, actual, (w, a, at) => {
        const type = fieldsMismatch({ eventType: w.eventType }, a, at);
        if (type || w.payload === undefined) return type;
        const p = partialMismatch(w.payload, a.payload);
        return p ? { at: `${at}/payload${p.at}`, message: `payload${p.at}: ${p.message}` } : null;
      }),
    };
  },
  kv: (want, s) => {
    const actual = Object.fromEntries(Object.keys(want).map((key) => [key, s.harness.kv(key, s.slug)]));
    for (const [key, matcher] of Object.entries(want)) {
      const m = stringMismatch(matcher, actual[key], `/${key}`);
      if (m) return { actual, mismatch: { at: m.at, message: `"${key}": ${m.message}` } };
    }
    return { actual, mismatch: null };
  },
  httpRequests: (want, s) => {
    const actual = s.harness.effects.requestsOf(s.only).map(({ url, method, body }) => ({ url, method, body }));
    return { actual, mismatch: listMismatch(want, actual, (w, a, at) => fieldsMismatch(w, a, at)) };
  },
  browserPushes: (want, s) => {
    const actual = s.harness.effects.browserPushes(s.only);
    return { actual, mismatch: listMismatch(want, actual, (w, a, at) => fieldsMismatch(w, a as unknown as Record<string, unknown>, at)) };
  },
  fediversePosts: (want, s) => {
    const actual = s.harness.effects.fediversePosts(s.only);
    return { actual, mismatch: listMismatch(want, actual, (w, a, at) => fieldsMismatch(w, a as unknown as Record<string, unknown>, at)) };
  },
  userModerations: (want, s) => {
    const actual = s.harness.effects.userModerations(s.only);
    return {
      actual,
      mismatch: listMismatch(want, actual, (w, a, at) =>
        w.enabled !== a.enabled
          ? { at: `${at}/enabled`, message: `enabled: expected ${w.enabled}, got ${a.enabled}` }
          : fieldsMismatch({ userId: w.userId, reason: w.reason }, a, at),
      ),
    };
  },
  uploads: (want, s) => {
    const actual = s.harness.effects.uploads(s.only);
    return { actual, mismatch: listMismatch(want, actual, (w, a, at) => fieldsMismatch(w, a, at)) };
  },
  videoConfigWrites: (want, s) => {
    const actual = s.harness.effects.videoConfigWrites(s.only);
    return {
      actual,
      mismatch: listMismatch(want, actual, (w, a, at) => {
        const m = exactMismatch(variantsWithZeroValues(w), a);
        return m ? { at: `${at}${m.at}`, message: `${m.at || ''}${m.at ? ': ' : ''}${m.message}` } : null;
      }),
    };
  },
  logs: (want, s) => {
    const actual = s.harness.effects.logsOf(s.only).map(({ level, message }) => ({ level, message }));
    return {
      actual,
      mismatch: listMismatch(want, actual, (w, a, at) =>
        w.level !== undefined && w.level !== a.level
          ? { at: `${at}/level`, message: `level: expected ${w.level}, got ${a.level} (${JSON.stringify(a.message)})` }
          : fieldsMismatch({ message: w.message }, a, at),
      ),
    };
  },
  sse: (want, s) => {
    const actual = s.harness.effects.sse(s.only);
    return {
      actual,
      mismatch: listMismatch(want, actual, (w, a, at) => {
        const f = fieldsMismatch({ channel: w.channel, event: w.event }, a, at);
        if (f || w.data === undefined) return f;
        // a string is compared with the data as sent; anything else with the data read as JSON
        if (typeof w.data === 'string') return fieldsMismatch({ data: stringMatcher(w.data) }, a, at);
        let parsed: unknown;
        try {
          parsed = JSON.parse(a.data);
        } catch {
          return { at: `${at}/data`, message: `data: expected JSON ${JSON.stringify(w.data)}, got ${JSON.stringify(a.data)}` };
        }
        const p = partialMismatch(w.data, parsed);
        return p ? { at: `${at}/data${p.at}`, message: `data${p.at}: ${p.message}` } : null;
      }),
    };
  },
  fs: (want, s) => {
    const actual: Record<string, string | null> = {};
    for (const [path, content] of Object.entries(want)) {
      const bytes = s.harness.file(path, s.slug);
      actual[path] = bytes === null ? null : content !== null && 'base64' in content ? Buffer.from(bytes).toString('base64') : decoder.decode(bytes);
    }
    for (const [path, content] of Object.entries(want)) {
      const got = actual[path] ?? null;
      const at = `/${path.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (content === null) {
        if (got !== null) return { actual, mismatch: { at, message: `"${path}" should not exist` } };
        continue;
      }
      if (got === null) return { actual, mismatch: { at, message: `"${path}" does not exist` } };
      if ('base64' in content) {
        if (Buffer.compare(Buffer.from(got, 'base64'), Buffer.from(fileBytes(content))) !== 0) return { actual, mismatch: { at, message: `"${path}": the bytes differ` } };
        continue;
      }
      const m = stringMismatch(content, got, at);
      if (m) return { actual, mismatch: { at, message: `"${path}": ${m.message}` } };
    }
    return { actual, mismatch: null };
  },
  sql: (want, s) => {
    const actual: { query: string; rows?: unknown[]; error?: string }[] = [];
    let mismatch: ListMismatch | null = null;
    want.forEach((entry, i) => {
      const answer = s.harness.query(entry.query, entry.params, s.slug);
      actual.push({ query: entry.query, ...answer });
      if (mismatch) return;
      if ('error' in answer) {
        mismatch = { at: `/${i}/query`, message: `[${i}] the query failed: ${answer.error}` };
        return;
      }
      const rows = listMismatch(entry.rows, answer.rows, (w, a, at) => {
        const p = partialMismatch(w, a);
        return p ? { at: `${at}${p.at}`, message: `${p.at ? `${p.at}: ` : ''}${p.message}` } : null;
      });
      if (rows) mismatch = { at: `/${i}/rows${rows.at}`, message: `[${i}] rows${rows.message.startsWith('[') ? '' : ': '}${rows.message}` };
    });
    return { actual, mismatch };
  },
  strikes: (want, s) => {
    const actual = s.harness.strikes(s.slug);
    return { actual, mismatch: actual === want ? null : { at: '', message: `expected ${want} consecutive failure(s), got ${actual}` } };
  },
  disabled: (want, s) => {
    const actual = s.harness.disabled(s.slug);
    return { actual, mismatch: actual === want ? null : { at: '', message: want ? 'expected the plugin to be auto-disabled; it is not' : 'the plugin was auto-disabled' } };
  },
};

/** Every failing key of `expect` (and of each `expect.plugins` entry). */
export function checkExpectations(expect: Expectations, harness: ScenarioHarness): Failure[] {
  const failures = checkScope(expect, { harness, only: null, slug: harness.slug }, '');
  for (const [slug, nested] of Object.entries(expect.plugins ?? {})) {
    if (!harness.slugs.includes(slug)) {
      failures.push({ key: `plugins.${slug}`, pointer: '', message: `expect.plugins: no plugin "${slug}" in this scenario (it has ${harness.slugs.join(', ')})` });
      continue;
    }
    failures.push(...checkScope(nested, { harness, only: new Set([slug]), slug }, `plugins.${slug}.`));
  }
  return failures;
}

function checkScope(expect: Expectations, scope: Scope, prefix: string): Failure[] {
  const failures: Failure[] = [];
  for (const key of Object.keys(CHECKS) as ExpectKey[]) {
    const assertion = expect[key] as Assertion<never> | undefined;
    if (!assertion) continue;
    const check = CHECKS[key] as Check<unknown>;
    const { mismatch, actual } = check(assertion.want, scope);
    if (!mismatch) continue;
    failures.push({
      key: `${prefix}${key}`,
      pointer: `${assertion.pointer}${mismatch.at}`,
      message: mismatch.message,
      expected: asWritten(assertion.want),
      actual,
    });
  }
  return failures;
}
