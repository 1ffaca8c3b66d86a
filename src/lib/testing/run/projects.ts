// Getting each plugin project a run needs ready to load: built first when its sources are
// newer than dist/ (the check `serve` uses), then read. Anything that goes wrong here is a
// setup error (exit 2), not a failing scenario: no scenario of that project could run.

import type { Context } from '../../context.js';
import { buildIfStale } from '../../devserver/project-build.js';
import { UserError, isPluginError, isUserError } from '../../errors.js';
import { loadProjectSource, type LoadedSource } from '../../host/manager/index.js';
import { displayPath } from '../../manifest/load.js';
import type { ProjectBuild } from '../results.js';

export interface PreparedProjects {
  /** By absolute project directory. */
  sources: Map<string, LoadedSource>;
  builds: ProjectBuild[];
}

/** A failure while preparing `dir`, re-raised as a setup error (exit 2) that keeps the details. */
function setupError(ctx: Context, dir: string, doing: string, err: unknown): UserError {
  const shown = displayPath(ctx, dir) || '.';
  if (isUserError(err)) {
    return new UserError(`${doing} ${shown} failed: ${err.message}`, {
      code: err.code ?? 'TEST_SETUP',
      diagnostics: err.diagnostics,
      nextSteps: err.nextSteps,
      cause: err,
    });
  }
  const message = isPluginError(err) || err instanceof Error ? err.message : String(err);
  return new UserError(`${doing} ${shown} failed: ${message}`, { code: 'TEST_SETUP', cause: err });
}

/** Builds (when stale, unless `prebuilt` has it) and loads every directory, in order, once each. */
export async function prepareProjects(ctx: Context, dirs: Iterable<string>, prebuilt: readonly string[] = []): Promise<PreparedProjects> {
  const sources = new Map<string, LoadedSource>();
  const builds: ProjectBuild[] = [];
  for (const dir of dirs) {
    if (sources.has(dir)) continue;
    if (!prebuilt.includes(dir)) {
      try {
        const built = await buildIfStale(ctx, dir);
        if (built) builds.push({ dir, slug: built.slug, durationMs: built.durationMs });
      } catch (err) {
        throw setupError(ctx, dir, 'Building', err);
      }
    }
    try {
      sources.set(dir, await loadProjectSource(dir));
    } catch (err) {
      throw setupError(ctx, dir, 'Loading', err);
    }
  }
  return { sources, builds };
}
