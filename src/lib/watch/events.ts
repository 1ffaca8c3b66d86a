// What a watch reports, as plain data: the status line and the human output are drawn from
// these, and `--json` prints the outcomes one per line.

import { errorToJson, toKnownError, type Diagnostic } from '../errors.js';
import type { TestRunResult } from '../testing/results.js';

/** Where a good build is swapped in. */
export type ReloadTarget = 'serve' | 'simulate';

export type WatchEvent =
  /** Files changed; a build starts. */
  | { type: 'building'; changed: string[] }
  | {
      type: 'build';
      ok: true;
      slug: string;
      durationMs: number;
      /** What changed (empty for the first build). */
      changed: string[];
      warnings: Diagnostic[];
      files: { path: string; bytes: number }[];
    }
  /** The build failed; whatever runs keeps the last good build. */
  | { type: 'build'; ok: false; durationMs: number; changed: string[]; problems: number; error: unknown }
  | {
      type: 'reload';
      to: ReloadTarget;
      slug: string;
      ok: true;
      /** The swap itself. */
      durationMs: number;
      /** From the first file change of the batch to the new code running (absent for the first build). */
      sinceChangeMs?: number;
    }
  | { type: 'reload'; to: ReloadTarget; slug: string; ok: false; error: unknown }
  /** The scenarios ran (after a good build, or because a scenario file changed). */
  | { type: 'test'; ok: true; result: TestRunResult; changed: string[] }
  /** They could not run (a scenario file mid-edit, a project they name that does not build). */
  | { type: 'test'; ok: false; error: unknown; changed: string[] }
  /** The background type check of the code last bundled; it never holds a reload back. */
  | { type: 'typecheck'; problems: number; diagnostics: Diagnostic[]; durationMs: number }
  /** The dev server is up. */
  | { type: 'serving'; url: string; stateDir: string }
  /** The simulator is up, with these plugins. */
  | { type: 'simulating'; plugins: string[] }
  /** Something waits for a good build (the simulator, the scenarios). */
  | { type: 'waiting'; what: string }
  /** A round is over: everything is up to date, changes are watched. */
  | { type: 'watching'; slug: string | null; failing: boolean };

/** How many problems a failure is: its located diagnostics, else one. */
export function problemCount(error: unknown): number {
  const known = toKnownError(error);
  return known.kind === 'user' && known.diagnostics.length > 0 ? known.diagnostics.length : 1;
}

/**
 * The `--json` line for an event (null for progress that is not an outcome: building,
 * watching, waiting). Errors take the shape `--json` errors have everywhere (`errorToJson`).
 */
export function watchEventJson(e: WatchEvent): Record<string, unknown> | null {
  switch (e.type) {
    case 'building':
    case 'watching':
    case 'waiting':
      return null;
    case 'build':
      return e.ok ? { ...e } : { type: 'build', ok: false, durationMs: e.durationMs, changed: e.changed, problems: e.problems, ...errorToJson(e.error) };
    case 'reload':
      return e.ok ? { ...e } : { type: 'reload', to: e.to, slug: e.slug, ok: false, ...errorToJson(e.error) };
    case 'test': {
      if (!e.ok) return { type: 'test', ok: false, changed: e.changed, ...errorToJson(e.error) };
      const r = e.result;
      return {
        type: 'test',
        ok: r.ok,
        changed: e.changed,
        passed: r.passed,
        failed: r.failed,
        durationMs: Math.round(r.durationMs),
        failures: r.scenarios.filter((s) => s.status === 'failed').map((s) => ({ file: s.file, scenario: s.name, failures: s.failures })),
      };
    }
    default:
      return { ...e };
  }
}
