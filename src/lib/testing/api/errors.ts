// The errors the JS test API throws, with messages that stand on their own in a test runner's
// output: every located problem of an invalid `given` or scenario list, and for expectations
// that do not hold, each failing key with its JSON pointer and a diff of expected vs actual.

import { createPainter } from '../../cli/format.js';
import { renderDiagnostic } from '../../cli/render-error.js';
import { isPluginError, isUserError, type Diagnostic } from '../../errors.js';
import { errorMessage } from '../../host/functions/common.js';
import { renderDiff } from '../report/diff.js';
import type { Failure } from '../results.js';

/**
 * Nothing could run: an invalid `given`, expectation or scenario, a project that does not
 * build, a plugin that does not load. `diagnostics` locates each problem (JSON pointer, and
 * file:line:column where there is a file).
 */
export class TestSetupError extends Error {
  readonly code: string | undefined;
  readonly diagnostics: Diagnostic[];

  constructor(message: string, options: { code?: string; diagnostics?: Diagnostic[]; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TestSetupError';
    this.code = options.code;
    this.diagnostics = options.diagnostics ?? [];
  }
}

/** Anything the library threw while setting up, as a TestSetupError whose message lists the details. */
export function setupError(err: unknown): TestSetupError {
  if (err instanceof TestSetupError) return err;
  if (isUserError(err)) {
    const paint = createPainter(false);
    const lines = [err.message, ...err.diagnostics.map((d) => renderDiagnostic(d, paint)), ...err.nextSteps.map((s) => `• ${s}`)];
    return new TestSetupError(lines.join('\n'), { code: err.code, diagnostics: err.diagnostics, cause: err });
  }
  if (isPluginError(err)) {
    const stack = err.pluginStack ? `\n${err.pluginStack}` : '';
    return new TestSetupError(`plugin "${err.slug}" failed in ${err.exportName}: ${err.message}${stack}`, { code: 'PLUGIN_FAILED', cause: err });
  }
  return new TestSetupError(errorMessage(err), { code: 'TEST_SETUP', cause: err });
}

/** Each failure as the pretty reporter shows it: "key: message (at /pointer)" and a diff. */
export function renderFailures(failures: readonly Failure[]): string {
  const paint = createPainter(false);
  const lines: string[] = [];
  for (const f of failures) {
    lines.push(`${f.key}: ${f.message}${f.pointer ? `  (at ${f.pointer})` : ''}`);
    if ('expected' in f || 'actual' in f) lines.push(...renderDiff(f.expected, f.actual, paint, '  '));
  }
  return lines.join('\n');
}

/**
 * Expectations that did not hold (`harness.assert`). With one failing key, `expected` and
 * `actual` are that key's whole values, so test runners that show a diff for them (vitest,
 * jest, mocha) do.
 */
export class ExpectationError extends Error {
  readonly failures: Failure[];
  readonly expected?: unknown;
  readonly actual?: unknown;
  readonly showDiff: boolean;

  constructor(failures: Failure[]) {
    const n = failures.length;
    super(`${n} expectation${n === 1 ? '' : 's'} did not hold\n${renderFailures(failures)}`);
    this.name = 'ExpectationError';
    this.failures = failures;
    const only = n === 1 ? failures[0] : undefined;
    this.showDiff = only !== undefined && 'expected' in only;
    if (this.showDiff) {
      this.expected = only!.expected;
      this.actual = only!.actual;
    }
  }
}
