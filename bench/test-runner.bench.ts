// npx tsx bench/test-runner.bench.ts [--quick] — wall time of `owncast-plugin test` as users run
// it: the compiled CLI (node bin/run.js; `npm run build` first), a fresh process per run, timed
// from spawn to exit, for one example with 10 scenarios (issue 5's target: ≤ 1 s, the check that
// the build is fresh included) and for every example in one run. Each way of compiling the
// engine is measured beside the baseline (eager TurboFan, what `serve` and `simulate` use) in
// the same run, rounds interleaved so that a busy machine slows them alike; then where the time
// of one run goes, and what the modules the command loads cost.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { packageRoot } from '../src/lib/engine/paths.js';

const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 3 : 9;
const ALL_ROUNDS = quick ? 1 : 3;
const root = packageRoot();
const bin = join(root, 'bin', 'run.js');
const ONE = 'examples/stream-ops';
const ALL = readdirSync(join(root, 'examples'))
  .filter((d) => existsSync(join(root, 'examples', d, '__tests__')))
  .sort()
  .map((d) => `examples/${d}`);

interface Variant {
  id: string;
  label: string;
  env: Record<string, string | undefined>;
  flags: string[];
}

/** OWNCAST_PLUGIN_WASM_TIERING picks the engine's compile mode (src/lib/host/engine-module.ts); a V8 flag refines "liftoff". */
const VARIANTS: Variant[] = [
  { id: 'eager', label: 'eager TurboFan: every function optimized before the first call (baseline)', env: { OWNCAST_PLUGIN_WASM_TIERING: 'eager' }, flags: [] },
  { id: 'lazy', label: "lazy: V8's default, each function compiled with Liftoff on its first call, hot ones tiered up", env: { OWNCAST_PLUGIN_WASM_TIERING: 'lazy' }, flags: [] },
  { id: 'liftoff', label: 'liftoff: every function compiled with Liftoff up front, hot ones tiered up', env: { OWNCAST_PLUGIN_WASM_TIERING: 'liftoff' }, flags: [] },
  { id: 'liftoff-only', label: 'liftoff, never tiered up', env: { OWNCAST_PLUGIN_WASM_TIERING: 'liftoff' }, flags: ['--no-wasm-tier-up'] },
  { id: 'shipped', label: '`owncast-plugin test` as shipped (no variable set)', env: { OWNCAST_PLUGIN_WASM_TIERING: undefined }, flags: [] },
];
const [EAGER, LAZY, LIFTOFF] = VARIANTS as [Variant, Variant, Variant, ...Variant[]];

interface Run {
  wallMs: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** One CLI process (node, V8 flags, bin/run.js, args), timed from spawn to exit. */
function cli(args: string[], variant: Pick<Variant, 'env' | 'flags'>): Promise<Run> {
  return node([bin, ...args], variant);
}

interface TestRun {
  wallMs: number;
  passed: number;
  failed: number;
  /** The scenarios' own time (the runner's per-scenario clock). */
  scenariosMs: number;
}

async function testRun(dirs: string[], variant: Variant): Promise<TestRun> {
  const r = await cli(['test', ...dirs, '--reporter', 'json'], variant);
  if (r.code !== 0 && r.code !== 1) throw new Error(`owncast-plugin test ${dirs.join(' ')} (${variant.id}) exited ${r.code}:\n${r.stderr}`);
  const run = JSON.parse(r.stdout) as { passed: number; failed: number; scenarios: { durationMs: number }[] };
  return { wallMs: r.wallMs, passed: run.passed, failed: run.failed, scenariosMs: run.scenarios.reduce((s, x) => s + x.durationMs, 0) };
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => sorted(xs)[Math.floor(xs.length / 2)]!;
const min = (xs: number[]) => sorted(xs)[0]!;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const msf = (ms: number) => `${ms.toFixed(0)} ms`;

/** Rounds of every variant, interleaved. */
async function measure(dirs: string[], variants: Variant[], rounds: number): Promise<Map<string, TestRun[]>> {
  const runs = new Map<string, TestRun[]>(variants.map((v) => [v.id, []]));
  for (let i = 0; i < rounds; i++) for (const v of variants) runs.get(v.id)!.push(await testRun(dirs, v));
  return runs;
}

function table(runs: Map<string, TestRun[]>, variants: Variant[], baseline: string): string[] {
  const base = median(runs.get(baseline)!.map((r) => r.wallMs));
  const rows = ['| engine compile | wall, min | wall, median | vs baseline | scenarios\' own time (median) | passed / failed |', '| --- | ---: | ---: | ---: | ---: | --- |'];
  for (const v of variants) {
    const rs = runs.get(v.id)!;
    const wall = rs.map((r) => r.wallMs);
    const verdicts = [...new Set(rs.map((r) => `${r.passed} / ${r.failed}`))].join(', ');
    const delta = v.id === baseline ? '' : `${median(wall) <= base ? '−' : '+'}${s(Math.abs(median(wall) - base))}`;
    rows.push(`| ${v.label} | ${s(min(wall))} | ${s(median(wall))} | ${delta} | ${msf(median(rs.map((r) => r.scenariosMs)))} | ${verdicts} |`);
  }
  return rows;
}

// ---- where the time of one run goes (in one process, on the compiled lib) -----------------

const lib = (path: string) => pathToFileURL(join(root, 'lib', 'lib', path)).href;
/** A node process (a script, no CLI), timed from spawn to exit. */
function node(args: string[], variant: Pick<Variant, 'env' | 'flags'>): Promise<Run> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...variant.env };
  for (const [k, v] of Object.entries(variant.env)) if (v === undefined) delete env[k];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...variant.flags, ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ wallMs: performance.now() - started, code, stdout, stderr }));
  });
}

interface Phases {
  /** The whole process, spawn to exit. */
  totalMs: number;
  importMs: number;
  freshMs: number;
  compileMs: number;
  runMs: number;
  scenariosMs: number;
  exitMs: number;
}

const PHASES = `
const t0 = performance.now();
const { createContext } = await import(${JSON.stringify(lib('context.js'))});
const { runTests } = await import(${JSON.stringify(lib('testing/index.js'))});
const { staleReason } = await import(${JSON.stringify(lib('devserver/project-build.js'))});
const { loadEngineModule } = await import(${JSON.stringify(lib('host/engine-module.js'))});
const importMs = performance.now() - t0;
let t = performance.now();
const stale = await staleReason(${JSON.stringify(join(root, ONE))});
const freshMs = performance.now() - t;
if (stale) throw new Error('not fresh: ' + stale);
t = performance.now();
await loadEngineModule();
const compileMs = performance.now() - t;
t = performance.now();
const run = await runTests(createContext({ logLevel: 'warn', cwd: ${JSON.stringify(root)} }), { paths: [${JSON.stringify(ONE)}] });
const runMs = performance.now() - t;
const scenariosMs = run.scenarios.reduce((s, x) => s + x.durationMs, 0);
const done = performance.now();
process.on('exit', () => console.log(JSON.stringify({ importMs, freshMs, compileMs, runMs, scenariosMs, exitMs: performance.now() - done })));
`;

async function phases(variant: Variant): Promise<Phases> {
  const r = await node(['--input-type=module', '-e', PHASES], variant);
  if (r.code !== 0) throw new Error(`phases (${variant.id}) failed:\n${r.stderr}`);
  return { ...(JSON.parse(r.stdout.trim().split('\n').pop()!) as Omit<Phases, 'totalMs'>), totalMs: r.wallMs };
}

interface FirstCalls {
  loadMs: number;
  firstFilterMs: number;
  /** The first filter call failed (its budget ran out, so it failed open with a strike). */
  firstFilterFailed: boolean;
  laterFilterMs: number;
  firstNotifyMs: number;
}

/** How long a plugin's first calls take right after a fresh process starts the engine: the budget headroom (filter 50 ms, notification 500 ms). */
const FIRST_CALLS = `
const { loadPlugin } = await import(${JSON.stringify(pathToFileURL(join(root, 'lib', 'testing.js')).href)});
const msg = (i, body) => ({ id: 'm' + i, body, user: { id: 'u1', displayName: 'ann' }, timestamp: '2026-11-29T18:00:00Z' });
let t = performance.now();
const filter = await loadPlugin(${JSON.stringify(join(root, 'examples', 'profanity-filter'))});
const loadMs = performance.now() - t;
const times = [];
let firstFilterFailed = false;
for (let i = 0; i < 21; i++) {
  t = performance.now();
  const r = await filter.filter('chat.message.received', msg(i, 'well darn, what the heck ' + i));
  times.push(performance.now() - t);
  if (i === 0) firstFilterFailed = r.action !== 'modify';
}
await filter.close();
const counter = await loadPlugin(${JSON.stringify(join(root, 'examples', 'message-counter'))});
t = performance.now();
await counter.event('chat.message.received', msg(0, 'hi'));
const firstNotifyMs = performance.now() - t;
await counter.close();
const later = times.slice(1).sort((a, b) => a - b);
console.log(JSON.stringify({ loadMs, firstFilterMs: times[0], firstFilterFailed, laterFilterMs: later[10], firstNotifyMs }));
`;

async function firstCalls(variant: Variant): Promise<FirstCalls> {
  const r = await node(['--input-type=module', '-e', FIRST_CALLS], variant);
  if (r.code !== 0) throw new Error(`first calls (${variant.id}) failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as FirstCalls;
}

/** Cost of importing a module in a fresh process, over a bare `node -e ''`. */
async function importCost(specifier: string, rounds: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const bare = await node(['--input-type=module', '-e', ''], { env: {}, flags: [] });
    const loaded = await node(['--input-type=module', '-e', `await import(${JSON.stringify(specifier)})`], { env: {}, flags: [] });
    times.push(loaded.wallMs - bare.wallMs);
  }
  return Math.max(0, median(times));
}

// ---- main -----------------------------------------------------------------------------------

if (!existsSync(join(root, 'lib', 'commands', 'test.js')) || !existsSync(join(root, 'lib', 'lib', 'testing', 'index.js'))) {
  throw new Error('bench/test-runner.bench.ts times the compiled CLI: run `npm run build` first');
}
const loadBefore = loadavg()[0]!;
// builds whatever is stale first, so the timed runs find every example fresh (and check it)
const warm = await testRun(ALL, LIFTOFF);
if (warm.failed > 0) throw new Error(`${warm.failed} example scenario(s) fail: fix them before timing`);
const oneCount = (await testRun([ONE], LIFTOFF)).passed;

const floor: number[] = [];
for (let i = 0; i < ROUNDS; i++) floor.push((await cli(['--version'], { env: {}, flags: [] })).wallMs);

const one = await measure([ONE], VARIANTS, ROUNDS);
const allVariants = VARIANTS;
const all = await measure(ALL, allVariants, ALL_ROUNDS);

const MODES = [EAGER, LAZY, LIFTOFF];
const phaseRounds = quick ? 1 : 3;
const phaseRuns = new Map<string, Phases[]>(MODES.map((m) => [m.id, []]));
const firstRuns = new Map<string, FirstCalls[]>(MODES.map((m) => [m.id, []]));
for (let i = 0; i < phaseRounds; i++) {
  for (const m of MODES) phaseRuns.get(m.id)!.push(await phases(m));
  for (const m of MODES) firstRuns.get(m.id)!.push(await firstCalls(m));
}
const costRounds = quick ? 2 : 5;
const imports: [string, string, string][] = [
  ["the test command's library (src/lib/testing)", lib('testing/index.js'), 'everything below, and the host'],
  ['  the plugin HTTP server (devserver/http), for http steps', lib('devserver/http/index.js'), 'loaded even when no scenario has an http step'],
  ['    sanitize-html (viewer-config action buttons)', 'sanitize-html', 'only /api/config needs it'],
  ['  the compiler (compiler/index), reached by the freshness check', lib('compiler/index.js'), 'needed only when a project is stale'],
  ['  chokidar (test --watch)', 'chokidar', 'needed only with --watch'],
];
const importCosts: number[] = [];
for (const [, spec] of imports) importCosts.push(await importCost(spec, costRounds));
const loadAfter = loadavg()[0]!;

const shipped = one.get('shipped')!.map((r) => r.wallMs);
const phaseRow = (label: string, k: keyof Phases) => `| ${label} | ${MODES.map((m) => msf(median(phaseRuns.get(m.id)!.map((x) => x[k])))).join(' | ')} |`;
const firstRow = (label: string, k: Exclude<keyof FirstCalls, 'firstFilterFailed'>) => `| ${label} | ${MODES.map((m) => `${median(firstRuns.get(m.id)!.map((x) => x[k])).toFixed(1)} ms`).join(' | ')} |`;
const worstFirst = (id: string) => {
  const runs = firstRuns.get(id)!;
  const failed = runs.filter((x) => x.firstFilterFailed).length;
  return `${id} ${Math.max(...runs.map((x) => x.firstFilterMs)).toFixed(1)} ms${failed ? ` (${failed} of ${runs.length} over budget: a strike)` : ''}`;
};
const out = [
  '## `owncast-plugin test`: wall time',
  '',
  `Each figure is a fresh \`node bin/run.js test … --reporter json\` process timed from spawn to exit (Node ${process.version}), the check that every project's build is fresh included (the projects were built beforehand, so it finds them fresh). Variants ran in interleaved rounds (${ROUNDS} for one example, ${ALL_ROUNDS} for all) on a shared machine (1-minute load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after); the minimum is the least disturbed run. \`OWNCAST_PLUGIN_WASM_TIERING\` (eager, liftoff, lazy) picks how src/lib/host/engine-module.ts compiles engine.wasm.`,
  '',
  `### One example: ${ONE} (${oneCount} scenarios); target ≤ 1 s`,
  '',
  ...table(one, VARIANTS, 'eager'),
  '',
  `Floor: \`node bin/run.js --version\` (Node and oclif starting, nothing else) takes ${s(min(floor))} min, ${s(median(floor))} median. As shipped, one example takes ${s(min(shipped))} at best and ${s(median(shipped))} typically: the 1 s target is ${median(shipped) <= 1000 ? 'met' : min(shipped) <= 1000 ? 'met in the best runs only' : 'not met'} on this machine.`,
  '',
  `### All examples: ${ALL.length} projects, ${warm.passed} scenarios, one process`,
  '',
  ...table(all, allVariants, 'eager'),
  '',
  `### Where one run goes (${ONE}, in one process on the compiled lib, without oclif; medians of ${phaseRounds})`,
  '',
  '| phase | eager TurboFan | lazy | liftoff |',
  '| --- | ---: | ---: | ---: |',
  phaseRow('process, start to exit', 'totalMs'),
  phaseRow('importing the runner, host and engine modules', 'importMs'),
  phaseRow('the freshness check (mtimes of sources against dist/)', 'freshMs'),
  phaseRow('compiling engine.wasm', 'compileMs'),
  phaseRow('runTests: files, projects, a warm-up instance, the scenarios', 'runMs'),
  phaseRow("of which the scenarios' own time", 'scenariosMs'),
  phaseRow('from the last result to exit (cleanup, and V8 finishing background optimization)', 'exitMs'),
  '',
  `First calls after the engine starts (loadPlugin on the compiled lib, a fresh process each; medians of ${phaseRounds}): the budget headroom each mode leaves.`,
  '',
  '| | eager TurboFan | lazy | liftoff |',
  '| --- | ---: | ---: | ---: |',
  firstRow('engine compiled, profanity-filter loaded', 'loadMs'),
  firstRow('its first filter call (budget 50 ms)', 'firstFilterMs'),
  firstRow('a later filter call (the median of the next 20)', 'laterFilterMs'),
  firstRow("message-counter's first notification, in the same process (budget 500 ms)", 'firstNotifyMs'),
  '',
  `The slowest first filter call seen: ${MODES.map((m) => worstFirst(m.id)).join(', ')}.`,
  '',
  'What importing costs, each in a fresh process over a bare `node` (medians; nested rows are part of the row above):',
  '',
  '| module | import | note |',
  '| --- | ---: | --- |',
  ...imports.map(([label, , note], i) => `| ${label.replace(/^ +/, (m) => '&nbsp;'.repeat(m.length * 2))} | ${msf(importCosts[i]!)} | ${note} |`),
  '',
  'Options, as measured above:',
  '',
  '- **liftoff for one-shot runs** (what `test` ships; `test --watch`, `serve`, `simulate` and the JS test API keep eager): the eager optimizing compile of engine.wasm is the largest single cost of a short run; compiling every function with Liftoff up front costs a few tens of ms, first calls cost about what they cost on optimized code, and V8 still optimizes hot functions in the background for long runs. Budgets are enforced on every call either way, and every example scenario passes in every mode (the tables).',
  "- **lazy** (V8's default, what `package`, `inspect` and `lint-manifest --register` use to run register() once) starts cheapest, but a plugin's first call also compiles every engine function it reaches, inside that call's budget: the first filter call above takes several times longer than with the other modes, and on a loaded machine it comes near its 50 ms or past it (64 ms of wall time was seen while writing this bench; past the budget it fails open with a strike, a false failure in a test), so `test` does not use it.",
  '- **liftoff, never tiered up** avoids background optimizing work (competing with the run on a 2-core machine, and waited for at exit) but every call stays on baseline code: compare its rows above.',
  '- **Loading less**: the command loads the plugin HTTP server (and sanitize-html with it) and the compiler even when no scenario has an http step and every project is fresh; loading them when first needed would save the import times above (files outside the test runner: devserver/http, devserver/project-build).',
  '- Not available on Node 20: caching the compiled engine between processes (no API serializes a WebAssembly.Module outside a worker transfer), and a module compile cache (`module.enableCompileCache` is Node 22).',
];
process.stdout.write(`${out.join('\n')}\n`);
