// The JS test API (issue 5 item 5), published as `owncast-plugin/testing` (and, for test files
// written for the reference SDK, `@owncast/plugin-sdk/testing`): loadPlugin for step-by-step
// tests in vitest or any runner, and runScenarios / runScenarioFiles as the reference's
// `__tests__/*.test.js` use them.

export { loadPlugin, PluginHarness } from './harness.js';
export type { CommandOutcome, CommandUser, Delivery, EventOutcome, FilterOutcome, HttpRequestInit, HttpResponse, LoadPluginOptions } from './harness.js';
export { runScenarioFiles, runScenarios, testScenarios } from './scenarios.js';
export type { RunScenariosOptions, TestScenariosOptions, TextSink } from './scenarios.js';
export { ExpectationError, TestSetupError } from './errors.js';
export type * from './effects.js';
export type * from './types.js';
export type { Failure, ScenarioResult, TestRunResult } from '../results.js';
