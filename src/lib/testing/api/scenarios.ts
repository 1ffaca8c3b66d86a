// runScenarios: the reference SDK's JS test API (`require("@owncast/plugin-sdk/testing")` in
// `__tests__/*.test.js`, run with `node`), on our runner. Scenario objects are exactly those of
// a `.test.json` file, validated with the same rules and run on the same fresh hosts; the
// report is `owncast-plugin test`'s. As in the reference, a failure sets process.exitCode (1,
// or 2 for a setup error, never clearing an earlier failure) and nothing exits the process, so
// several calls and several files can run in one process. Unlike the reference, which ran a
// binary synchronously, the run is asynchronous: calls made in one go run one after another,
// in call order, and each returns a promise of whether every scenario passed.

import { existsSync, readdirSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { renderError, renderWarnings } from '../../cli/render-error.js';
import { createContext } from '../../context.js';
import { packageRoot } from '../../engine/paths.js';
import { UserError } from '../../errors.js';
import { issueDiagnostic, parseScenarioFile, TESTS_DIR } from '../load/index.js';
import { PrettyReporter, renderJson, renderJunit, renderSummary, renderTap, type ReporterName } from '../report/index.js';
import type { ScenarioResult, TestRunResult } from '../results.js';
import { runTests } from '../run/index.js';
import { setupError, TestSetupError } from './errors.js';
import type { ScenarioInput } from './types.js';

export interface TestScenariosOptions {
  /** The plugin project the scenarios test; default the current directory (as in the reference). */
  cwd?: string;
  /** Only scenarios whose name contains this text (case-insensitive); `/.../` is a regular expression. */
  filter?: string;
  /** Stop at the first failing scenario. */
  bail?: boolean;
  /** Shown as the scenarios' file in reports; default the file that called, relative to the working directory. */
  name?: string;
  /** Told about each scenario as it finishes. */
  onScenario?(result: ScenarioResult): void;
}

/** Where a report is written (process.stdout, a file stream, anything with write). */
export interface TextSink {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface RunScenariosOptions extends TestScenariosOptions {
  /** How results are printed: pretty (default), json, junit, tap, or none (setup errors are still printed). */
  reporter?: ReporterName | 'none';
  /** Where the report goes (default process.stdout); warnings and setup errors go to `stderr`. */
  stdout?: TextSink;
  stderr?: TextSink;
  /** Colours in the pretty report; default when stdout is a terminal and NO_COLOR is not set. */
  color?: boolean;
  /** Set process.exitCode when something fails (1, or 2 for a setup error), as the reference does; default true. */
  exitCode?: boolean;
  /** Told the whole result (not called after a setup error). */
  onResult?(run: TestRunResult): void;
}

// ---- where a call came from ----------------------------------------------------------------

/** This package's own code (compiled or not): frames in it are not the caller. */
const OWN_DIRS = (() => {
  const root = packageRoot();
  return [join(root, 'lib') + sep, join(root, 'src') + sep];
})();

const FRAME = /(?:\(|at )((?:file:\/\/)?\/[^():]+|[A-Za-z]:\\[^():]+):\d+:\d+\)?$/;

/** The first file on the stack outside this package: the test file that called. */
function callerFile(stack: string | undefined): string | null {
  for (const line of (stack ?? '').split('\n').slice(1)) {
    const m = FRAME.exec(line.trim());
    if (!m) continue;
    const file = m[1]!.startsWith('file://') ? fileURLToPath(m[1]!) : m[1]!;
    if (OWN_DIRS.some((d) => file.startsWith(d)) || file.includes(`${sep}node_modules${sep}`)) continue;
    return file;
  }
  return null;
}

/** runScenarioFiles sets this while it loads a project's test files, so their calls test that project. */
let defaultProject: string | null = null;

interface Call {
  dir: string;
  file: string;
  shown: string;
}

function locate(opts: TestScenariosOptions, stack: string | undefined): Call {
  const dir = resolve(opts.cwd ?? defaultProject ?? process.cwd());
  const caller = callerFile(stack);
  const file = caller ?? join(dir, TESTS_DIR, 'scenarios.test.js');
  const fromCwd = relative(process.cwd(), file);
  const shown = opts.name ?? (fromCwd && !fromCwd.startsWith('..') && !isAbsolute(fromCwd) ? fromCwd : file);
  return { dir, file, shown };
}

// ---- running -------------------------------------------------------------------------------

async function run(scenarios: readonly ScenarioInput[], opts: TestScenariosOptions, call: Call, streams?: { stdout: TextSink; stderr: TextSink }): Promise<TestRunResult> {
  if (!Array.isArray(scenarios) || scenarios.length === 0) {
    throw new TestSetupError('runScenarios: no scenarios provided (pass an array of scenario objects)', { code: 'NO_SCENARIOS' });
  }
  if (!existsSync(join(call.dir, 'plugin.manifest.json'))) {
    throw new TestSetupError(`plugin.manifest.json not found in ${call.dir} (runScenarios tests the project in its cwd option, or the current directory)`, {
      code: 'MANIFEST_NOT_FOUND',
    });
  }
  const source = JSON.stringify(scenarios, null, 2);
  const parsed = parseScenarioFile(source, { file: call.file, displayPath: call.shown, projectDir: call.dir });
  const diagnostics = parsed.issues.map((i) => ({ severity: i.severity, d: issueDiagnostic(i, source, call.shown) }));
  const errors = diagnostics.filter((x) => x.severity === 'error').map((x) => x.d);
  if (errors.length > 0 || !parsed.file) {
    const n = errors.length;
    throw setupError(new UserError(`${n} error${n === 1 ? '' : 's'} in the scenarios`, { code: 'SCENARIO_INVALID', diagnostics: errors }));
  }
  // runScenarios prints build progress as the CLI does (OWNCAST_PLUGIN_LOG still applies); testScenarios only warnings
  const ctx = streams ? createContext({ stdout: streams.stdout, stderr: streams.stderr, color: false }) : createContext({ logLevel: 'warn' });
  try {
    const result = await runTests(ctx, {
      files: [parsed.file],
      ...(opts.filter !== undefined ? { filter: opts.filter } : {}),
      ...(opts.bail !== undefined ? { bail: opts.bail } : {}),
      ...(opts.onScenario ? { onScenario: opts.onScenario } : {}),
    });
    return { ...result, warnings: [...diagnostics.filter((x) => x.severity === 'warning').map((x) => x.d), ...result.warnings] };
  } catch (err) {
    throw setupError(err);
  }
}

/** Calls run one at a time, in call order (the reference's were synchronous). */
let queue: Promise<unknown> = Promise.resolve();

function enqueue<T>(work: () => Promise<T>): Promise<T> {
  const next = queue.then(work);
  queue = next.catch(() => undefined);
  return next;
}

/**
 * Runs scenario objects (the shape of a `.test.json` file's entries) against a plugin project
 * and returns the results as data, printing nothing. Invalid scenarios, a project that does
 * not build and similar setup problems reject with a TestSetupError; failing scenarios are
 * results (`ok: false`, each failure with its key, JSON pointer, expected and actual).
 */
export function testScenarios(scenarios: readonly ScenarioInput[], opts: TestScenariosOptions = {}): Promise<TestRunResult> {
  const call = locate(opts, new Error().stack);
  return enqueue(() => run(scenarios, opts, call));
}

function fail(code: 1 | 2, opts: RunScenariosOptions): false {
  if ((opts.exitCode ?? true) && !process.exitCode) process.exitCode = code;
  return false;
}

/**
 * The reference SDK's `runScenarios(scenarios, {cwd?})`: runs the scenarios against the plugin
 * project in `cwd` (default the current directory; built first when stale), prints the report
 * as `owncast-plugin test` does and resolves to true when every scenario passed. On a failure
 * it sets process.exitCode to 1 (2 for a setup error) unless `exitCode: false`, and never
 * exits the process.
 *
 * ```js
 * const { runScenarios } = require("@owncast/plugin-sdk/testing");
 * runScenarios([{ name: "greets", events: [hi("alice")], expect: { chatSends: ["hello, alice!"] } }]);
 * ```
 */
export function runScenarios(scenarios: readonly ScenarioInput[], opts: RunScenariosOptions = {}): Promise<boolean> {
  const call = locate(opts, new Error().stack);
  return enqueue(async () => {
    const stdout = opts.stdout ?? process.stdout;
    const stderr = opts.stderr ?? process.stderr;
    const reporter = opts.reporter ?? 'pretty';
    const color =
      opts.color ?? (Boolean(stdout.isTTY) && process.env.NO_COLOR === undefined && process.env.FORCE_COLOR !== '0');
    const pretty = new PrettyReporter({ color });
    let result: TestRunResult;
    try {
      result = await run(
        scenarios,
        {
          ...opts,
          onScenario: (r) => {
            if (reporter === 'pretty') stdout.write(pretty.scenario(r));
            opts.onScenario?.(r);
          },
        },
        call,
        { stdout, stderr },
      );
    } catch (err) {
      const cause = err instanceof TestSetupError && err.cause instanceof UserError ? err.cause : err;
      stderr.write(renderError(cause, { color }));
      return fail(2, opts);
    }
    if (reporter !== 'none') stderr.write(renderWarnings(result.warnings, { color }));
    if (reporter === 'pretty') stdout.write(pretty.summary(result));
    else if (reporter !== 'none') {
      if (reporter === 'json') stdout.write(renderJson(result));
      if (reporter === 'junit') stdout.write(renderJunit(result));
      if (reporter === 'tap') stdout.write(renderTap(result));
      if (reporter !== 'tap') stderr.write(renderSummary(result).trimStart());
    }
    opts.onResult?.(result);
    return result.ok ? true : fail(1, opts);
  });
}

const TEST_FILE = /\.test\.(?:js|mjs|cjs)$/;

/**
 * The reference SDK's `runScenarioFiles({cwd?})`: loads every `__tests__/*.test.js` (also
 * `.mjs`, `.cjs`) of the project in name order, each calling runScenarios as it loads (against
 * that project), waits for them all and resolves to true when everything passed. Missing
 * files set process.exitCode 2.
 */
export async function runScenarioFiles(opts: { cwd?: string; stderr?: TextSink } = {}): Promise<boolean> {
  const dir = resolve(opts.cwd ?? process.cwd());
  const stderr = opts.stderr ?? process.stderr;
  const testsDir = join(dir, TESTS_DIR);
  const names = existsSync(testsDir) ? readdirSync(testsDir).filter((n) => TEST_FILE.test(n)).sort() : null;
  if (!names || names.length === 0) {
    stderr.write(names ? `no *.test.js files in ${testsDir}\n` : `no ${TESTS_DIR} directory in ${dir}\n`);
    if (!process.exitCode) process.exitCode = 2;
    return false;
  }
  for (const name of names) {
    const previous = defaultProject;
    defaultProject = dir;
    try {
      await import(pathToFileURL(join(testsDir, name)).href);
    } finally {
      defaultProject = previous;
    }
  }
  await queue;
  return !process.exitCode;
}
