// Finding and loading a project's scenario files: `<project>/__tests__/*.test.json` in
// lexical order (A.4), or one file named directly. Every problem in every file is reported at
// once, each with file, line:column, JSON pointer, scenario and step, as one setup error.

import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

import { codeFrame } from '../../cli/code-frame.js';
import type { Context } from '../../context.js';
import { UserError, type Diagnostic } from '../../errors.js';
import { displayPath } from '../../manifest/load.js';
import { LineIndex, parseJson, type JsonNode } from '../../manifest/json.js';
import type { ScenarioFile } from '../scenario.js';
import { parseScenarioFile } from './file.js';
import type { Issue } from './reader.js';

export { parseScenarioFile, SCENARIO_KEYS } from './file.js';
export { EXPECT_KEYS } from './expect.js';
export { GIVEN_KEYS, PLUGIN_GIVEN_KEYS } from './given.js';
export { FILTER_EXPECT_KEYS, HTTP_EXPECT_KEYS, HTTP_KEYS, STEP_KEYS, STEP_TYPES } from './steps.js';

export const TESTS_DIR = '__tests__';
export const SCENARIO_SUFFIX = '.test.json';

export interface LoadedScenarios {
  files: ScenarioFile[];
  /** Unknown keys and other things that were ignored. */
  warnings: Diagnostic[];
}

/** A project directory, or one `.test.json` file: its project is the directory above `__tests__`. */
export interface TestTarget {
  projectDir: string;
  files: string[];
}

/** Resolves a command-line path to the project and scenario files it means (setup errors throw). */
export async function resolveTestTarget(ctx: Context, path: string): Promise<TestTarget> {
  const abs = resolve(ctx.cwd, path);
  const st = await stat(abs).catch(() => null);
  if (!st) throw new UserError(`${path} does not exist`, { code: 'TEST_TARGET_NOT_FOUND' });
  if (st.isFile()) {
    if (!abs.endsWith(SCENARIO_SUFFIX)) throw new UserError(`${path} is not a scenario file (*${SCENARIO_SUFFIX})`, { code: 'TEST_TARGET_INVALID' });
    const dir = dirname(abs);
    return { projectDir: basename(dir) === TESTS_DIR ? dirname(dir) : dir, files: [abs] };
  }
  const testsDir = join(abs, TESTS_DIR);
  const names = await readdir(testsDir).catch(() => null);
  const files = (names ?? []).filter((n) => n.endsWith(SCENARIO_SUFFIX)).sort();
  if (files.length === 0) {
    throw new UserError(`No scenario files in ${displayPath(ctx, testsDir) || TESTS_DIR}`, {
      code: 'NO_SCENARIOS',
      nextSteps: [`Write scenarios in ${join(displayPath(ctx, abs) || '.', TESTS_DIR, `<name>${SCENARIO_SUFFIX}`)} (see the README's "Scenario tests")`],
    });
  }
  return { projectDir: abs, files: files.map((n) => join(testsDir, n)) };
}

/** Reads and validates scenario files; throws one UserError (exit 2) listing every error. */
export async function loadScenarioFiles(ctx: Context, targets: TestTarget[]): Promise<LoadedScenarios> {
  const files: ScenarioFile[] = [];
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  for (const target of targets) {
    for (const file of target.files) {
      const source = await readFile(file, 'utf8').catch((err: Error) => {
        throw new UserError(`Cannot read ${displayPath(ctx, file)}: ${err.message}`, { code: 'SCENARIO_UNREADABLE', cause: err });
      });
      const shown = displayPath(ctx, file);
      const parsed = parseScenarioFile(source, { file, displayPath: shown, projectDir: target.projectDir });
      for (const issue of parsed.issues) (issue.severity === 'error' ? errors : warnings).push(issueDiagnostic(issue, source, shown));
      if (parsed.file) files.push(parsed.file);
    }
  }
  if (errors.length > 0) {
    const n = errors.length;
    throw new UserError(`${n} error${n === 1 ? '' : 's'} in scenario files`, {
      code: 'SCENARIO_INVALID',
      diagnostics: errors,
      nextSteps: ['Fix the scenario files; schemas/scenario.schema.json describes every key'],
    });
  }
  return { files, warnings };
}

/** An issue as a located diagnostic: "scenario 2 "greets", step 3: <message>". */
export function issueDiagnostic(issue: Issue, source: string, file: string): Diagnostic {
  const { line, column } = new LineIndex(source).position(issue.offset);
  const where = describePointer(source, issue.pointer);
  return {
    text: where ? `${where}: ${issue.message}` : issue.message,
    file,
    line,
    column,
    pointer: issue.pointer,
    frame: codeFrame(source, line, column),
  };
}

/** The scenario (by number and name) and step a pointer falls in, for humans. */
function describePointer(source: string, pointer: string): string {
  const tokens = pointer.split('/').slice(1);
  if (tokens[0] === 'scenarios') tokens.shift();
  if (tokens.length === 0 || !/^\d+$/.test(tokens[0]!)) return '';
  const index = Number(tokens[0]);
  let name: string | undefined;
  try {
    const root = parseJson(source);
    const list: JsonNode | undefined = root.type === 'object' ? root.members.findLast((m) => m.key === 'scenarios')?.value : root;
    const scenario = list?.type === 'array' ? list.items[index] : undefined;
    const nameNode = scenario?.type === 'object' ? scenario.members.findLast((m) => m.key === 'name')?.value : undefined;
    if (nameNode?.type === 'string' && nameNode.value) name = nameNode.value;
  } catch {
    // the text does not parse: no names to show
  }
  let text = `scenario ${index + 1}${name ? ` ${JSON.stringify(name)}` : ''}`;
  if (tokens[1] === 'events' && tokens[2] !== undefined && /^\d+$/.test(tokens[2])) text += `, step ${Number(tokens[2]) + 1}`;
  return text;
}
