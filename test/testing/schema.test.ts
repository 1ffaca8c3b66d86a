// schemas/scenario.schema.json and the README's "Scenario tests" section against the loader:
// the same keys everywhere, every key documented, and every documented example both valid
// under the schema and loaded without an error or a warning.

import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import {
  EXPECT_KEYS,
  FILTER_EXPECT_KEYS,
  GIVEN_KEYS,
  HTTP_EXPECT_KEYS,
  HTTP_KEYS,
  PLUGIN_GIVEN_KEYS,
  SCENARIO_KEYS,
  STEP_KEYS,
} from '../../src/lib/testing/load/index.js';
import { parseScenarioFile } from '../../src/lib/testing/index.js';
import { ROOT } from '../cli/helpers.js';
import { refsOf, validate } from './json-schema.js';
import { removeTemps, tempDir } from './helpers.js';

afterAll(removeTemps);

const schema = JSON.parse(readFileSync(join(ROOT, 'schemas', 'scenario.schema.json'), 'utf8')) as Record<string, unknown>;
const defs = schema.definitions as Record<string, { properties?: Record<string, unknown> }>;
const keysOf = (def: string) => Object.keys(defs[def]!.properties ?? {}).sort();

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Scenario tests'), readme.indexOf('\n## ', readme.indexOf('## Scenario tests') + 3));
const jsonBlocks = [...section.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!) as unknown);

describe('the schema', () => {
  it('every $ref resolves', () => {
    for (const ref of refsOf(schema)) expect(defs[ref.replace('#/definitions/', '')], ref).toBeDefined();
  });

  it('names exactly the keys the loader reads', () => {
    expect(keysOf('scenario')).toEqual([...SCENARIO_KEYS].sort());
    expect(keysOf('given')).toEqual([...GIVEN_KEYS].sort());
    expect(keysOf('pluginGiven')).toEqual([...PLUGIN_GIVEN_KEYS].sort());
    expect(keysOf('step')).toEqual([...STEP_KEYS].sort());
    expect(keysOf('httpStep')).toEqual([...HTTP_KEYS].sort());
    expect(keysOf('httpExpect')).toEqual([...HTTP_EXPECT_KEYS].sort());
    expect(keysOf('filterExpect')).toEqual([...FILTER_EXPECT_KEYS].sort());
    expect(keysOf('expect')).toEqual([...EXPECT_KEYS, 'plugins'].sort());
  });

  it('refuses what the loader refuses', () => {
    const scenarios = (s: unknown) => validate(schema, [{ name: 'x', ...(s as object) }]);
    expect(scenarios({ events: [{ event: 'a', filter: 'b' }] })).not.toEqual([]);
    expect(scenarios({ events: [{ event: 'a', expect: { action: 'pass' } }] })).not.toEqual([]);
    expect(scenarios({ events: [{ http: { method: 'GET' } }] })).not.toEqual([]);
    expect(scenarios({ events: [{ filter: 'x', expect: { action: 'block' } }] })).not.toEqual([]);
    expect(scenarios({ given: { kv: { n: 1 } } })).not.toEqual([]);
    expect(scenarios({ given: { fs: { '/abs': 'x' } } })).not.toEqual([]);
    expect(scenarios({ expect: { chatSend: [] } })).not.toEqual([]);
    expect(validate(schema, [{ events: [] }])).not.toEqual([]);
    expect(scenarios({ events: [{ event: 'a' }, { advance: '2s' }, { command: '!x' }, { emit: 'a.b' }] })).toEqual([]);
  });
});

describe('the README', () => {
  it('documents every key with backticks in its "Scenario tests" section', () => {
    const keys = new Set([...SCENARIO_KEYS, ...GIVEN_KEYS, ...STEP_KEYS, ...HTTP_KEYS, ...HTTP_EXPECT_KEYS, ...FILTER_EXPECT_KEYS, ...EXPECT_KEYS]);
    const missing = [...keys].filter((k) => !section.includes(`\`${k}\``) && !section.includes(`\`${k}\`,`));
    expect(missing).toEqual([]);
  });

  it('has an example for the file, the steps, given, expect and several plugins', () => {
    expect(jsonBlocks).toHaveLength(5);
  });

  it('every example is valid under the schema and loads without errors or warnings', async () => {
    const root = await tempDir('ocp-readme-');
    await mkdir(join(root, 'project'), { recursive: true });
    await mkdir(join(root, 'announcer'), { recursive: true });
    const [file, steps, given, expectations, multi] = jsonBlocks as [object, object[], object, object, object];
    const documents: [string, unknown][] = [
      ['file', file],
      ['steps', [{ name: 'steps', events: steps }]],
      ['given', [{ name: 'given', plugins: ['../announcer'], given }]],
      ['expect', [{ name: 'expect', plugins: ['../announcer'], expect: expectations }]],
      ['several plugins', [multi]],
    ];
    for (const [what, doc] of documents) {
      expect(validate(schema, doc), what).toEqual([]);
      const parsed = parseScenarioFile(JSON.stringify(doc), { file: 'x', displayPath: 'x', projectDir: join(root, 'project') });
      expect(parsed.issues, what).toEqual([]);
    }
  });
});
