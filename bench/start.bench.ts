// npx tsx bench/start.bench.ts [--quick] — whole-process times of the CLI as users start it
// (issue 9's targets: `--version` and `lint-manifest` ≤ 250 ms p50, `build` of a small plugin
// ≤ 600 ms), from each way it is installed: this checkout's bin/run.js (the same files an npm
// install gets), the npm install made by scripts/check-shipping.sh (.cache/ship/prefix) and the
// single executable (npm run build:binary), when they exist. Baselines measured in the same run,
// rounds interleaved: `node -e 0`, and the same CLI from its loose modules (OWNCAST_PLUGIN_NO_BUNDLE,
// how it started before the bundle).
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import { packageRoot } from '../src/lib/engine/paths.js';

const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 3 : 15;
const root = packageRoot();
const work = mkdtempSync(join(tmpdir(), 'owncast-plugin-start-'));
const project = join(work, 'echo-bot');
cpSync(join(root, 'examples', 'echo-bot'), project, { recursive: true, filter: (src) => !src.includes(`${'/'}dist`) });
const manifest = join(project, 'plugin.manifest.json');
const cache = join(work, 'sea-cache');

interface Install {
  id: string;
  label: string;
  argv: string[];
  env?: Record<string, string>;
}

const installs: Install[] = [
  { id: 'repo', label: 'bin/run.js (this checkout: the files an npm install gets)', argv: [process.execPath, join(root, 'bin', 'run.js')] },
  {
    id: 'loose',
    label: 'bin/run.js from loose modules (OWNCAST_PLUGIN_NO_BUNDLE=1: the start before the bundle; baseline)',
    argv: [process.execPath, join(root, 'bin', 'run.js')],
    env: { OWNCAST_PLUGIN_NO_BUNDLE: '1' },
  },
];
const npmBin = join(root, '.cache', 'ship', 'prefix', 'bin', 'owncast-plugin');
if (existsSync(npmBin)) installs.push({ id: 'npm', label: 'npm install -g of the packed tarball', argv: [npmBin] });
const sea = join(root, 'dist', `owncast-plugin-${process.platform}-${process.arch}`);
if (existsSync(sea)) installs.push({ id: 'sea', label: 'single executable (dist/, unpacked cache warm)', argv: [sea], env: { OWNCAST_PLUGIN_CACHE_DIR: cache } });

const COMMANDS: { id: string; args: string[]; target?: number }[] = [
  { id: '--version', args: ['--version'], target: 250 },
  { id: 'lint-manifest', args: ['lint-manifest', manifest], target: 250 },
  { id: '--help', args: ['--help'] },
  { id: 'build (types checked, incremental)', args: ['build', project], target: 600 },
  { id: 'build --no-typecheck', args: ['build', project, '--no-typecheck'] },
];

function time(argv: string[], env: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    // No type-check server: the build rows here are the unchanged project's (the stamp), and a
    // server started by the warm-up's first build would outlive the bench in the user's cache
    // (bench/typecheck.bench.ts measures builds after an edit with and without it).
    const child = spawn(argv[0]!, argv.slice(1), { cwd: work, env: { ...process.env, OWNCAST_PLUGIN_NO_DAEMON: '1', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`${argv.join(' ')} exited ${code}: ${err}`))));
  });
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const pct = (xs: number[], p: number) => sorted(xs)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

try {
  // warm-up: file cache, the single executable's unpack, the build's .tsbuildinfo
  for (const i of installs) for (const c of COMMANDS) await time([...i.argv, ...c.args], i.env);
  const baseline: number[] = [];
  const runs = new Map<string, number[]>();
  for (let r = 0; r < ROUNDS; r++) {
    baseline.push(await time([process.execPath, '-e', '0']));
    for (const c of COMMANDS) {
      for (const i of installs) {
        const key = `${c.id}|${i.id}`;
        runs.set(key, [...(runs.get(key) ?? []), await time([...i.argv, ...c.args], i.env)]);
      }
    }
  }
  const lines: string[] = [];
  lines.push(
    `Whole-process wall time from spawn to exit, ${ROUNDS} rounds with every command and install interleaved (load average at the end: ${loadavg()[0]!.toFixed(2)}). Command: \`npx tsx bench/start.bench.ts\` (in \`npm run bench\`). The project is a copy of examples/echo-bot.`,
    '',
    `Baseline \`node -e 0\`: p50 ${pct(baseline, 0.5).toFixed(0)} ms, p90 ${pct(baseline, 0.9).toFixed(0)} ms.`,
    '',
    'Installs:',
    ...installs.map((i) => `- **${i.id}**: ${i.label}`),
    ...(existsSync(npmBin) ? [] : ['- (no npm install found: run `bash scripts/check-shipping.sh` first to measure it)']),
    ...(existsSync(sea) ? [] : ['- (no single executable found: run `npm run build:binary` first to measure it)']),
    '',
    `| command | target | ${installs.map((i) => `${i.id} p50 / p90`).join(' | ')} |`,
    `|---|---|${installs.map(() => '---|').join('')}`,
  );
  for (const c of COMMANDS) {
    const cells = installs.map((i) => {
      const xs = runs.get(`${c.id}|${i.id}`)!;
      return `${pct(xs, 0.5).toFixed(0)} / ${pct(xs, 0.9).toFixed(0)} ms`;
    });
    lines.push(`| \`${c.id}\` | ${c.target ? `≤ ${c.target} ms` : '—'} | ${cells.join(' | ')} |`);
  }
  process.stdout.write(`## Start-up and whole-process times\n\n${lines.join('\n')}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
