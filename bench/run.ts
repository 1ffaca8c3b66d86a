// npm run bench — runs every benchmark (each in its own process, one after another, so they do
// not share a warm V8 or compete for the two cores) and writes BENCHMARKS.md.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

import { packageRoot } from '../src/lib/engine/paths.js';

const BENCHES: [file: string, heading: string][] = [
  ['engine.bench.ts', 'Engine'],
  ['host.bench.ts', 'Host runtime'],
  ['offthread.bench.ts', 'Off-thread services: storage.sql and network.fetch'],
  ['hostile.bench.ts', 'Hostile plugins beside well-behaved ones'],
  ['hostile-serve.bench.ts', 'Hostile plugins under load through `serve`'],
  ['plugin-threads.bench.ts', "A plugin's own thread in `serve`"],
  ['serve.bench.ts', '`serve` under load'],
  ['simulate.bench.ts', '`simulate`: throughput'],
  ['test-runner.bench.ts', '`owncast-plugin test`: wall time'],
  ['watch.bench.ts', '`watch --serve`: save → reloaded plugin answering'],
  ['typecheck.bench.ts', 'Type checking'],
  ['start.bench.ts', 'Start-up and whole-process times'],
];
const root = packageRoot();
const tsx = join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs');
const extra = process.argv.slice(2);

const sections: string[] = [];
for (const [file, heading] of BENCHES) {
  process.stderr.write(`bench: ${file}\n`);
  const out = execFileSync(process.execPath, ['--import', tsx, join(root, 'bench', file), ...extra], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 16 * 1024 * 1024,
  });
  const body = out.trim();
  sections.push(body.startsWith('## ') ? body : `## ${heading}\n\n${body}`);
}
const text = [
  '# Benchmarks',
  '',
  `Produced by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}. Each section comes from its own file in bench/, run in its own process.`,
  '',
  ...sections.flatMap((s) => [s, '']),
].join('\n');
if (!extra.includes('--quick')) writeFileSync(join(root, 'BENCHMARKS.md'), text);
process.stdout.write(text);
