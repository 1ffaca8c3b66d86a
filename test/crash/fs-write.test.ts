// owncast.fs.write under SIGKILL (issue 8, item 3): a process rewriting a large file in a
// sandbox is killed mid-write again and again; the file must always be one whole generation,
// the last acknowledged one or the one being written, never a truncated mix. (The host used
// to open the destination with O_TRUNC and write in place: a kill between the two left a
// short or empty file, losing the acknowledged content.) The partial files the kills leave
// are removed by the next process's first write.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { describe, expect } from 'vitest';

import { createFsSandbox, PARTIAL_PREFIX } from '../../src/lib/host/storage/fs.js';
import { ROOT, test } from '../cli/helpers.js';
import { createRng } from './random.js';
import { sleep } from './serve-process.js';
import { recordFigures, type FsFigures } from './summary.js';

const KILLS = Number(process.env.CRASH_FS_KILLS ?? 5);
const SIZE = 8 << 20;
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** The generation a file holds, or a description of how it is torn. */
function generationOf(bytes: Buffer): number | string {
  const newline = bytes.indexOf(10);
  const m = /^(\d+) (\d+)$/.exec(bytes.subarray(0, Math.max(0, newline)).toString('latin1'));
  if (!m) return `no header (${bytes.length} bytes)`;
  const gen = Number(m[1]);
  const body = bytes.subarray(newline + 1);
  if (body.length !== Number(m[2])) return `generation ${gen} cut at ${body.length} of ${m[2]} bytes`;
  if (!body.equals(Buffer.alloc(body.length, 97 + (gen % 26)))) return `generation ${gen} with foreign bytes`;
  return gen;
}

/** Runs the writer until a random moment after its first acknowledged write, then SIGKILLs it. */
async function writeAndKill(root: string, from: number, delayMs: number): Promise<{ lastAcked: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', TSX, join(ROOT, 'test', 'crash', 'fs-writer.ts'), root, String(SIZE), String(from)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const deadline = Date.now() + 60_000;
  while (!stdout.includes('acked') && child.exitCode === null && Date.now() < deadline) await sleep(10);
  await sleep(delayMs);
  child.kill('SIGKILL');
  await closed; // stdout read to its end: every "acked" printed before the kill is in
  const acked = [...stdout.matchAll(/acked (\d+)/g)].map((m) => Number(m[1]));
  return { lastAcked: acked.length ? acked.at(-1)! : null, stderr };
}

describe('owncast.fs.write under SIGKILL', () => {
  test(`${KILLS} kills mid-write: the file is always a whole generation, never older than the last acknowledged`, async ({ tempDir }) => {
    const seed = Number(process.env.CRASH_SEED ?? 7);
    const rng = createRng(seed);
    const root = join(tempDir, 'files');
    const figures: FsFigures = { kills: 0, bytesPerWrite: SIZE, acknowledgedWrites: 0, inFlightFoundWhole: 0, tornFiles: 0, olderThanAcknowledged: 0, durationMs: 0 };
    const began = performance.now();
    const failures: string[] = [];
    let next = 0;
    try {
      for (let i = 1; i <= KILLS; i++) {
        const { lastAcked, stderr } = await writeAndKill(root, next, rng.int(0, 150));
        expect(lastAcked, stderr).not.toBeNull();
        figures.kills++;
        figures.acknowledgedWrites += lastAcked! - next + 1;
        const found = generationOf(readFileSync(join(root, 'data', 'big.bin')));
        if (typeof found === 'string') {
          figures.tornFiles++;
          failures.push(`kill ${i}: ${found} (last acknowledged: ${lastAcked})`);
        } else if (found !== lastAcked && found !== lastAcked! + 1) {
          figures.olderThanAcknowledged++;
          failures.push(`kill ${i}: generation ${found}, last acknowledged ${lastAcked}`);
        } else if (found === lastAcked! + 1) {
          figures.inFlightFoundWhole++;
        }
        next = Math.max(lastAcked!, typeof found === 'number' ? found : 0) + 1;
      }
    } finally {
      figures.durationMs = Math.round(performance.now() - began);
      recordFigures({ part: 'fs', seed, figures });
    }
    expect(failures).toEqual([]);
    expect(figures.kills).toBe(KILLS);

    // the next process's first write sweeps the partial files the kills left (their writers are gone)
    const box = createFsSandbox(root);
    expect(box.write('data/after.txt', Buffer.from('after')).ok).toBe(true);
    expect(readdirSync(join(root, 'data')).filter((n) => n.startsWith(PARTIAL_PREFIX))).toEqual([]);
    expect(box.list('data')).toEqual(['after.txt', 'big.bin']);
  }, 180_000);

  test("a sandbox's first write removes the partial files of processes that are gone, and only those", async ({ tempDir }) => {
    const gone = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ['-e', '0']);
      child.on('close', () => resolve(child.pid!));
    });
    const root = join(tempDir, 'files');
    mkdirSync(join(root, 'd'), { recursive: true });
    const partial = (pid: number) => `${PARTIAL_PREFIX}${pid}-0123456789ab`;
    const kept = [partial(process.pid), partial(process.ppid), `${PARTIAL_PREFIX}notes.txt`, 'plain.txt'];
    for (const dir of [root, join(root, 'd')]) for (const name of [partial(gone), ...kept]) writeFileSync(join(dir, name), 'leftover');

    const box = createFsSandbox(root);
    expect(box.write('new.txt', Buffer.from('new')).ok).toBe(true);
    expect(readdirSync(join(root, 'd')).sort()).toEqual([...kept].sort());
    expect(readdirSync(root).sort()).toEqual([...kept, 'd', 'new.txt'].sort());
    // usage counted after the sweep: the 8 files kept (8 bytes each) and the new one
    expect(box.usage()).toBe(kept.length * 2 * 8 + 3);
  });
});
