// A watch's events for people: the status line (watching / building / built in N ms / error:
// N problems, with what the build was handed to), and above it what needs reading: a failed
// build's errors with their code frames, new warnings, failing scenarios, type errors.

import { createPainter, formatDuration } from '../cli/format.js';
import { renderDiagnostic, renderError, renderWarnings } from '../cli/render-error.js';
import { PrettyReporter, renderSummary } from '../testing/report/pretty.js';
import type { WatchEvent } from './events.js';
import type { WatchScreen } from './screen.js';

const TARGET_LABEL = { serve: 'dev server', simulate: 'simulator' } as const;

export interface WatchRendererOptions {
  color: boolean;
  /** Plain lines (off a terminal, or the simulator's log pane) rather than one line rewritten in place. */
  plain: boolean;
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
          screen.print(renderError(e.error, { color: opts.color }));
          part(`${p.red('✖')} error: ${e.problems} problem${e.problems === 1 ? '' : 's'} ${p.dim(everBuilt ? '(the last good build keeps running)' : '(nothing built yet)')}`);
          return;
        }
        const warnings = renderWarnings(e.warnings, { color: opts.color });
        if (warnings !== warningsShown) {
          screen.print(warnings);
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
          screen.print(renderError(e.error, { color: opts.color }));
          part(`${p.red('✖')} the ${where} could not load ${e.slug}`);
          return;
        }
        const since = e.sinceChangeMs === undefined ? '' : p.dim(` (saved → running ${formatDuration(e.sinceChangeMs)})`);
        part(`reloaded in the ${where} in ${formatDuration(e.durationMs)}${since}`);
        return;
      }
      case 'test': {
        if (!e.ok) {
          screen.print(renderError(e.error, { color: opts.color }));
          part(`${p.red('✖')} scenarios could not run`);
          return;
        }
        const r = e.result;
        const pretty = new PrettyReporter({ color: opts.color });
        const failed = r.scenarios.filter((s) => s.status === 'failed').map((s) => pretty.scenario(s)).join('');
        screen.print(`${renderWarnings(r.warnings, { color: opts.color })}${failed}${renderSummary(r, p).trimStart()}`);
        part(r.ok ? `${p.green(`${r.passed} passed`)}` : p.red(`${r.failed} failed`));
        return;
      }
      case 'typecheck': {
        const shown = e.diagnostics.map((d) => renderDiagnostic(d, p)).join('\n\n');
        if (shown !== typeErrorsShown) {
          if (e.problems > 0) screen.print(`${p.yellow(`type errors (${e.problems}); the build still runs:`)}\n\n${shown}\n`);
          else if (typeErrors > 0) screen.print(`${p.green('✔')} no type errors\n`);
          typeErrorsShown = shown;
        }
        typeErrors = e.problems;
        if (opts.plain && e.problems > 0) screen.status(typeNote());
        return;
      }
      case 'serving':
        screen.print(`dev server on ${e.url}/ (state in ${e.stateDir})\n`);
        return;
      case 'simulating':
        screen.print(`simulating ${e.plugins.join(', ')}\n`);
        return;
      case 'waiting':
        screen.print(`${e.what}\n`);
        return;
      case 'watching': {
        const note = typeNote();
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

/** Changed files for the status line: the first few, then how many more. */
function listChanged(paths: string[]): string {
  const shown = paths.slice(0, 3).join(', ');
  return paths.length > 3 ? `${shown} and ${paths.length - 3} more` : shown;
}
