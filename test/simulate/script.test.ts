// Script files: the format's rules, each mistake reported with its line, column, JSON pointer
// and a code frame; the built-in script and the shipped JSON Schema agree with the validator.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { UserError } from '../../src/lib/errors.js';
import { DEFAULT_SCRIPT_JSON, defaultScript } from '../../src/lib/simulate/default-script.js';
import { diffWords, formatDiff } from '../../src/lib/simulate/diff.js';
import { formatClock, formatOffset, parseDuration } from '../../src/lib/simulate/duration.js';
import { STEP_TYPES, FEDIVERSE_KINDS, USER_ROLES } from '../../src/lib/simulate/script.js';
import { parseScript } from '../../src/lib/simulate/validate.js';
import { ROOT } from '../cli/helpers.js';

/** The error parseScript throws for `text`: its message and each diagnostic as file:line:col pointer text. */
function problems(text: string) {
  try {
    parseScript(text, 'chat.json');
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    return {
      message: err.message,
      code: err.code,
      exit: err.exitCode,
      diagnostics: err.diagnostics.map((d) => `${d.line}:${d.column} ${d.pointer} ${d.text}`),
      frame: err.diagnostics[0]?.frame,
    };
  }
  throw new Error('the script was accepted');
}

const script = (events: unknown[], extra: Record<string, unknown> = {}) => JSON.stringify({ users: ['alice', { displayName: 'mia', role: 'moderator' }], events, ...extra }, null, 2);

describe('parseScript', () => {
  it('reads timings, users, fixtures and every step type', () => {
    const s = parseScript(
      JSON.stringify({
        name: 'all',
        start: '2026-11-29T20:00:00Z',
        plugins: ['../plugins'],
        stream: { title: 'T', online: true, viewers: 3, liveFor: '5m' },
        users: ['alice', { id: 'm1', displayName: 'mia', role: 'moderator', scopes: ['EXTRA'] }, { displayName: 'anon', role: 'anonymous' }],
        httpResponses: [{ url: 'https://x.example/*', status: 201, body: { ok: true } }],
        events: [
          { at: 0, type: 'stream.start', title: 'Go' },
          { after: '1.5s', type: 'join', user: 'alice' },
          { at: '2s', type: 'chat', user: 'mia', body: 'hi' },
          { type: 'rename', user: 'u-alice', to: 'alicia' },
          { at: '3s', type: 'part', user: 'alice' },
          { at: '1m', type: 'title', title: 'New' },
          { at: '1m', type: 'viewers', count: 7 },
          { at: '1m1s', type: 'fediverse', kind: 'follow', actor: '@zed@social.example' },
          { at: '1m2s', type: 'fediverse', kind: 'mention', actor: { name: 'Zed', handle: '@zed@social.example' }, content: '<p>hi</p>' },
          { at: '1m3s', type: 'emit', event: 'announcer.announcement.broadcast', payload: { text: 'x' } },
          { at: '1m4s', type: 'event', event: 'chat.user.joined', payload: { id: 'u-x', displayName: 'x' } },
          { at: '1m5s', type: 'clock', advance: '1h' },
          { after: 500, type: 'stream.stop' },
        ],
      }),
      join(ROOT, 'scripts', 'all.json'),
    );
    expect(s.start).toBe(Date.parse('2026-11-29T20:00:00Z'));
    expect(s.plugins).toEqual([join(ROOT, 'plugins')]);
    expect(s.stream).toEqual({ title: 'T', summary: '', online: true, viewers: 3, liveForMs: 300_000 });
    expect(s.users.map((u) => [u.id, u.displayName, u.role, u.scopes, u.isAuthenticated])).toEqual([
      ['u-alice', 'alice', 'viewer', [], true],
      ['m1', 'mia', 'moderator', ['MODERATOR', 'EXTRA'], true],
      ['u-anon', 'anon', 'anonymous', [], false],
    ]);
    expect(s.httpResponses).toEqual([{ url: 'https://x.example/*', method: '', status: 201, headers: {}, body: '{"ok":true}' }]);
    expect(s.events.map((e) => [e.at, e.step.type])).toEqual([
      [0, 'stream.start'],
      [1500, 'join'],
      [2000, 'chat'],
      [2000, 'rename'],
      [3000, 'part'],
      [60_000, 'title'],
      [60_000, 'viewers'],
      [61_000, 'fediverse'],
      [62_000, 'fediverse'],
      [63_000, 'emit'],
      [64_000, 'event'],
      [65_000, 'clock'],
      [65_500, 'stream.stop'],
    ]);
    expect(s.events[2]!.step).toEqual({ type: 'chat', user: 'm1', body: 'hi' });
    expect(s.events[7]!.step).toMatchObject({ actor: { name: 'zed', handle: '@zed@social.example' } });
  });

  it('points at invalid JSON', () => {
    expect(problems('{\n  "events": [\n    {"at": 1,}\n  ]\n}')).toMatchObject({
      message: "chat.json:3:14: invalid JSON: invalid character '}' looking for beginning of object key string",
      code: 'SCRIPT_INVALID',
      exit: 2,
    });
  });

  it('reports every mistake with line, column and pointer, the first in the message', () => {
    const p = problems(
      script([
        { at: '1s', type: 'chat', user: 'alise', body: 'hi' },
        { at: '1.5x', type: 'join', user: 'alice' },
        { at: '500ms', type: 'part', user: 'alice' },
        { at: '2s', type: 'chatt', user: 'alice' },
        { at: '2s', type: 'chat', user: 'alice' },
        { at: '2s', after: '1s', type: 'stream.stop' },
        { at: '3s', type: 'stream.stop', titel: 'x' },
        { at: '3s', type: 'emit', event: 'chat.user.joined' },
        { at: '3s', type: 'emit', event: 'announce' },
        { at: '3s', type: 'fediverse', kind: 'folow', actor: '@a@b' },
      ]),
    );
    expect(p.message).toBe('chat.json:13:15: events[0].user: no user "alise" (did you mean "alice"?); the script\'s users are alice, mia (and 9 more)');
    expect(p.diagnostics).toMatchInlineSnapshot(`
      [
        "13:15 /events/0/user events[0].user: no user "alise" (did you mean "alice"?); the script's users are alice, mia",
        "17:13 /events/1/at events[1].at must be a duration: milliseconds (1500) or a string such as "1.5s", "250ms", "2m", "1h30m", not "1.5x"",
        "22:13 /events/2/at events[2].at (500ms) is earlier than the event before it (1s); events run in order: fix the time or use "after" for a delay",
        "28:15 /events/3/type events[3].type: unknown event type "chatt" (did you mean "chat"?); the types are chat, join, part, rename, stream.start, stream.stop, title, viewers, fediverse, emit, event, clock",
        "31:5 /events/4 events[4]: a "chat" event needs "body"",
        "38:16 /events/5/after events[5] has both "at" and "after": give one",
        "44:7 /events/6/titel unknown key "titel" in a "stream.stop" event; known keys: at, after, type, note",
        "49:16 /events/7/event events[7].event: "chat.user.joined" is an Owncast event, which plugins cannot emit; use {"type": "event", "event": "chat.user.joined"} to send it",
        "54:16 /events/8/event events[8].event: "announce" names no plugin; custom hooks are "<slug>.<hook>" (a hook "announce" in plugin "relay" is "relay.announce")",
        "59:15 /events/9/kind events[9].kind must be one of follow, like, repost, mention, reply, quote, activity, not "folow" (did you mean "follow"?)",
      ]
    `);
    expect(p.frame).toContain('"user": "alise"');
    expect(p.frame).toMatch(/\^/);
  });

  it('checks the top level, users and fixtures', () => {
    expect(problems(JSON.stringify({ evnts: [] })).diagnostics).toEqual([
      '1:2 /evnts unknown key "evnts" in the script (did you mean "events"?); known keys: $schema, name, description, plugins, start, stream, server, users, httpResponses, events',
      '1:1  the script has no "events": add an array of things that happen, e.g. [{"at": "1s", "type": "chat", "user": "alice", "body": "hi"}]',
    ]);
    expect(problems('[]').diagnostics).toEqual(['1:1  the script must be an object with "users" and "events", not an array']);
    const p = problems(
      JSON.stringify({
        start: 'tomorrow',
        users: ['alice', 'alice', { displayName: 'bob', role: 'admin' }, { name: 'x' }],
        httpResponses: [{ status: 99 }],
        events: [],
      }),
    );
    expect(p.diagnostics.map((d) => d.replace(/^\d+:\d+ /, ''))).toEqual([
      '/start start must be an ISO 8601 time such as "2026-11-29T20:00:00Z", not "tomorrow"',
      '/users/1 users[1]: a user with the id "u-alice" is already in the cast',
      '/users/2/role users[2].role must be one of viewer, moderator, anonymous, bot, not "admin"',
      '/users/3/name unknown key "name" in a user; known keys: id, displayName, role, scopes',
      '/users/3 users[3] needs "displayName"',
      '/httpResponses/0 httpResponses[0] needs "url" (a glob over the whole URL)',
      '/httpResponses/0/status httpResponses[0].status must be an HTTP status code (100-599), not 99',
    ]);
  });

  it('the built-in script is valid and names the examples', () => {
    const s = defaultScript(join(ROOT, 'examples'));
    expect(s.events.length).toBe(DEFAULT_SCRIPT_JSON.events.length);
    expect(s.plugins.map((p) => p.slice(join(ROOT, 'examples').length + 1))).toEqual(DEFAULT_SCRIPT_JSON.plugins);
  });
});

describe('the JSON Schema', () => {
  const schema = JSON.parse(readFileSync(join(ROOT, 'schemas', 'simulate-script.schema.json'), 'utf8'));

  it('lists the keys, event types, roles and fediverse kinds the validator accepts', () => {
    expect(Object.keys(schema.properties).sort()).toEqual(['$schema', 'description', 'events', 'httpResponses', 'name', 'plugins', 'server', 'start', 'stream', 'users']);
    const variants = schema.properties.events.items.oneOf as { properties: { type: { const: string }; kind?: { enum: string[] } } }[];
    expect(variants.map((v) => v.properties.type.const)).toEqual([...STEP_TYPES]);
    expect(variants.find((v) => v.properties.kind)!.properties.kind!.enum).toEqual([...FEDIVERSE_KINDS]);
    expect(schema.properties.users.items.oneOf[1].properties.role.enum).toEqual([...USER_ROLES]);
  });

  it('accepts the built-in script: every key it uses is declared', () => {
    const top = new Set(Object.keys(schema.properties));
    for (const key of Object.keys(DEFAULT_SCRIPT_JSON)) expect(top.has(key), key).toBe(true);
    const variants = schema.properties.events.items.oneOf as { properties: Record<string, unknown> & { type: { const: string } } }[];
    for (const e of DEFAULT_SCRIPT_JSON.events) {
      const variant = variants.find((v) => v.properties.type.const === e.type)!;
      for (const key of Object.keys(e)) expect(Object.keys(variant.properties), `${e.type}.${key}`).toContain(key);
    }
    expect(new RegExp(schema.definitions.duration.oneOf[1].pattern).test('1m30.5s')).toBe(true);
  });
});

describe('durations and diffs', () => {
  it('parses script durations and prints offsets as Go does', () => {
    expect([0, 1500, '250ms', '1.5s', '2m', '1h30m', '1m30.5s'].map(parseDuration)).toEqual([0, 1500, 250, 1500, 120_000, 5_400_000, 90_500]);
    expect(['', '1.5', 's', '-1s', '1x', -5, Number.NaN].map(parseDuration)).toEqual([null, null, null, null, null, null, null]);
    expect([0, 250, 1000, 1500, 12_000, 62_500, 3_605_000].map(formatOffset)).toEqual(['0s', '250ms', '1s', '1.5s', '12s', '1m2.5s', '1h0m5s']);
    expect([0, 7_000, 750_000, 3_723_000].map(formatClock)).toEqual(['0:00', '0:07', '12:30', '1:02:03']);
  });

  it('diffs word by word', () => {
    expect(formatDiff(diffWords('what the heck, this is great', 'what the ****, this is great'))).toBe('what the [-heck-]{+****+}, this is great');
    expect(formatDiff(diffWords('darn and heck', '**** and ****'))).toBe('[-darn-]{+****+} and [-heck-]{+****+}');
    expect(formatDiff(diffWords('same', 'same'))).toBe('same');
    expect(formatDiff(diffWords('', 'new'))).toBe('{+new+}');
  });
});
