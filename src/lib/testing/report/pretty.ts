// The human report: one line per scenario as it finishes (time and the plugin's peak memory),
// failures with where they were asserted and a coloured diff of expected vs actual, warnings
// about ungranted host calls, and the closing line `N passed, N failed`.
//
//   __tests__/greet.test.json
//     ✔ greets by name  12 ms  1.51 MB
//     ✖ counts messages  9 ms  1.51 MB
//         kv: "count:alice": expected "2", got "1"  (at /1/expect/kv/count:alice)
//         - expected  + actual
//           {
//         -   "count:alice": "2"
//         +   "count:alice": "1"
//           }
//
//   1 passed, 1 failed

import { createPainter, formatBytes, formatDuration, type Painter } from '../../cli/format.js';
import type { ScenarioResult, TestRunResult } from '../results.js';
import { renderDiff } from './diff.js';

export interface PrettyOptions {
  color: boolean;
}

/** Streams the pretty report: call `scenario` as each finishes and `summary` at the end. */
export class PrettyReporter {
  readonly #paint: Painter;
  #lastFile: string | null = null;

  constructor(opts: PrettyOptions) {
    this.#paint = createPainter(opts.color);
  }

  /** The lines for one finished scenario (with its file's heading when the file changed). */
  scenario(result: ScenarioResult): string {
    const p = this.#paint;
    const lines: string[] = [];
    if (result.file !== this.#lastFile) {
      if (this.#lastFile !== null) lines.push('');
      lines.push(p.bold(result.file));
      this.#lastFile = result.file;
    }
    const mark = result.status === 'passed' ? p.green('✔') : p.red('✖');
    const stats = p.dim(`${formatDuration(result.durationMs)}  ${formatBytes(result.peakMemoryBytes)}`);
    lines.push(`  ${mark} ${result.name}  ${stats}`);
    for (const f of result.failures) {
      lines.push(`      ${p.red(`${f.key}:`)} ${f.message}${f.pointer ? `  ${p.dim(`(at ${f.pointer})`)}` : ''}`);
      if ('expected' in f || 'actual' in f) lines.push(...renderDiff(f.expected, f.actual, p, '      '));
    }
    for (const w of result.permissionWarnings) lines.push(`      ${p.yellow('⚠')} ${w}`);
    // what the host logged explains a failure (a plugin that threw, a fetch no fixture answered)
    if (result.status === 'failed') for (const w of result.hostWarnings) lines.push(`      ${p.dim(`host: ${w}`)}`);
    return `${lines.join('\n')}\n`;
  }

  /** The closing lines. */
  summary(run: TestRunResult): string {
    return renderSummary(run, this.#paint);
  }
}

/** `N passed, N failed` (and why the run stopped early), after a blank line. */
export function renderSummary(run: TestRunResult, paint: Painter = createPainter(false)): string {
  const counts = `${paint[run.passed > 0 ? 'green' : 'dim'](`${run.passed} passed`)}, ${paint[run.failed > 0 ? 'red' : 'dim'](`${run.failed} failed`)}`;
  const bail = run.bailed ? `${paint.yellow('stopped at the first failure (--bail)')}\n` : '';
  return `\n${bail}${counts}\n`;
}

/** The whole report at once (for a finished run). */
export function renderPretty(run: TestRunResult, opts: PrettyOptions): string {
  const reporter = new PrettyReporter(opts);
  return run.scenarios.map((s) => reporter.scenario(s)).join('') + reporter.summary(run);
}
