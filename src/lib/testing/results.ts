// What a test run produces, as plain data: reporters render it (pretty, json, junit, tap)
// and `--json` prints it as it is.

import type { Diagnostic } from '../errors.js';

/** One assertion that did not hold. */
export interface Failure {
  /** What was checked: an expect key ("chatSends"), "step 2 (filter)", or "load". */
  key: string;
  /** JSON pointer of the assertion in the scenario file. */
  pointer: string;
  /** What differs, in a sentence. */
  message: string;
  /** The whole expected and actual values of the key (for the diff); absent when there is none to show. */
  expected?: unknown;
  actual?: unknown;
}

export interface PluginUsage {
  slug: string;
  /** The largest linear memory the plugin's instance held during the scenario. */
  peakMemoryBytes: number;
}

export interface ScenarioResult {
  /** The scenario file as shown to the user. */
  file: string;
  name: string;
  /** Position in its file. */
  index: number;
  status: 'passed' | 'failed';
  failures: Failure[];
  durationMs: number;
  /** The plugin under test's peak memory. */
  peakMemoryBytes: number;
  /** Every plugin of the scenario (the one under test first). */
  plugins: PluginUsage[];
  /** Host calls made without the permission they need (they did nothing). */
  permissionWarnings: string[];
  /** Everything else the host warned about: failed calls, strikes, unmatched fixtures. */
  hostWarnings: string[];
}

export interface ProjectBuild {
  dir: string;
  slug: string;
  durationMs: number;
}

export interface TestRunResult {
  ok: boolean;
  passed: number;
  failed: number;
  durationMs: number;
  scenarios: ScenarioResult[];
  /** Projects built because dist/ was older than their sources. */
  builds: ProjectBuild[];
  /** Unknown keys and other ignored parts of the scenario files. */
  warnings: Diagnostic[];
  /** --bail stopped the run at the first failure. */
  bailed: boolean;
}
