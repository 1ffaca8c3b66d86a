// The reporters: pretty for people, json (the run's result object), junit for CI, tap.

import { jsonText } from '../match/values.js';
import type { TestRunResult } from '../results.js';

export { PrettyReporter, renderPretty, renderSummary, type PrettyOptions } from './pretty.js';
export { renderJunit, xmlEscape } from './junit.js';
export { renderTap } from './tap.js';
export { diffLines, jsonLines, renderDiff, type DiffLine } from './diff.js';

export const REPORTERS = ['pretty', 'json', 'junit', 'tap'] as const;
export type ReporterName = (typeof REPORTERS)[number];

/** The run as JSON: the TestRunResult itself. */
export function renderJson(run: TestRunResult): string {
  return `${jsonText(run, 2)}\n`;
}
