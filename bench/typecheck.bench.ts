// npx tsx bench/typecheck.bench.ts [--quick] — what type checking costs a build, and what the
// incremental state saves: a copy of examples/stream-ops (two files) in a temp directory.
//   1. `owncast-plugin build` as users run it (the compiled CLI, `npm run build` first; a fresh
//      process per run, spawn to exit): the first build (no dist/, no .tsbuildinfo), a second
//      build of the unchanged project (dist/.typecheck.json: the compiler is not loaded), a build
//      after an edit checked by the warm type-check server, one after an edit checked in the
//      build's own process (--no-daemon: the compiler, from dist/.tsbuildinfo), --no-typecheck
//      and `node -e 0` as baselines, rounds interleaved (the two edit paths alternate which goes
//      first). The server lives in a temporary cache directory and is stopped at the end;
//   2. the checker in one process: a first check, a new checker starting from the .tsbuildinfo,
//      a re-check with the program kept (unchanged, then after an edit of one file), and the
//      background checker of `watch` (worker thread): its first check, then one after an edit.
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import { createTypechecker, loadTypescript } from '../src/lib/compiler/typecheck.js';
import { stopServers } from '../src/lib/compiler/typecheck-daemon.js';
import { createBackgroundTypechecker } from '../src/lib/compiler/typecheck-worker.js';
import { packageRoot } from '../src/lib/engine/paths.js';

const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 3 : 9;
const root = packageRoot();
const EXAMPLE = join(root, 'examples', 'stream-ops');

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => sorted(xs)[Math.floor(xs.length / 2)]!;
const min = (xs: number[]) => sorted(xs)[0]!;
const ms = (x: number) => `${x.toFixed(0)} ms`;

/** A fresh copy of the example: sources, manifest and tsconfig.json, no dist/. */
async function copyProject(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ocp-typecheck-bench-'));
  for (const entry of ['src', 'plugin.manifest.json', 'tsconfig.json']) await cp(join(EXAMPLE, entry), join(dir, entry), { recursive: true });
  return dir;
}

interface BuildRun {
  wallMs: number;
  typecheckMs: number;
  reused: string;
  server: boolean;
}

// The type-check server's own cache (not the user's), on even when the environment says CI.
const cache = await mkdtemp(join(tmpdir(), 'ocp-typecheck-bench-cache-'));
const buildEnv = { ...process.env, NO_COLOR: '1', OWNCAST_PLUGIN_CACHE_DIR: cache, OWNCAST_PLUGIN_NO_DAEMON: '', CI: '' };

/** One `owncast-plugin build --json` process, spawn to exit. */
function build(dir: string, extra: string[] = []): Promise<BuildRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [join(root, 'bin', 'run.js'), 'build', dir, '--json', ...extra], { cwd: root, env: buildEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      if (code !== 0) return reject(new Error(`build ${dir} ${extra.join(' ')} exited ${code}:\n${stderr}${stdout}`));
      const result = JSON.parse(stdout) as { typecheck: { durationMs: number; reused: string; server: boolean } };
      resolve({ wallMs, typecheckMs: result.typecheck.durationMs, reused: result.typecheck.reused, server: result.typecheck.server });
    });
  });
}

const out: string[] = [];
const load = loadavg()[0]!;

// ---- 1. build as users run it ----------------------------------------------------------------
/** A `node -e 0` process, spawn to exit: what any process costs on this machine now. */
function nodeNothing(): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', () => resolve(performance.now() - started));
  });
}

try {
  const dir = await copyProject();
  const runs: Record<'cold' | 'second' | 'server' | 'inProcess' | 'off', BuildRun[]> = { cold: [], second: [], server: [], inProcess: [], off: [] };
  const node: number[] = [];
  const describe = join(dir, 'src', 'describe.ts');
  const original = await readFile(describe, 'utf8');
  let edits = 0;
  const edit = () => writeFile(describe, `${original}// edit ${++edits}\n`);
  await build(dir, ['--no-daemon']); // warm the file cache
  // Start the server (the first build that checks with it on) and let it warm up.
  await edit();
  await build(dir);
  for (let i = 0; i < 100; i++) {
    await edit();
    if ((await build(dir)).server) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const viaServer = async () => {
    await edit();
    const r = await build(dir);
    if (!r.server) throw new Error(`the build after an edit was not checked by the server: ${JSON.stringify(r)}`);
    runs.server.push(r);
  };
  const inProcess = async () => {
    await edit();
    const r = await build(dir, ['--no-daemon']);
    if (r.server || r.reused !== 'buildinfo') throw new Error(`expected an in-process check from .tsbuildinfo: ${JSON.stringify(r)}`);
    runs.inProcess.push(r);
  };
  for (let i = 0; i < ROUNDS; i++) {
    await rm(join(dir, 'dist'), { recursive: true, force: true });
    await writeFile(describe, original);
    runs.cold.push(await build(dir, ['--no-daemon']));
    runs.second.push(await build(dir));
    node.push(await nodeNothing());
    if (i % 2 === 0) {
      await viaServer();
      await inProcess();
    } else {
      await inProcess();
      await viaServer();
    }
    runs.off.push(await build(dir, ['--no-typecheck']));
  }
  await rm(dir, { recursive: true, force: true });
  const base = median(runs.off.map((r) => r.wallMs));
  const row = (label: string, rs: BuildRun[]) => {
    const wall = rs.map((r) => r.wallMs);
    const reused = [...new Set(rs.map((r) => `${r.reused}${r.server ? ' (server)' : ''}`))].join(', ');
    return `| ${label} | ${ms(min(wall))} | ${ms(median(wall))} | ${median(wall) >= base ? '+' : '−'}${ms(Math.abs(median(wall) - base))} | ${ms(median(rs.map((r) => r.typecheckMs)))} | ${reused} |`;
  };
  out.push(
    `### \`owncast-plugin build\` of a two-file TypeScript plugin (examples/stream-ops), ${ROUNDS} rounds interleaved; a fresh process per run`,
    '',
    `Command: \`npx tsx bench/typecheck.bench.ts\` (in \`npm run bench\`), ${new Date().toISOString().slice(0, 10)}, Node ${process.version}. Whole-process wall time from spawn to exit of \`bin/run.js build DIR --json\`. The server rows: the type-check server (in a temporary cache directory) warmed up by earlier builds of the same project, as after the first build of a working session; each edit appends a comment to src/describe.ts.`,
    '',
    '| build | wall, min | wall, median | vs --no-typecheck | type check (median, its own clock) | started from |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
    row('first build: no dist/, no .tsbuildinfo (--no-daemon)', runs.cold),
    row('second build of the unchanged project (the stamp: neither the compiler nor the server)', runs.second),
    row('**a build after an edit of one file, checked by the warm type-check server**', runs.server),
    row('a build after an edit of one file, checked in-process (--no-daemon: the compiler, from .tsbuildinfo; baseline)', runs.inProcess),
    `| --no-typecheck (baseline) | ${ms(min(runs.off.map((r) => r.wallMs)))} | ${ms(base)} | | | |`,
    `| \`node -e 0\` (baseline) | ${ms(min(node))} | ${ms(median(node))} | | | |`,
    '',
    `Issue 9's target for \`build\` of a small plugin, ≤ 600 ms whole-process: a build after an edit through the server, median ${ms(median(runs.server.map((r) => r.wallMs)))} (in-process in the same rounds: ${ms(median(runs.inProcess.map((r) => r.wallMs)))}). Load average after these rounds: ${loadavg()[0]!.toFixed(2)} (2 cores).`,
    '',
  );
} finally {
  await stopServers(cache);
  await rm(cache, { recursive: true, force: true });
}

// ---- 2. the checker in one process -------------------------------------------------------------
{
  const t0 = performance.now();
  const ts = await loadTypescript();
  const importMs = performance.now() - t0;
  // The first round's first check parses the standard library and the SDK declarations; later
  // ones share them (declaration files are parsed once per thread), as a process building
  // several projects does.
  const samples: Record<string, number[]> = { cold: [], first: [], buildinfo: [], unchanged: [], edited: [], workerFirst: [], workerEdited: [] };
  for (let i = 0; i < ROUNDS; i++) {
    const dir = await copyProject();
    const plugin = join(dir, 'src', 'describe.ts');
    const first = createTypechecker(ts, { dir });
    let r = first.check();
    if (r.errors > 0 || r.reused !== 'none') throw new Error(`unexpected first check: ${JSON.stringify(r)}`);
    samples[i === 0 ? 'cold' : 'first']!.push(r.durationMs);
    const fromDisk = createTypechecker(ts, { dir });
    r = fromDisk.check();
    if (r.reused !== 'buildinfo') throw new Error(`expected the .tsbuildinfo to be used: ${JSON.stringify(r)}`);
    samples.buildinfo!.push(r.durationMs);
    samples.unchanged!.push(fromDisk.check().durationMs);
    await writeFile(plugin, `${await readFile(plugin, 'utf8')}\nexport const edited${i} = ${i}\n`);
    samples.edited!.push(fromDisk.check().durationMs);

    const worker = createBackgroundTypechecker({ dir, buildInfoFile: join(dir, 'worker', '.tsbuildinfo') });
    let t = performance.now();
    await worker.check();
    samples.workerFirst!.push(performance.now() - t);
    await writeFile(plugin, `${await readFile(plugin, 'utf8')}\nexport const again${i} = ${i}\n`);
    t = performance.now();
    const edited = await worker.check();
    if (edited.reused !== 'program') throw new Error(`expected the worker to keep its program: ${JSON.stringify(edited)}`);
    samples.workerEdited!.push(performance.now() - t);
    await worker.close();
    await rm(dir, { recursive: true, force: true });
  }
  const row = (label: string, xs: number[]) => `| ${label} | ${ms(min(xs))} | ${ms(median(xs))} |`;
  out.push(
    `### The checker in one process (a new copy of the project each round; medians of ${ROUNDS}; loading the compiler took ${ms(importMs)})`,
    '',
    '| check | min | median |',
    '| --- | ---: | ---: |',
    `| first check in the process: parse the standard library, the SDK declarations and the plugin, check it all | ${ms(samples.cold![0]!)} | (one run) |`,
    ...(samples.first!.length > 0 ? [row('first check of a new copy, the declaration files already parsed in this process', samples.first!)] : []),
    row('a new checker starting from the .tsbuildinfo (what the second build does after loading the compiler)', samples.buildinfo!),
    row('the same checker again, nothing changed', samples.unchanged!),
    row('the same checker after an edit of one file (what watch does)', samples.edited!),
    row('background checker (worker thread): its first check, the compiler loading included', samples.workerFirst!),
    row('background checker: a check after an edit, round trip', samples.workerEdited!),
    '',
    `Load average at the start: ${load.toFixed(1)} (2 cores).`,
  );
}

process.stdout.write(`## Type checking (\`build\`, and \`watch\`'s background checker)\n\n${out.join('\n')}\n`);
