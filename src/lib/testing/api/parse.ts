// Plain objects a JS test passes (a `given`, an `expect`) read with the scenario loader's own
// rules, so they mean exactly what they mean in a `.test.json` file. Every problem is reported
// at once with its JSON pointer; unlike in a file, an unknown key is an error here, since a
// misspelt key would otherwise silently set or check nothing.

import { UserError } from '../../errors.js';
import { parseJson } from '../../manifest/json.js';
import { issueDiagnostic } from '../load/index.js';
import { readExpectations } from '../load/expect.js';
import { readGiven } from '../load/given.js';
import { Reader, type Issue } from '../load/reader.js';
import type { Expectations, Given } from '../scenario.js';
import { setupError } from './errors.js';

function readObject<T>(value: unknown, name: 'given' | 'expect', read: (r: Reader, source: string) => T | undefined): T {
  const source = JSON.stringify(value ?? {}, null, 2);
  const issues: Issue[] = [];
  const out = read(new Reader(parseJson(source), `/${name}`, issues), source);
  if (issues.length > 0 || out === undefined) {
    const diagnostics = issues.map((i) => issueDiagnostic({ ...i, message: i.message.replace(' (ignored)', '') }, source, name));
    throw setupError(new UserError(`invalid ${name}`, { code: 'SCENARIO_INVALID', diagnostics }));
  }
  return out;
}

/** A `given` object, validated like a scenario file's (a TestSetupError lists every problem). */
export function parseGiven(value: unknown): Given {
  return readObject(value, 'given', readGiven);
}

/** An `expect` object, validated like a scenario file's final `expect`. */
export function parseExpectations(value: unknown): Expectations {
  return readObject(value, 'expect', (r, source) => readExpectations(r, source));
}
