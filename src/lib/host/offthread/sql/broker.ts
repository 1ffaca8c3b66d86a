// The worker thread between the host's synchronous SQL calls and the SQL helper process:
// it owns the process and its IPC channel (which need an event loop the blocked host
// thread does not have), and registers the process so the host can kill it on a timeout.

import { spawn, type ChildProcess } from 'node:child_process';

import { childArgs, type ModuleEntry } from '../entry.js';
import { markReady, markRestarting, registeredHelperPid, registerHelperPid, serveSync, syncWorkerData } from '../sync-serve.js';
import { SQL_STORAGE_UNAVAILABLE } from './limits.js';
import type { SqlBrokerRequest, SqlChildConfig, SqlChildMessage } from './protocol.js';

export interface SqlBrokerData {
  child: ModuleEntry;
  config: SqlChildConfig;
}

const { child: entry, config } = syncWorkerData<SqlBrokerData>();
const pending = new Map<number, (result: string) => void>();
let seq = 0;
let helper: Promise<ChildProcess> | null = null;

function start(): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, childArgs(entry), {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
      env: { ...process.env, OWNCAST_PLUGIN_SQL_CONFIG: JSON.stringify(config) },
    });
    let stderr = '';
    proc.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    let ready = false;
    proc.on('message', (m: SqlChildMessage) => {
      if ('ready' in m) {
        ready = true;
        registerHelperPid(proc.pid!);
        resolve(proc);
        return;
      }
      const done = pending.get(m.id);
      pending.delete(m.id);
      done?.(m.result);
    });
    proc.on('error', reject);
    proc.on('exit', (code, signal) => {
      // the host takes the pid before it kills a helper (with this worker, after a timeout)
      const diedOnItsOwn = ready && registeredHelperPid() === proc.pid;
      helper = null;
      registerHelperPid(0);
      reject(new Error(`the SQL helper exited (${signal ?? code}) before it was ready: ${stderr.trim()}`));
      // Whatever was in flight is lost with the process; its database is not (WAL).
      for (const done of pending.values()) done(JSON.stringify({ error: SQL_STORAGE_UNAVAILABLE }));
      pending.clear();
      // A helper that was serving died on its own (a crash, the OOM killer, its watchdog):
      // start the next one now, and have the host's next call wait for it outside its 2 s,
      // rather than start it inside that call, which on a loaded machine (a start of 1-5 s)
      // timed out too, a second strike for one death. One that never got ready is not
      // restarted here (no loop); the next call tries again.
      if (diedOnItsOwn) restart();
    });
  });
}

function restart(): void {
  markRestarting();
  const next = start();
  helper = next;
  next.then(markReady, () => {
    if (helper === next) helper = null;
    markReady();
  });
}

async function call(req: SqlBrokerRequest): Promise<string> {
  helper ??= start();
  let proc: ChildProcess;
  try {
    proc = await helper;
  } catch (err) {
    helper = null; // try a fresh process next time
    throw err;
  }
  const id = ++seq;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    proc.send({ id, ...req });
  });
}

void serveSync<SqlBrokerRequest>(call, async () => {
  helper = start();
  await helper;
});
