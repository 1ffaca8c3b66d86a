// One scenario file: parsed with positions, validated as a whole (every problem at once), and
// turned into Scenario objects. A file is a JSON array of scenarios (the reference's shape),
// or an object {"$schema"?, "scenarios": [...]} so that editors can be pointed at the schema.

import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

import { JsonSyntaxError, parseJson, type JsonNode } from '../../manifest/json.js';
import type { Scenario, ScenarioFile } from '../scenario.js';
import { readExpectations } from './expect.js';
import { readGiven } from './given.js';
import { Reader, type Issue } from './reader.js';
import { readStep } from './steps.js';

export const SCENARIO_KEYS = ['name', 'plugins', 'given', 'events', 'expect'] as const;

export interface ParsedFile {
  /** Set when there were no errors. */
  file: ScenarioFile | null;
  issues: Issue[];
}

/** Parses and validates a scenario file's text. `projectDir` resolves `plugins` entries. */
export function parseScenarioFile(source: string, where: { file: string; displayPath: string; projectDir: string }): ParsedFile {
  let root: JsonNode;
  try {
    root = parseJson(source);
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    return { file: null, issues: [{ severity: 'error', message: `invalid JSON: ${err.message}`, pointer: '', offset: err.offset }] };
  }
  const issues: Issue[] = [];
  const top = new Reader(root, '', issues);
  let list: Reader | undefined = top;
  if (top.kind === 'object') {
    top.unknownKeys(['$schema', 'scenarios'], 'the file');
    list = top.member('scenarios');
    if (!list) top.error('a scenario file is an array of scenarios, or an object with "scenarios"');
  }
  const scenarios: Scenario[] = [];
  if (list?.expectKind('an array of scenarios', 'array')) {
    const names = new Map<string, number>();
    list.items().forEach((item, index) => {
      const scenario = readScenario(item, index, source, where.projectDir);
      if (!scenario) return;
      const earlier = names.get(scenario.name);
      if (earlier !== undefined) item.member('name')!.warn(`scenario ${index + 1} has the same name as scenario ${earlier + 1}: --filter and reports cannot tell them apart`);
      else names.set(scenario.name, index);
      scenarios.push(scenario);
    });
  }
  const failed = issues.some((i) => i.severity === 'error');
  return { file: failed ? null : { ...where, source, scenarios }, issues };
}

function readScenario(r: Reader, index: number, source: string, projectDir: string): Scenario | undefined {
  if (!r.expectKind('an object (a scenario)', 'object')) return undefined;
  r.unknownKeys(SCENARIO_KEYS, 'a scenario');
  const nameNode = r.member('name');
  const name = nameNode?.kind === 'string' ? nameNode.string() : undefined;
  if (!name) {
    (nameNode ?? r).error(`scenario ${index + 1} has no name`);
  }
  const plugins = readPlugins(r.present('plugins'), projectDir);
  const givenNode = r.present('given');
  const given = givenNode ? readGiven(givenNode, source) : {};
  const eventsNode = r.present('events');
  const steps = eventsNode ? eventsNode.array((step, i) => readStep(step, i), 'an array of steps') : [];
  if (eventsNode === undefined && r.present('steps')) r.member('steps')!.warn('the step list is called "events" (whatever the step types are)');
  const expectNode = r.present('expect');
  const expect = expectNode ? (readExpectations(expectNode, source) ?? null) : null;
  if (!name || !plugins || !given || !steps) return undefined;
  return { name, index, pointer: r.pointer, plugins, given, steps, expect };
}

/** Other plugin projects, relative to the project under test; each must be a directory. */
function readPlugins(r: Reader | undefined, projectDir: string): string[] | undefined {
  if (!r) return [];
  return r.array((item) => {
    const rel = item.string();
    if (rel === undefined) return undefined;
    const dir = resolve(projectDir, rel);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) return item.error(`plugin directory "${rel}" does not exist (relative to ${projectDir})`);
    if (dir === resolve(projectDir)) return item.error('the project under test is always loaded; list only the other plugins');
    return dir;
  }, 'an array of plugin project directories');
}
