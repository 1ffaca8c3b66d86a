// One scenario, in the reference's order (J.8): a fresh host with the recording env and
// `given`, the plugins loaded (a failure is the scenario's, "load plugin: …"), each step in
// turn (failures accumulate), then the final expectations.

import { errorMessage } from '../../host/functions/common.js';
import type { LoadedSource } from '../../host/manager/index.js';
import { ScenarioHarness, type ScenarioSql } from '../harness/harness.js';
import type { Failure, ScenarioResult } from '../results.js';
import type { Scenario, ScenarioFile } from '../scenario.js';
import { checkExpectations } from './expectations.js';
import { runStep, stepLabel } from './steps.js';

export interface ScenarioInputs {
  file: ScenarioFile;
  scenario: Scenario;
  /** The plugin under test first, then the scenario's other plugins. */
  sources: LoadedSource[];
  sql?: ScenarioSql;
}

export async function runScenario({ file, scenario, sources, sql }: ScenarioInputs): Promise<ScenarioResult> {
  const started = performance.now();
  const failures: Failure[] = [];
  const result = (harness: ScenarioHarness | null): ScenarioResult => ({
    file: file.displayPath,
    name: scenario.name,
    index: scenario.index,
    status: failures.length === 0 ? 'passed' : 'failed',
    failures,
    durationMs: performance.now() - started,
    peakMemoryBytes: harness?.peakMemoryBytes() ?? 0,
    plugins: sources.map((s) => ({ slug: s.slug, peakMemoryBytes: harness?.peakMemoryBytes(s.slug) ?? 0 })),
    permissionWarnings: harness ? [...harness.permissionWarnings] : [],
    hostWarnings: harness ? [...harness.hostWarnings] : [],
  });

  let harness: ScenarioHarness;
  try {
    harness = await ScenarioHarness.create({ sources, given: scenario.given, ...(sql ? { sql } : {}) });
  } catch (err) {
    failures.push({ key: 'load', pointer: scenario.pointer, message: `load plugin: ${errorMessage(err)}` });
    return result(null);
  }
  try {
    for (const step of scenario.steps) {
      try {
        failures.push(...(await runStep(harness, step)));
      } catch (err) {
        failures.push({ key: stepLabel(step), pointer: step.pointer, message: errorMessage(err) });
      }
    }
    if (scenario.expect) failures.push(...checkExpectations(scenario.expect, harness));
    return result(harness);
  } finally {
    await harness.close();
  }
}
