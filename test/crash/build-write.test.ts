// `build` under SIGKILL (issue 8): a process building one project again and again (builder.ts,
// the real buildPlugin) is killed, a third of the time at a random moment and otherwise just as
// it starts writing dist/ (the first change the directory sees after a build began, plus a
// few ms), where an in-place write would leave a cut plugin.js for serve to load. After every
// kill, dist/plugin.js must be one whole generation that parses, never older than the last
// acknowledged build, and its source map must parse. The partial files the kills leave are
// removed by the next build.
import { spawn } from 'node:child_process';
import { watch, existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Script } from 'node:vm';

import { describe, expect } from 'vitest';

import { PARTIAL_PREFIX } from '../../src/lib/atomic-write.js';
import { buildPlugin } from '../../src/lib/compiler/build.js';
import { createContext } from '../../src/lib/context.js';
import { ROOT, test } from '../cli/helpers.js';
import { createRng } from './random.js';
import { sleep } from './serve-process.js';

// 3 in the normal suite (each kill restarts a builder: ~10 s on a loaded machine); `npm run crash` runs 30
const KILLS = Number(process.env.CRASH_BUILD_KILLS ?? 3);
const PAYLOAD = Number(process.env.CRASH_BUILD_BYTES ?? 4 << 20);
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** The generation dist/plugin.js holds, or what is wrong with it. */
function generationOf(text: string): number | string {
  try {
    new Script(text, { filename: 'plugin.js' });
  } catch (err) {
    return `does not parse (${text.length} chars): ${(err as Error).message}`;
  }
  const head = /"gen-head (\d+)"/.exec(text);
  const tail = /"gen-tail (\d+)"/.exec(text);
  const payload = /"([a-z])\1*"/.exec(text);
  if (!head || !tail || head[1] !== tail[1]) return `markers ${head?.[1]} / ${tail?.[1]} (${text.length} chars)`;
  if (!payload || payload[0].length - 2 !== PAYLOAD) return `generation ${head[1]} with a payload of ${payload ? payload[0].length - 2 : 'no'} chars`;
  return Number(head[1]);
}

/** Starts the builder; kills it at `delayMs` after the first build, or (`onWrite`) as a later build starts writing dist/. */
async function buildAndKill(dir: string, from: number, how: { onWrite: boolean; delayMs: number }): Promise<{ lastAcked: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', TSX, join(ROOT, 'test', 'crash', 'builder.ts'), dir, String(PAYLOAD), String(from)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let writing = false;
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const deadline = Date.now() + 90_000;
  while (!stdout.includes('built') && child.exitCode === null && Date.now() < deadline) await sleep(10);
  if (how.onWrite) {
    // the next change in dist/ after this point is the next build's first write
    const ack = stdout.length;
    const watcher = watch(join(dir, 'dist'), () => {
      if (stdout.length > ack || writing) return;
      writing = true;
      if (how.delayMs === 0) child.kill('SIGKILL');
      else setTimeout(() => child.kill('SIGKILL'), how.delayMs);
    });
    while (!writing && child.exitCode === null && Date.now() < deadline) await sleep(5);
    watcher.close();
  } else {
    await sleep(how.delayMs);
    child.kill('SIGKILL');
  }
  await closed;
  const acked = [...stdout.matchAll(/built (\d+)/g)].map((m) => Number(m[1]));
  return { lastAcked: acked.length ? acked.at(-1)! : null, stderr };
}

describe('build under SIGKILL', () => {
  test(`${KILLS} kills mid-build: dist/plugin.js is always a whole generation that parses`, async ({ tempDir }) => {
    const seed = Number(process.env.CRASH_SEED ?? 11);
    const rng = createRng(seed);
    const dir = join(tempDir, 'big');
    mkdirSync(dir);
    writeFileSync(join(dir, 'plugin.manifest.json'), JSON.stringify({ api: '1', name: 'Big', slug: 'big', version: '1.0.0', permissions: ['http.serve'] }));
    const failures: string[] = [];
    let next = 0;
    let onWriteKills = 0;
    for (let i = 1; i <= KILLS; i++) {
      const how = i % 3 !== 0 ? { onWrite: true, delayMs: rng.int(0, 4) } : { onWrite: false, delayMs: rng.int(0, 2000) };
      const { lastAcked, stderr } = await buildAndKill(dir, next, how);
      expect(lastAcked, stderr).not.toBeNull();
      if (how.onWrite) onWriteKills++;
      const found = generationOf(readFileSync(join(dir, 'dist', 'plugin.js'), 'utf8'));
      if (typeof found === 'string') failures.push(`kill ${i} (${how.onWrite ? `${how.delayMs} ms into the write` : `after ${how.delayMs} ms`}): ${found}`);
      else if (found !== lastAcked && found !== lastAcked! + 1) failures.push(`kill ${i}: generation ${found}, last acknowledged ${lastAcked}`);
      try {
        JSON.parse(readFileSync(join(dir, 'dist', 'plugin.js.map'), 'utf8'));
      } catch (err) {
        failures.push(`kill ${i}: plugin.js.map: ${(err as Error).message}`);
      }
      next = Math.max(lastAcked!, typeof found === 'number' ? found : 0) + 1;
    }
    expect(failures).toEqual([]);
    expect(onWriteKills).toBe(KILLS - Math.floor(KILLS / 3));

    // the next build removes what the killed ones left
    const sink = { write: () => true, isTTY: false };
    await buildPlugin(createContext({ cwd: dir, stdout: sink, stderr: sink, color: false, logLevel: 'warn', env: {} }), { dir, typecheck: 'off' });
    expect(readdirSync(join(dir, 'dist')).filter((n) => n.startsWith(PARTIAL_PREFIX))).toEqual([]);
    expect(existsSync(join(dir, 'dist', 'plugin.js'))).toBe(true);
  }, 600_000);
});
