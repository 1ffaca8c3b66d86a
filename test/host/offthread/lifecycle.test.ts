import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { describe, expect, it, onTestFinished } from 'vitest';

const script = fileURLToPath(new URL('./fixtures/lifecycle-script.ts', import.meta.url));
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const list = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (list) out.push(...list.split(/\s+/).map(Number));
    }
  } catch {
    // gone
  }
  return out;
}
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

describe.skipIf(process.platform !== 'linux')('off-thread services and the process lifetime', () => {
  it('do not keep the process alive, and the SQL helper goes with it', async () => {
    // A temp dir of its own, to see that the throwaway databases are removed at exit.
    const tmp = mkdtempSync(join(tmpdir(), 'ocp-lifecycle-'));
    onTestFinished(() => rmSync(tmp, { recursive: true, force: true }));
    const proc = spawn(process.execPath, ['--import', tsx, script], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, TMPDIR: tmp } });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const helpers: number[] = [];
    const watcher = setInterval(() => helpers.push(...childrenOf(proc.pid!)), 20);
    const code = await new Promise<number | null>((resolve) => proc.on('exit', resolve));
    clearInterval(watcher);
    expect(code).toBe(0);
    expect(out).toContain('{"columns":["one"],"rows":[[1]]}');
    expect(out).toContain('"error":"HTTP request to \\"http://127.0.0.1:1/\\" is not allowed');
    expect(helpers.length).toBeGreaterThan(0);
    for (const pid of new Set(helpers)) expect(await until(() => !alive(pid), 5000)).toBe(true);
    // Its throwaway database directory went too.
    expect(readdirSync(tmp).filter((n) => n.startsWith('owncast-plugin-sql-'))).toEqual([]);
  });

  it('the SQL helper dies when its host is killed outright', async () => {
    // Killed outright, it cannot clean up its temp files: keep them in a dir this test removes.
    const tmp = mkdtempSync(join(tmpdir(), 'ocp-lifecycle-'));
    onTestFinished(() => rmSync(tmp, { recursive: true, force: true }));
    const proc = spawn(process.execPath, ['--import', tsx, script, '--hold'], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, TMPDIR: tmp } });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    expect(await until(() => out.includes('holding'), 60_000)).toBe(true);
    const helpers = childrenOf(proc.pid!);
    expect(helpers.length).toBeGreaterThan(0);
    proc.kill('SIGKILL');
    for (const pid of helpers) expect(await until(() => !alive(pid), 5000)).toBe(true);
  });
});
