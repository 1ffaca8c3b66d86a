// Scenario tests (issue 5, reference-plugin-sdk §J): load `__tests__/*.test.json`, run each
// scenario on a fresh host, and report. `owncast-plugin test` is a thin command over
// runTests/watchTests; ScenarioHarness and openHarness are what a JS test API wraps.

export type * from './scenario.js';
export type * from './results.js';
export { loadScenarioFiles, parseScenarioFile, resolveTestTarget, SCENARIO_SUFFIX, TESTS_DIR, type LoadedScenarios, type TestTarget } from './load/index.js';
export { ScenarioHarness, sharedScenarioSql, type HarnessOptions, type ScenarioSql } from './harness/harness.js';
export { openHarness, parseGiven, type OpenHarnessOptions } from './harness/open.js';
export type { HttpStepReply, HttpStepRequest } from './harness/http-client.js';
export type { RecordedEmit, RecordedLog } from './harness/effects.js';
export type { RecordedRequest } from './harness/fixture-http.js';
export { runScenario, type ScenarioInputs } from './run/scenario.js';
export { runTests, scenarioSelected, type TestRunOptions } from './run/index.js';
export { checkExpectations } from './run/expectations.js';
export { watchTests, type TestWatcher, type TestWatchOptions, type WatchOutcome } from './watch.js';
export * from './report/index.js';
