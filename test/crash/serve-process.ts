// `owncast-plugin serve` as a child process that can be SIGKILLed: the compiled CLI
// (bin/run.js), on port 0, in a process group of its own so that the test can tell when
// every process serve started (the SQL helper) is gone too before it opens the databases.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ServeProcess {
  readonly url: string;
  readonly pid: number;
  /** What serve printed so far (stdout then stderr), for failure messages. */
  output(): string;
  /** SIGKILL to serve alone (not its helpers), then waits until every process of its group has ended. */
  kill(): Promise<{ exitSignal: string | null; helpersGoneMs: number }>;
  /** Ctrl-C: SIGINT, then the exit code. */
  stop(): Promise<number | null>;
}

// Groups still alive if a test fails half-way: ended when the test file ends (see killLeftovers)
// or, at the latest, when the test process exits (serve runs detached, so nothing else would).
const groups = new Set<number>();
let exitHook = false;

/** Starts serve with `args` in `cwd` and waits for its banner (the URL it listens on). */
export async function startServe(cwd: string, args: string[], timeoutMs = 90_000): Promise<ServeProcess> {
  // a serve that never gets ready is asked for a diagnostic report (stacks, handles) before it is ended
  const reports = mkdtempSync(join(tmpdir(), 'owncast-plugin-serve-report-'));
  const nodeOptions = `${process.env.NODE_OPTIONS ?? ''} --report-on-signal --report-signal=SIGUSR2 --report-directory=${reports}`.trim();
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'run.js'), 'serve', ...args, '--port', '0'], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', NODE_OPTIONS: nodeOptions },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const pid = child.pid!;
  groups.add(pid);
  if (!exitHook) {
    exitHook = true;
    process.on('exit', killLeftovers);
  }
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  let gone = false;
  void exited.then(() => (gone = true));
  const output = () => `--- stdout\n${stdout}\n--- stderr\n${stderr}`;

  const deadline = Date.now() + timeoutMs;
  while (!/Ctrl-C to stop/.test(stdout)) {
    if (gone || Date.now() > deadline) {
      const report = gone ? '' : await diagnosticReport(pid, reports, () => /report completed/i.test(stderr));
      killGroup(pid);
      throw new Error(`serve ${args.join(' ')} did not start (${gone ? 'it exited' : `timed out after ${timeoutMs} ms`})\n${output()}${report}`);
    }
    await sleep(25);
  }
  rmSync(reports, { recursive: true, force: true });
  const url = /owncast-plugin serve (http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout)?.[1];
  if (!url) throw new Error(`no URL in the banner\n${output()}`);

  return {
    url,
    pid,
    output,
    async kill() {
      child.kill('SIGKILL');
      const { signal } = await exited;
      const start = Date.now();
      await waitGroupGone(pid, 15_000);
      groups.delete(pid);
      return { exitSignal: signal, helpersGoneMs: Date.now() - start };
    },
    async stop() {
      child.kill('SIGINT');
      const { code } = await exited;
      await waitGroupGone(pid, 15_000);
      groups.delete(pid);
      return code;
    },
  };
}

/** Asks serve for Node's diagnostic report and returns its stacks, for the failure message. */
async function diagnosticReport(pid: number, dir: string, written: () => boolean): Promise<string> {
  try {
    process.kill(pid, 'SIGUSR2');
  } catch {
    return '';
  }
  for (let i = 0; i < 200 && !written(); i++) await sleep(50);
  const file = readdirSync(dir)[0];
  if (!file) return '\n--- no diagnostic report';
  try {
    const report = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { javascriptStack?: unknown; workers?: { javascriptStack?: unknown }[] };
    const stacks = { main: report.javascriptStack, workers: (report.workers ?? []).map((w) => w.javascriptStack) };
    return `\n--- diagnostic report (${join(dir, file)})\n${JSON.stringify(stacks, null, 2)}`;
  } catch (err) {
    return `\n--- diagnostic report unreadable: ${String(err)} (${join(dir, file)})`;
  }
}

/** SIGKILLs every group this module started that is still alive. */
export function killLeftovers(): void {
  for (const pid of groups) killGroup(pid);
  groups.clear();
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * Waits until no running process is left in process group `pgid`. Zombies do not count: a
 * helper orphaned by the kill is re-parented to an init that may never reap it, but it has
 * stopped running and closed its files. Needs /proc (Linux); elsewhere it only waits a second.
 */
async function waitGroupGone(pgid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = liveMembers(pgid);
    if (alive === null) return sleep(1000);
    if (alive.length === 0) return;
    if (Date.now() > deadline) {
      killGroup(pgid);
      throw new Error(`processes of serve's group ${pgid} still running ${timeoutMs} ms after serve was killed: ${alive.join(', ')}`);
    }
    await sleep(20);
  }
}

/** Pids of the group's processes that are not zombies, or null without /proc. */
function liveMembers(pgid: number): number[] | null {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return null;
  }
  const alive: number[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so split after the last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') alive.push(Number(name));
  }
  return alive;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
