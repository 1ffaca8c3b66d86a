// A watch's events for people: the status line (watching / building / built in N ms / error:
// N problems, with what the build was handed to), and above it what needs reading: a failed
// build's errors with their code frames, new warnings, failing scenarios, type errors.

import { createPainter, formatDuration } from '../cli/format.js';
import { formatLocation, renderDiagnostic, renderError, renderWarnings } from '../cli/render-error.js';
import { toKnownError, type Diagnostic } from '../errors.js';
import { PrettyReporter, renderSummary } from '../testing/report/pretty.js';
import type { WatchEvent } from './events.js';
import type { WatchScreen } from './screen.js';

const TARGET_LABEL = { serve: 'dev server', simulate: 'simulator' } as const;

export interface WatchRendererOptions {
  color: boolean;
  /** Plain lines (off a terminal, or the simulator's log pane) rather than one line rewritten in place. */
  plain: boolean;
  /**
   * One line per thing, for the simulator's small log pane: an error is its first location
   * and message (no code frame), and a round's end is not a line of its own.
   */
  compact?: boolean;
}

/** Returns the function that shows each event on `screen`. */
export function createWatchRenderer(screen: WatchScreen, opts: WatchRendererOptions): (event: WatchEvent) => void {
  const p = createPainter(opts.color);
  /** What this round did so far, for the status line. */
  let round: string[] = [];
  let failing = false;
  let everBuilt = false;
  let warningsShown = '';
  let typeErrors = 0;
  let typeErrorsShown = '';

  // off a terminal each part of a round is its own line; on one they add up on the status line
  const part = (text: string) => {
    round.push(text);
    screen.status(opts.plain ? text : round.join(p.dim(' · ')));
  };
  const compact = opts.compact ?? false;
  const showError = (error: unknown) => screen.print(compact ? `${p.red('✖')} ${oneLine(error)}` : renderError(error, { color: opts.color }));
  /** Compact: one line per diagnostic. */
  const showLines = (label: string, ds: Diagnostic[]) => {
    if (ds.length > 0) screen.print(ds.map((d) => `${label} ${located(d)}`).join('\n'));
  };
  const typeNote = () => (typeErrors > 0 ? p.yellow(`${typeErrors} type error${typeErrors === 1 ? '' : 's'}`) : '');

  return (e) => {
    switch (e.type) {
      case 'building':
        round = [];
        part(`${p.cyan('◌')} building${e.changed.length > 0 ? ` ${p.dim(`(${listChanged(e.changed)})`)}` : ''}…`);
        return;
      case 'build': {
        round = [];
        if (!e.ok) {
          failing = true;
          showError(e.error);
          part(`${p.red('✖')} error: ${e.problems} problem${e.problems === 1 ? '' : 's'} ${p.dim(everBuilt ? '(the last good build keeps running)' : '(nothing built yet)')}`);
          return;
        }
        const warnings = renderWarnings(e.warnings, { color: opts.color });
        if (warnings !== warningsShown) {
          if (compact) showLines(p.yellow('warning:'), e.warnings);
          else screen.print(warnings);
          warningsShown = warnings;
        }
        part(`${p.green('✔')} built ${p.bold(e.slug)} in ${formatDuration(e.durationMs)}${failing ? ' (fixed)' : ''}`);
        failing = false;
        everBuilt = true;
        return;
      }
      case 'reload': {
        const where = TARGET_LABEL[e.to];
        if (!e.ok) {
          showError(e.error);
          part(`${p.red('✖')} the ${where} could not load ${e.slug}`);
          return;
        }
        // off a terminal the line has room for how long the save took to be running
        const since = e.sinceChangeMs === undefined || !opts.plain ? '' : p.dim(` (saved → running ${formatDuration(e.sinceChangeMs)})`);
        part(`reloaded in the ${where} in ${formatDuration(e.durationMs)}${since}`);
        return;
      }
      case 'test': {
        if (!e.ok) {
          showError(e.error);
          part(`${p.red('✖')} scenarios could not run`);
          return;
        }
        const r = e.result;
        if (compact) {
          const failed = r.scenarios.filter((s) => s.status === 'failed');
          screen.print([...failed.map((s) => `${p.red('✖')} ${s.file} :: ${s.name}: ${s.failures[0]?.message ?? 'failed'}`), renderSummary(r, p).trim()].join('\n'));
          return;
        }
        const pretty = new PrettyReporter({ color: opts.color });
        const failed = r.scenarios.filter((s) => s.status === 'failed').map((s) => pretty.scenario(s)).join('');
        screen.print(`${renderWarnings(r.warnings, { color: opts.color })}${failed}${renderSummary(r, p).trimStart()}`);
        // off a terminal the summary line just printed says it
        if (!opts.plain) part(r.ok ? `${p.green(`${r.passed} passed`)}` : p.red(`${r.failed} failed`));
        return;
      }
      case 'typecheck': {
        const shown = e.diagnostics.map((d) => renderDiagnostic(d, p)).join('\n\n');
        if (shown !== typeErrorsShown) {
          if (e.problems > 0 && compact) showLines(p.yellow('type error:'), e.diagnostics);
          else if (e.problems > 0) screen.print(`${p.yellow(`type errors (${e.problems}); the build still runs:`)}\n\n${shown}\n`);
          else if (typeErrors > 0) screen.print(`${p.green('✔')} no type errors\n`);
          typeErrorsShown = shown;
        }
        typeErrors = e.problems;
        if (opts.plain && e.problems > 0) screen.status(typeNote());
        return;
      }
      case 'serving':
        // the command prints the server's banner (URLs, curl lines)
        return;
      case 'simulating':
        screen.print(`simulating ${e.plugins.join(', ')}\n`);
        return;
      case 'waiting':
        screen.print(`${e.what}\n`);
        return;
      case 'watching': {
        const note = typeNote();
        if (compact) return;
        if (opts.plain) {
          screen.status(`watching${e.failing ? ' (the last build failed)' : ''}`);
          return;
        }
        screen.status([...round, ...(note ? [note] : []), p.dim('watching (Ctrl-C to stop)')].join(p.dim(' · ')));
        return;
      }
    }
  };
}

/** A diagnostic on one line: `file:line:column: text`. */
function located(d: Diagnostic): string {
  const where = formatLocation(d);
  return where ? `${where}: ${d.text}` : d.text;
}

/** An error on one line: its first located problem (and how many more), else its message. */
function oneLine(error: unknown): string {
  const known = toKnownError(error);
  const first = known.kind === 'user' ? known.diagnostics[0] : undefined;
  if (!first) return known.message;
  const more = known.kind === 'user' && known.diagnostics.length > 1 ? ` (and ${known.diagnostics.length - 1} more)` : '';
  return `${located(first)}${more}`;
}

/** Changed files for the status line: the first few, then how many more. */
function listChanged(paths: string[]): string {
  const shown = paths.slice(0, 3).join(', ');
  return paths.length > 3 ? `${shown} and ${paths.length - 3} more` : shown;
}
