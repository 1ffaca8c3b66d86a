// A SQL helper process that dies on its own (a crash, the OOM killer, its watchdog) is replaced
// at once, and the host's next call waits for the new one outside its time limit. Before, the
// next call started the helper itself, inside its 2 s: on a loaded machine (starts of 1-5 s
// seen in a soak) it timed out too, a second strike for one death. Here the limit is 300 ms,
// well under any helper's start, so a call that paid for the start would fail.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { createSqlService } from '../../../src/lib/host/offthread/sql/service.js';

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup.splice(0).reverse()) f();
});

/** Pids of this process's SQL helper processes (children running sql/child). */
function helperPids(): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null && Number(m[2]) === process.pid && /offthread[/\\]sql[/\\]child\.[jt]s/.test(m[3]!))
    .map((m) => Number(m[1]));
}

async function until<T>(what: string, probe: () => T | undefined, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('a SQL helper that dies on its own', () => {
  it('is replaced at once; the next call waits for the new one outside its limit, and finds the data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ocp-sql-restart-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const warnings: string[] = [];
    const sql = createSqlService({ dataDir: dir, timeoutMs: 300, log: { warn: (m) => warnings.push(m) } });
    cleanup.push(() => sql.close());
    expect(sql.warm()).toBe(true);
    expect(sql.exec('p', JSON.stringify({ sql: 'CREATE TABLE t (v TEXT); INSERT INTO t VALUES (?)', params: ['kept'] }))).toMatch(/^{"rowsAffected":1/);

    const [first] = await until('the helper', () => (helperPids().length === 1 ? helperPids() : undefined));
    process.kill(first!, 'SIGKILL');
    // the broker starts the next helper by itself, without a call asking for it
    const second = await until('a new helper after the kill', () => helperPids().find((pid) => pid !== first));
    expect(second).not.toBe(first);

    const answer = sql.query('p', JSON.stringify({ sql: 'SELECT v FROM t' }));
    expect(answer, warnings.join('\n')).toBe('{"columns":["v"],"rows":[["kept"]]}');
    expect(sql.exec('p', JSON.stringify({ sql: 'INSERT INTO t VALUES (?)', params: ['after'] }))).toMatch(/^{"rowsAffected":1/);
    expect(helperPids()).toEqual([second]);
    expect(warnings).toEqual([]);
  }, 90_000);
});
