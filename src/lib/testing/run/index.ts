// `owncast-plugin test` as a library: resolve the paths, load and validate every scenario
// file, build what is stale, then run the selected scenarios one at a time (each on its own
// host) and return the results as data. Setup problems throw UserErrors (exit 2); failing
// scenarios are results (exit 1 is the command's call).

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Context } from '../../context.js';
import { UserError } from '../../errors.js';
import { compileWasm, loadEngineModule } from '../../host/engine-module.js';
import { ScenarioHarness, sharedScenarioSql, type ScenarioSql } from '../harness/harness.js';
import type { LoadedSource } from '../../host/manager/index.js';
import { loadScenarioFiles, resolveTestTarget } from '../load/index.js';
import { isRegexString, stringMatcher } from '../match/strings.js';
import type { ScenarioResult, TestRunResult } from '../results.js';
import type { Scenario, ScenarioFile } from '../scenario.js';
import { prepareProjects } from './projects.js';
import { runScenario } from './scenario.js';

export interface TestRunOptions {
  /** Project directories or single `.test.json` files; default the current directory. */
  paths?: string[];
  /**
   * Only scenarios whose name (or "<file> :: <name>") contains this text, case-insensitively;
   * `/.../` is a regular expression.
   */
  filter?: string;
  /** Stop at the first failing scenario. */
  bail?: boolean;
  /** Told about each scenario as it finishes (progress, streaming reporters). */
  onScenario?(result: ScenarioResult): void;
  /** Told which scenario files were loaded (watch mode follows the plugin directories they name). */
  onLoaded?(files: ScenarioFile[]): void;
  /** storage.sql for the scenarios (kept open afterwards); default one for this run, closed at its end. */
  sql?: ScenarioSql;
  /** Scenario files already parsed (the JS API's inline scenarios): run these, and read no paths. */
  files?: ScenarioFile[];
  /** Project directories (absolute) loaded from dist/ as they are, never built here (`watch --test` builds them). */
  prebuilt?: string[];
}

/** Whether a scenario is selected by --filter. */
export function scenarioSelected(filter: string | undefined, file: ScenarioFile, scenario: Scenario): boolean {
  if (filter === undefined || filter === '') return true;
  const label = `${file.displayPath} :: ${scenario.name}`;
  if (isRegexString(filter)) {
    const m = stringMatcher(filter);
    return m.kind === 'regex' && (m.regex.test(scenario.name) || m.regex.test(label));
  }
  return label.toLowerCase().includes(filter.toLowerCase());
}

/**
 * Pays the process's one-off costs before any scenario's clock starts, so each scenario's time
 * is its own: compiling the engine, and a first instance (V8 and the host code warm up on it).
 */
async function warmUp(sources: LoadedSource[], sql: ScenarioSql): Promise<void> {
  await Promise.all(sources.map((s) => (s.wasm ? compileWasm(s.wasm) : loadEngineModule())));
  const first = sources[0];
  if (!first) return;
  // a plugin that cannot load says so in its scenarios; here it is only not warmed up
  const harness = await ScenarioHarness.create({ sources: [first], sql }).catch(() => null);
  await harness?.close();
}

export async function runTests(ctx: Context, opts: TestRunOptions = {}): Promise<TestRunResult> {
  const started = performance.now();
  const paths = opts.paths && opts.paths.length > 0 ? opts.paths : ['.'];
  if (opts.filter && isRegexString(opts.filter)) {
    try {
      stringMatcher(opts.filter);
    } catch (err) {
      throw new UserError(`--filter ${opts.filter} is not a valid regular expression: ${(err as Error).message}`, { code: 'USAGE' });
    }
  }
  const { files, warnings } = opts.files
    ? { files: opts.files, warnings: [] }
    : await loadScenarioFiles(ctx, await Promise.all(paths.map((p) => resolveTestTarget(ctx, p))));
  opts.onLoaded?.(files);
  const selected = files.map((file) => ({ file, scenarios: file.scenarios.filter((s) => scenarioSelected(opts.filter, file, s)) }));
  if (opts.filter && selected.every((f) => f.scenarios.length === 0)) {
    throw new UserError(`No scenario matches --filter ${JSON.stringify(opts.filter)}`, { code: 'NO_SCENARIOS' });
  }

  // only the projects the selected scenarios need are built and read
  const dirs = new Set<string>();
  for (const { file, scenarios } of selected) {
    if (scenarios.length === 0) continue;
    dirs.add(file.projectDir);
    for (const s of scenarios) for (const d of s.plugins) dirs.add(d);
  }
  const { sources, builds } = await prepareProjects(ctx, dirs, opts.prebuilt);

  const sqlDir = opts.sql ? null : await mkdtemp(join(tmpdir(), 'ocp-test-sql-'));
  const sql = opts.sql ?? sharedScenarioSql(sqlDir!);
  // the SQL helper process takes a few hundred ms to start: before the clock, not in a scenario's time
  if ([...sources.values()].some((s) => s.permissions.includes('storage.sql'))) sql.service.warm();
  await warmUp([...sources.values()], sql);
  const results: ScenarioResult[] = [];
  let bailed = false;
  try {
    outer: for (const { file, scenarios } of selected) {
      for (const scenario of scenarios) {
        const result = await runScenario({
          file,
          scenario,
          sources: [file.projectDir, ...scenario.plugins].map((d) => sources.get(d)!),
          sql,
        });
        results.push(result);
        opts.onScenario?.(result);
        if (opts.bail && result.status === 'failed') {
          bailed = true;
          break outer;
        }
      }
    }
  } finally {
    if (sqlDir) {
      sql.close();
      await rm(sqlDir, { recursive: true, force: true });
    }
  }
  const failed = results.filter((r) => r.status === 'failed').length;
  return {
    ok: failed === 0,
    passed: results.length - failed,
    failed,
    durationMs: performance.now() - started,
    scenarios: results,
    builds,
    warnings,
    bailed,
  };
}
