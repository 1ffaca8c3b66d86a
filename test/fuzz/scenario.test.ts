// Scenario files under generated input (issue 8 item 1): whatever the text, parseScenarioFile
// returns located issues and never throws. Every issue's offset lies inside the text and its
// JSON pointer names a value of the document as written; a file with errors yields no
// scenarios and a file without errors yields them all; the diagnostic a setup error carries
// (issueDiagnostic) has a line:column inside the text. Generated scenario-shaped documents
// (every key the loader knows, regular-expression strings good and bad, deep payloads) reach
// the validation rules; generated well-formed scenario files load without an error.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { parseJson, type JsonNode } from '../../src/lib/manifest/json.js';
import { EXPECT_KEYS, FILTER_EXPECT_KEYS, GIVEN_KEYS, HTTP_EXPECT_KEYS, HTTP_KEYS, issueDiagnostic, parseScenarioFile, SCENARIO_KEYS, STEP_KEYS } from '../../src/lib/testing/load/index.js';
import { checkProperty, FUZZ_TIMEOUT } from './support/fuzz.js';
import { pointerExists } from './support/json.js';

let projectDir: string;
beforeAll(() => {
  projectDir = mkdtempSync(join(tmpdir(), 'ocp-fuzz-scenario-'));
  mkdirSync(join(projectDir, 'other'));
});
afterAll(() => rmSync(projectDir, { recursive: true, force: true }));

const where = () => ({ file: join(projectDir, '__tests__', 'x.test.json'), displayPath: '__tests__/x.test.json', projectDir });

/** Parses `source` and checks everything that must hold whatever the source is. */
function parseAndCheck(source: string) {
  const parsed = parseScenarioFile(source, where());
  let tree: JsonNode | undefined;
  try {
    tree = parseJson(source);
  } catch {
    tree = undefined;
  }
  const lines = source.split('\n');
  for (const issue of parsed.issues) {
    expect(issue.offset, issue.message).toBeGreaterThanOrEqual(0);
    expect(issue.offset, issue.message).toBeLessThanOrEqual(source.length);
    if (tree) expect(pointerExists(tree, issue.pointer), `${issue.message} at ${issue.pointer}`).toBe(true);
    else expect(issue.pointer).toBe('');
    const d = issueDiagnostic(issue, source, '__tests__/x.test.json');
    expect(d.line! >= 1 && d.line! <= lines.length, issue.message).toBe(true);
    expect(d.column! >= 1 && d.column! <= lines[d.line! - 1]!.length + 1, issue.message).toBe(true);
    expect(d.pointer).toBe(issue.pointer);
  }
  const errors = parsed.issues.filter((i) => i.severity === 'error');
  expect(parsed.file === null).toBe(errors.length > 0);
  if (parsed.file) {
    const list = tree?.type === 'array' ? tree : tree?.type === 'object' ? tree.members.findLast((m) => m.key === 'scenarios')?.value : undefined;
    expect(parsed.file.scenarios.length).toBe(list?.type === 'array' ? list.items.length : 0);
  }
  return parsed;
}

// ---- generators --------------------------------------------------------------------------------

const KNOWN_KEYS = [...new Set([...SCENARIO_KEYS, ...STEP_KEYS, ...HTTP_KEYS, ...HTTP_EXPECT_KEYS, ...FILTER_EXPECT_KEYS, ...GIVEN_KEYS, ...EXPECT_KEYS, 'scenarios', '$schema', 'id', 'displayName', 'plugins'])];

const strings = fc.oneof(
  fc.string({ maxLength: 10 }),
  fc.constantFrom('/ok.*/', '/[unclosed/', '/(?<x/', '/a{2,1}/', '//', '/', 'pass', 'modify', 'drop', 'chat.message.received', 'tick', 'x.hook', '2s', '1500ms', '5 m', 'other', '../nope', '\0', '/\\/'),
);
const scalar = fc.oneof(strings, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(2 ** 64), fc.constant(-1));

/** JSON whose object keys are mostly keys the loader knows. */
const shaped = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof({ arbitrary: fc.constantFrom(...KNOWN_KEYS), weight: 5 }, { arbitrary: fc.string({ maxLength: 5 }), weight: 1 }), tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** A file of scenarios (an array, or {"scenarios": [...]}) whose scenarios are shaped objects. */
const shapedFile = fc
  .tuple(fc.array(fc.dictionary(fc.constantFrom(...SCENARIO_KEYS, 'steps', 'x'), shaped, { maxKeys: 5 }), { maxLength: 3 }), fc.boolean(), fc.constantFrom(undefined, 2))
  .map(([scenarios, wrapped, indent]) => JSON.stringify(wrapped ? { $schema: 'x', scenarios } : scenarios, null, indent));

/** Well-formed steps of every type. */
const goodStep = fc.oneof(
  fc.record({ event: fc.constantFrom('chat.message.received', 'stream.started', 'x.hook'), payload: fc.jsonValue({ maxDepth: 2 }) }),
  fc.record({
    filter: fc.constant('chat.message.received'),
    payload: fc.jsonValue({ maxDepth: 2 }),
    expect: fc.oneof(fc.constant({ action: 'pass' }), fc.record({ action: fc.constant('drop'), reason: fc.constantFrom('/spam/i', 'nope', '') })),
  }),
  fc.record({ http: fc.record({ method: fc.constantFrom('GET', 'post'), path: fc.constantFrom('/x', 'y', '/a/b?c=d'), expect: fc.record({ status: fc.integer({ min: 0, max: 999 }), body: fc.constantFrom('', 'ok', '/o+k/') }) }) }),
  fc.record({ command: fc.constantFrom('!hi', '!roll 2'), user: fc.constantFrom('alice', { id: 'u1', displayName: 'Bob' }) }),
  fc.record({ advance: fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.constantFrom('2s', '1500ms', '5m')) }),
  fc.record({ emit: fc.constant('x.hook'), payload: fc.jsonValue({ maxDepth: 1 }) }),
);
const goodFile = fc
  .array(
    fc.record({ name: fc.string({ minLength: 1, maxLength: 8 }), events: fc.array(goodStep, { maxLength: 4 }), expect: fc.constantFrom({}, { chatSends: ['/hi/'] }, { kv: { a: '1' } }) }, { requiredKeys: ['name'] }),
    { maxLength: 3 },
  )
  .map((scenarios) => JSON.stringify(scenarios, null, 2));

const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 120 }),
  fc.string({ unit: fc.constantFrom(...'[]{}":,0 \n"nametsvpl\\/'), maxLength: 120 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
);

describe('scenario files: generated input', () => {
  it('scenario-shaped documents reach the loader\'s rules (the property is not vacuous)', () => {
    const results = fc.sample(shapedFile, { numRuns: 400, seed: 3 }).map((text) => parseScenarioFile(text, where()));
    expect(results.filter((r) => r.file !== null).length).toBeGreaterThan(20);
    const messages = new Set(results.flatMap((r) => r.issues.map((i) => i.message.replace(/".*?"|\d+/g, '_').slice(0, 25))));
    expect(messages.size).toBeGreaterThan(25);
  });

  it(
    'any text, any JSON, scenario-shaped JSON: located issues, never an exception',
    async () => {
      await checkProperty(
        { target: 'scenario', name: 'any text / JSON / scenario-shaped JSON: located issues only, file iff no error', runs: 500 },
        fc.property(fc.oneof(anyText, shapedFile), (source) => {
          parseAndCheck(source);
        }),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    'well-formed files load with every scenario and no error',
    async () => {
      await checkProperty(
        { target: 'scenario', name: 'well-formed scenario files: no error, every scenario loaded', runs: 150, fuzzShare: 0.3 },
        fc.property(goodFile, (source) => {
          const parsed = parseAndCheck(source);
          expect(parsed.issues.filter((i) => i.severity === 'error')).toEqual([]);
        }),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    'deep values in payloads, expectations and bodies (to Go\'s 10 000 levels and past): issues, never a stack overflow',
    async () => {
      const deepFile = fc
        .record({
          depth: fc.oneof(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 9_990, max: 10_010 }), fc.integer({ min: 1, max: 30_000 })),
          slot: fc.constantFrom('payload', 'filter-expect', 'http-body', 'given-kv', 'expect-kv', 'command-message'),
          leaf: fc.constantFrom('1', '"/[bad/"', '"/ok/"', '{}'),
        })
        .map(({ depth, slot, leaf }) => {
          const deep = '['.repeat(depth) + leaf + ']'.repeat(depth);
          const step = {
            payload: `{"event":"x.y","payload":${deep}}`,
            'filter-expect': `{"filter":"chat.message.received","expect":{"action":"modify","payload":${deep}}}`,
            'http-body': `{"http":{"path":"/x","body":${deep}}}`,
            'given-kv': '{"advance":1}',
            'expect-kv': '{"advance":1}',
            'command-message': `{"command":"!x","message":{"a":${deep}}}`,
          }[slot];
          const given = slot === 'given-kv' ? `,"given":{"kv":{"k":${deep}}}` : '';
          const expectation = slot === 'expect-kv' ? `,"expect":{"kv":{"k":${deep}}}` : '';
          return `[{"name":"deep","events":[${step}]${given}${expectation}}]`;
        });
      await checkProperty(
        { target: 'scenario', name: 'deep values (to 30 000 levels): located issues, never a stack overflow', runs: 40, fuzzShare: 0.01 },
        fc.property(deepFile, (source) => {
          parseAndCheck(source);
        }),
      );
    },
    FUZZ_TIMEOUT,
  );
});
