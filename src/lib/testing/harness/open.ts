// The entry a JS test API builds on (issue 5 item 5): load plugin projects (built first when
// stale) into a fresh ScenarioHarness with a `given` written as a plain object, validated
// exactly as a scenario file's `given` is.

import { resolve } from 'node:path';

import { createContext, type Context } from '../../context.js';
import { UserError } from '../../errors.js';
import { parseJson } from '../../manifest/json.js';
import { issueDiagnostic } from '../load/index.js';
import { readGiven } from '../load/given.js';
import { Reader, type Issue } from '../load/reader.js';
import { prepareProjects } from '../run/projects.js';
import type { Given } from '../scenario.js';
import { ScenarioHarness } from './harness.js';

/** Validates a `given` object; throws a UserError listing every problem with its JSON pointer. */
export function parseGiven(value: unknown): Given {
  const source = JSON.stringify(value ?? {}, null, 2);
  const issues: Issue[] = [];
  const given = readGiven(new Reader(parseJson(source), '/given', issues), source);
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length > 0 || !given) {
    throw new UserError('invalid given', { code: 'SCENARIO_INVALID', diagnostics: errors.map((i) => issueDiagnostic(i, source, 'given')) });
  }
  return given;
}

export interface OpenHarnessOptions {
  /** The plugin project under test. */
  dir: string;
  /** Other plugin projects loaded beside it (emits reach them). */
  plugins?: string[];
  /** The starting state, as a scenario's `given`. */
  given?: unknown;
  /** Where paths resolve and build progress goes; default the process's, with logs at warn. */
  ctx?: Context;
}

/** Builds what is stale, then loads the projects into a fresh harness. Close it in `finally`. */
export async function openHarness(opts: OpenHarnessOptions): Promise<ScenarioHarness> {
  const ctx = opts.ctx ?? createContext({ logLevel: 'warn' });
  const dirs = [opts.dir, ...(opts.plugins ?? [])].map((d) => resolve(ctx.cwd, d));
  const given = parseGiven(opts.given);
  const { sources } = await prepareProjects(ctx, dirs);
  return ScenarioHarness.create({ sources: dirs.map((d) => sources.get(d)!), given });
}
