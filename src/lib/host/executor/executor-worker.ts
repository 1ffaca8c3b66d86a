// One plugin's executor: its wasm instance in a thread of its own, so that a plugin that holds
// its thread (a 5 s HTTP handler, a slow upstream, a module without the engine's interrupt)
// delays only its own calls. The plugin's world is not here: every host function is a
// synchronous call to the coordinator (the host thread with the dispatcher, env and storage),
// which answers with the real implementation while this thread blocks. What blocks by design
// runs here instead, so it never holds the coordinator: outbound HTTP (network.fetch, up to
// the call's deadline) and storage.sql (up to its 2 s timeout).

import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';

import { hostFunctionSpecs } from '../../engine/host-functions.js';
import { createHostCallRunner, readHostArgs, storeHostAnswer, type HostAnswer, type HostArg } from '../host-functions.js';
import { sqlFunctions } from '../functions/sql.js';
import { EngineCallError, PluginInstance, type GuestLogger, type HostFunction } from '../instance.js';
import { createHttpKernelOverrides, createHttpService } from '../offthread/http/index.js';
import { createSqlService, type SqlService } from '../offthread/sql/index.js';
import { waitForSyncAnswer } from '../offthread/sync-protocol.js';
import { CallBoardWriter, sharedNow } from '../threaded/call-board.js';
import type { PluginIdentity } from '../types.js';
import type { ExecutorData, ExecutorMessage, ExecutorRequest, WireEngineError } from './protocol.js';

const data = workerData as ExecutorData;
const { slug, port } = data;
const state = new Int32Array(data.state);
const board = new CallBoardWriter(data.callBoard);
const permissions: ReadonlySet<string> = new Set(data.permissions);
const send = (message: ExecutorMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
const warn = (message: string) => send({ kind: 'warn', message });

let seq = 0;
/** Host calls posted without waiting since the coordinator last answered one. */
let unanswered = 0;
/** Posted host calls allowed before this thread waits for the coordinator to catch up. */
const MAX_UNANSWERED = 256;

/** A host function run by the coordinator; this thread waits for the answer. */
function remote(name: string, args: HostArg[]): HostAnswer | null {
  const id = ++seq;
  send({ kind: 'host', id, name, args });
  // No limit: a coordinator that never answers is stuck itself, and its own watchdog (the
  // main thread's) ends it, and this thread with it.
  const answer = waitForSyncAnswer<HostAnswer>(port, state, id, Infinity);
  // the coordinator takes the port's messages in order: everything posted before is done
  unanswered = 0;
  return answer.ok ? answer.value : null;
}

/**
 * A host function without a result (chat and SSE sends, emits, kv.set, logs): posted, not
 * waited for. The port keeps order, so the coordinator runs it inside the same call and
 * before anything the plugin does next (a later kv.get sees the set); a round trip per call
 * would cost a flooding plugin its budget. Every MAX_UNANSWERED posts, one round trip lets
 * the coordinator catch up, so what waits on the port stays bounded.
 */
function posted(name: string, args: HostArg[]): null {
  send({ kind: 'host', id: 0, name, args });
  if (++unanswered >= MAX_UNANSWERED) remote('', []);
  return null;
}

/** storage.sql for a plugin granted it: run here, so a 2 s statement holds only this thread. */
const LOCAL_SQL = new Set(['owncast_sql_exec', 'owncast_sql_query']);

function hostFunctions(sql: SqlService | null): Record<string, HostFunction> {
  const local = sql
    ? createHostCallRunner({
        // storage.sql reads only the caller's slug and permissions
        caller: { slug, permissions } as PluginIdentity,
        implementations: sqlFunctions({ sql }),
        onError: (fn, err) => warn(`${fn.name}: the host failed while serving plugin "${slug}": ${err instanceof Error ? err.message : String(err)}`),
      })
    : null;
  const functions: Record<string, HostFunction> = {};
  for (const spec of hostFunctionSpecs()) {
    const { name } = spec;
    const nothing = spec.result === null ? undefined : 0n;
    const run = local && LOCAL_SQL.has(name) ? local : spec.result === null ? posted : remote;
    functions[name] = (mem, ...raw) => storeHostAnswer(mem, run(name, readHostArgs(mem, spec, raw)) ?? nothing);
  }
  return functions;
}

async function start(): Promise<{ instance: PluginInstance; close(): void }> {
  const sql = data.sql && permissions.has('storage.sql') ? createSqlService({ dataDir: data.sql.dataDir, scratchDir: data.sql.scratchDir ?? undefined, log: { warn } }) : null;
  // Started on first request only; a plugin without network.fetch is refused before that.
  const http = createHttpService({ log: { warn } });
  const closeServices = () => {
    sql?.close();
    http.close();
  };
  try {
    // Pay the services' start-up now, not inside the plugin's first call (host.ts #warmServices).
    if (sql) sql.query(slug, '{"sql":"SELECT 1"}');
    if (permissions.has('network.fetch')) http.warm();
    let deadlineAt = 0;
    const kernelOverrides = createHttpKernelOverrides(
      http,
      () => ({ slug, allowedHosts: data.allowedHosts, permitted: permissions.has('network.fetch'), deadlineAt }),
      { warn },
    );
    const log =
      (level: keyof GuestLogger) =>
      (message: string): void =>
        send({ kind: 'log', level, message });
    const instance = await PluginInstance.create({
      module: data.module,
      config: data.config,
      hostFunctions: hostFunctions(sql),
      kernelOverrides,
      logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
      onCallStart(exportName) {
        callsStarted++;
        const budgetMs = data.budgets[exportName] ?? 5_000;
        deadlineAt = performance.now() + budgetMs;
        const ticket = board.begin(slug, exportName, budgetMs);
        // the export runs synchronously from here on: this runs once it has returned
        queueMicrotask(() => board.end(ticket));
      },
    });
    return { instance, close: closeServices };
  } catch (err) {
    closeServices();
    throw err;
  }
}

let callsStarted = 0;
/** When the last call ended (performance.now()). */
let lastCallEnded = 0;
let demoted = false;

/**
 * After a call that ran to its deadline or out of memory, this thread gives way to every other
 * thread of the process for good (Linux: nice 19 for this thread only; a reload makes a new
 * thread). A plugin in its own thread that burns its budgets would otherwise take a core's
 * share from the well-behaved plugins, and on a machine with few cores their calls would then
 * wait past their own budgets. Elsewhere it does nothing.
 */
function demote(): void {
  if (demoted) return;
  demoted = true;
  try {
    // "<pid>/task/<tid>": setpriority on a thread id applies to that thread alone
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, 19);
  } catch {
    // not Linux, or not allowed: the plugin keeps its share
  }
}

function wireError(err: unknown, exportName: string): WireEngineError {
  if (err instanceof EngineCallError) {
    return { kind: err.kind, exportName: err.exportName, message: err.message, ...(err.pluginStack ? { pluginStack: err.pluginStack } : {}) };
  }
  return { kind: 'error', exportName, message: err instanceof Error ? err.message : String(err) };
}

/** A buffer the message may move rather than copy: only a whole one of its own. */
function movable(bytes: Uint8Array | null): ArrayBuffer[] {
  return bytes && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? [bytes.buffer as ArrayBuffer] : [];
}

try {
  const { instance, close } = await start();
  parentPort!.on('message', async (request: ExecutorRequest) => {
    if (request.op === 'close') {
      await instance.close();
      close();
      send({ kind: 'closed' });
      port.close();
      parentPort!.close();
      return;
    }
    const { id, exportName, input, budgetMs } = request;
    // What counts against the budget is the wait for the plugin's earlier calls (DESIGN §2.1),
    // here on the port as well as in the instance's queue: until the last one ended, not the
    // time the OS then took to run this thread (the host's cost, as waiting for the shared
    // thread was before plugins had their own).
    const now = performance.now();
    const madeAt = now - Math.max(0, sharedNow() - request.queuedAt);
    const queuedAt = now - Math.min(now - madeAt, Math.max(0, lastCallEnded - madeAt));
    const before = callsStarted;
    try {
      const out = await instance.call(exportName, input, undefined, { budgetMs, queuedAt });
      lastCallEnded = performance.now();
      send({ kind: 'result', id, ok: true, bytes: out.bytes, memoryBytes: instance.memoryBytes, recreations: instance.recreations }, movable(out.bytes));
    } catch (err) {
      lastCallEnded = performance.now();
      // it ran (not refused for waiting) and burned its budget or its heap
      if (callsStarted > before && err instanceof EngineCallError && (err.kind === 'deadline' || err.kind === 'out-of-memory')) demote();
      send({ kind: 'result', id, ok: false, error: wireError(err, exportName), memoryBytes: instance.memoryBytes, recreations: instance.recreations });
    }
  });
  send({ kind: 'ready' });
} catch (err) {
  send({ kind: 'boot-failed', message: err instanceof Error ? err.message : String(err) });
  port.close();
}
