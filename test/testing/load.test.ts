// Loading scenario files: the reference's LoadScenarios cases (§M scenario_test) and every
// validation error of the new keys, each located by file, line:column, JSON pointer,
// scenario and step.

import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { UserError } from '../../src/lib/errors.js';
import { loadScenarioFiles, parseScenarioFile, resolveTestTarget } from '../../src/lib/testing/index.js';
import { quietContext, removeTemps, tempDir, writeFiles } from './helpers.js';

afterAll(removeTemps);

const where = { file: '/p/__tests__/a.test.json', displayPath: '__tests__/a.test.json', projectDir: '/p' };
const parse = (value: unknown) => parseScenarioFile(typeof value === 'string' ? value : JSON.stringify(value, null, 2), where);
const errors = (value: unknown) =>
  parse(value)
    .issues.filter((i) => i.severity === 'error')
    .map((i) => `${i.pointer}: ${i.message}`);
const warnings = (value: unknown) =>
  parse(value)
    .issues.filter((i) => i.severity === 'warning')
    .map((i) => `${i.pointer}: ${i.message}`);

describe('the reference format', () => {
  it('loads event, filter and http steps with their expect shapes', () => {
    const { file, issues } = parse([
      {
        name: 'everything',
        given: { kv: { a: '1' }, httpResponses: [{ url: 'https://x/*', status: 200, body: 'ok' }], stream: { online: true, viewers: 3 } },
        events: [
          { event: 'chat.message.received', payload: { body: 'hi' } },
          { filter: 'chat.message.received', payload: { body: 'x' }, expect: { action: 'modify', payload: { body: 'y' } } },
          { filter: 'chat.message.received', expect: { action: 'drop', reason: 'nope' } },
          { http: { path: 'api', method: 'post', authenticated: true, user: { id: 'u1', displayName: 'a' }, expect: { status: 201, body: 'ok' } } },
        ],
        expect: { chatSends: ['a'], kv: { a: '1' } },
      },
    ]);
    expect(issues).toEqual([]);
    const s = file!.scenarios[0]!;
    expect(s.steps.map((x) => x.type)).toEqual(['event', 'filter', 'filter', 'http']);
    expect(s.steps[1]).toMatchObject({ expect: { action: 'modify', payload: { body: 'y' } } });
    expect(s.steps[2]).toMatchObject({ expect: { action: 'drop', reason: { kind: 'exact', value: 'nope' } } });
    // a leading "/" is added and the method is upper-cased (default GET)
    expect(s.steps[3]).toMatchObject({ type: 'http', path: '/api', method: 'POST', authenticated: true, expect: { status: 201 } });
    expect(s.given.stream).toEqual({ online: true, viewers: 3 });
  });

  it('accepts {"$schema", "scenarios"} so editors can validate', () => {
    const { file, issues } = parse({ $schema: '../node_modules/owncast-plugin/schemas/scenario.schema.json', scenarios: [{ name: 'a' }] });
    expect(issues).toEqual([]);
    expect(file!.scenarios.map((s) => s.name)).toEqual(['a']);
  });

  it('malformed JSON is an error at its position', () => {
    const { issues } = parse('[{"name": "a",}]');
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ severity: 'error', offset: 14 });
    expect(issues[0]!.message).toMatch(/^invalid JSON: invalid character '}'/);
  });

  it('a scenario without a name', () => {
    expect(errors([{ name: 'ok' }, { events: [] }])).toEqual(['/1: scenario 2 has no name']);
    expect(errors([{ name: '' }])).toEqual(['/0/name: scenario 1 has no name']);
  });

  it('a file that is neither an array nor {scenarios}', () => {
    expect(errors({ name: 'x' })).toEqual([': a scenario file is an array of scenarios, or an object with "scenarios"']);
    expect(errors('"x"')).toEqual([': must be an array of scenarios, not a string']);
  });

  it('ambiguous steps: two types, none, expect outside a filter step, http without path', () => {
    const steps = [
      { event: 'a', filter: 'b' },
      { payload: {} },
      { event: 'a', expect: { action: 'pass' } },
      { http: { path: '/x' }, expect: { status: 200 } },
      { http: { method: 'GET' } },
    ];
    expect(errors([{ name: 's', events: steps }])).toEqual([
      '/0/events/0: step must set exactly one of "event", "filter", "http", "command", "advance", "emit" (it sets "event" and "filter")',
      '/0/events/1: step must set exactly one of "event", "filter", "http", "command", "advance", "emit"',
      '/0/events/2/expect: step.expect is only valid on filter steps',
      '/0/events/3/expect: step.expect is only valid on filter steps (use http.expect for http steps)',
      '/0/events/4/http: http step requires path',
    ]);
  });

  it('filter expectations: unknown action, missing action', () => {
    expect(errors([{ name: 's', events: [{ filter: 'x', expect: { action: 'block' } }, { filter: 'x', expect: {} }] }])).toEqual([
      '/0/events/0/expect/action: unknown action "block" (want pass/modify/drop)',
      '/0/events/1/expect: a filter step expect needs "action" (pass, modify or drop)',
    ]);
  });

  it('given.kv values must be strings (a number is an error, as in the reference)', () => {
    expect(errors([{ name: 's', given: { kv: { n: 1 } } }])).toEqual(['/0/given/kv/n: must be a string, not a number']);
  });

  it("Owncast data in given is decoded with production's wire types and Go's wording", () => {
    expect(errors([{ name: 's', given: { stream: { online: true, viewers: 'many' } } }])).toEqual([
      '/0/given/stream: json: cannot unmarshal string into Go struct field StreamInfo.viewers of type int',
    ]);
    expect(errors([{ name: 's', given: { users: [{ id: 'u', displayName: 1 }] } }])).toEqual([
      '/0/given/users: json: cannot unmarshal number into Go struct field HostUser.displayName of type string',
    ]);
  });

  it('new given keys: fs content, sql statements, fixtures', () => {
    expect(
      errors([
        {
          name: 's',
          given: {
            fs: { 'a.txt': 'text', 'b.bin': { base64: 'AAEC' }, c: { hex: '00' }, d: 3, '/e': 'x' },
            sql: ['CREATE TABLE t (x)', { sql: 'INSERT INTO t VALUES (?)', params: [1] }, '  ', { params: [] }],
            httpResponses: [{ url: 'https://x', body: 'no status' }],
            config: { greeting: 'Hi' },
            emotes: [{ name: 'wave', url: '/e/wave.gif' }],
          },
        },
      ]),
    ).toEqual([
      '/0/given/fs/c: a file given as an object needs "base64"',
      '/0/given/fs/d: must be a string (the text) or {"base64": "..."}, not a number',
      '/0/given/fs/~1e: file paths are relative to the plugin\'s storage, as owncast.fs takes them: write "e"',
      '/0/given/sql/2: an SQL statement must not be empty',
      '/0/given/sql/3: an SQL statement given as an object needs "sql"',
      '/0/given/httpResponses/0: an httpResponses fixture needs "status"',
    ]);
  });

  it('new steps: command, advance and emit', () => {
    const { file } = parse([
      { name: 's', events: [{ command: '!roll 2', user: 'bob' }, { advance: 1500 }, { advance: '2s' }, { advance: '1.5m' }, { emit: 'relay.ping', payload: { n: 1 } }] },
    ]);
    expect(file!.scenarios[0]!.steps).toMatchObject([
      { type: 'command', command: '!roll 2', user: 'bob' },
      { type: 'advance', ms: 1500 },
      { type: 'advance', ms: 2000 },
      { type: 'advance', ms: 90_000 },
      { type: 'emit', emit: 'relay.ping', payload: { n: 1 } },
    ]);
    expect(errors([{ name: 's', events: [{ advance: 'soon' }, { advance: -1 }, { emit: 'chat.message.received' }, { command: 5 }] }])).toEqual([
      '/0/events/0/advance: "soon" is not a duration: write milliseconds (1500) or "1500ms", "2s", "5m", "1h"',
      '/0/events/1/advance: must be between 0 and 604800000',
      '/0/events/2/emit: "chat.message.received" is a host event: plugins (and emit steps) may only emit custom hooks ("<slug>.<hook>"); use an event step',
      '/0/events/3/command: must be a string, not a number',
    ]);
    // host-internal events are not reached by an event step: the step that drives them is named
    expect(warnings([{ name: 's', events: [{ event: 'timer.fire' }, { event: 'chat.command' }] }])).toEqual([
      '/0/events/0/event: no plugin subscribes to "timer.fire": an advance step fires due timers',
      '/0/events/1/event: no plugin subscribes to "chat.command": a command step runs a chat line through the command matcher',
    ]);
  });

  it('/.../ strings must compile, in assertions and inside payload patterns', () => {
    expect(
      errors([
        {
          name: 's',
          events: [{ filter: 'x', expect: { action: 'drop', reason: '/(unclosed/' } }],
          expect: { chatSends: ['/[/'], emits: [{ eventType: 'a', payload: { body: '/*/' } }] },
        },
      ]),
    ).toEqual([
      '/0/events/0/expect/reason: invalid regular expression /(unclosed/: Invalid regular expression: /(unclosed/: Unterminated group',
      '/0/expect/chatSends/0: invalid regular expression /[/: Invalid regular expression: /[/: Unterminated character class',
      '/0/expect/emits/0/payload: invalid regular expression /*/: Invalid regular expression: /*/: Nothing to repeat (at /0/expect/emits/0/payload/body)',
    ]);
  });

  it('expect keys are type-checked', () => {
    expect(
      errors([
        {
          name: 's',
          expect: {
            chatSends: 'hi',
            kickedClients: [-1],
            chatTo: [{ text: 'x' }],
            strikes: 'two',
            disabled: 'no',
            logs: [{ level: 'loud', message: 'x' }],
            sql: [{ query: 'SELECT 1' }],
            userModerations: [{ userId: 'u', enabled: 'yes' }],
          },
        },
      ]),
    ).toEqual([
      '/0/expect/chatSends: must be an array of strings, not a string',
      '/0/expect/kickedClients/0: must be a client id (a whole number ≥ 0)',
      '/0/expect/chatTo/0: a chatTo entry needs "clientId" and "text"',
      '/0/expect/userModerations/0/enabled: must be true or false, not a string',
      '/0/expect/logs/0/level: level must be debug, info, warn or error, not "loud"',
      '/0/expect/sql/0: an sql entry needs "query" and "rows"',
      '/0/expect/strikes: must be a whole number, not a string',
      '/0/expect/disabled: must be true or false, not a string',
    ]);
  });

  it('unknown keys are warnings, with a suggestion when one is close (the reference ignored them silently)', () => {
    expect(warnings([{ name: 's', given: { kvs: {} }, events: [{ event: 'x', paylod: {} }], expect: { chatSend: [], bogus: 1 } }])).toEqual([
      '/0/given/kvs: unknown key "kvs" in given (ignored); did you mean "kv"?',
      '/0/events/0/paylod: unknown key "paylod" in a step (ignored); did you mean "payload"?',
      '/0/expect/chatSend: unknown key "chatSend" in expect (ignored); did you mean "chatSends"?',
      '/0/expect/bogus: unknown key "bogus" in expect (ignored)',
    ]);
    expect(parse([{ name: 's', given: { kvs: {} } }]).file).not.toBeNull();
  });
});

describe('finding and loading files', () => {
  it('a project without __tests__/*.test.json, or a missing path, is a setup error (exit 2)', async () => {
    const dir = await tempDir();
    const ctx = quietContext(dir);
    await expect(resolveTestTarget(ctx, '.')).rejects.toMatchObject({ code: 'NO_SCENARIOS', exitCode: 2 });
    await expect(resolveTestTarget(ctx, 'nope')).rejects.toMatchObject({ code: 'TEST_TARGET_NOT_FOUND', exitCode: 2 });
  });

  it('files load in lexical order; one .test.json may be named directly', async () => {
    const dir = await tempDir();
    await writeFiles(dir, { '__tests__/b.test.json': '[]', '__tests__/a.test.json': '[]', '__tests__/notes.json': '{}' });
    const ctx = quietContext(dir);
    expect((await resolveTestTarget(ctx, '.')).files.map((f) => f.slice(dir.length))).toEqual(['/__tests__/a.test.json', '/__tests__/b.test.json']);
    expect(await resolveTestTarget(ctx, '__tests__/b.test.json')).toEqual({ projectDir: dir, files: [join(dir, '__tests__', 'b.test.json')] });
  });

  it('every error of every file in one UserError, located by file, line:column, pointer, scenario and step', async () => {
    const dir = await tempDir();
    await writeFiles(dir, {
      '__tests__/a.test.json': '[\n  {"name": "first", "events": [\n    {"event": "x"},\n    {"http": {}}\n  ]}\n]\n',
      '__tests__/b.test.json': '[{"name": "ok", "plugins": ["../missing"]}]',
    });
    const ctx = quietContext(dir);
    const err = (await loadScenarioFiles(ctx, [await resolveTestTarget(ctx, '.')]).catch((e: unknown) => e)) as UserError;
    expect(err).toBeInstanceOf(UserError);
    expect(err).toMatchObject({ exitCode: 2, code: 'SCENARIO_INVALID', message: '2 errors in scenario files' });
    expect(err.diagnostics.map(({ text, file, line, column, pointer }) => ({ text, file, line, column, pointer }))).toEqual([
      {
        text: 'scenario 1 "first", step 2: http step requires path',
        file: join('__tests__', 'a.test.json'),
        line: 4,
        column: 14,
        pointer: '/0/events/1/http',
      },
      {
        text: `scenario 1 "ok": plugin directory "../missing" does not exist (relative to ${dir})`,
        file: join('__tests__', 'b.test.json'),
        line: 1,
        column: 29,
        pointer: '/0/plugins/0',
      },
    ]);
    expect(err.diagnostics[0]!.frame).toContain('> 4 |     {"http": {}}');
  });

  it('warnings come back with the files', async () => {
    const dir = await tempDir();
    await writeFiles(dir, { '__tests__/a.test.json': '[{"name": "s", "expect": {"chatSend": []}}]' });
    const ctx = quietContext(dir);
    const loaded = await loadScenarioFiles(ctx, [await resolveTestTarget(ctx, '.')]);
    expect(loaded.files).toHaveLength(1);
    expect(loaded.warnings.map((w) => [w.text, w.line, w.column])).toEqual([['scenario 1 "s": unknown key "chatSend" in expect (ignored); did you mean "chatSends"?', 1, 27]]);
  });
});
