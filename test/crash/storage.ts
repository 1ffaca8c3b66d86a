// KV, SQL and fs writes through the crash probe (test/fixtures/crash) until serve is killed,
// and the checks that every acknowledged one is still there: on disk right after the kill
// and through the plugin after the restart.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Rng } from './random.js';
import { copyDatabases, integrityCheck, withReadOnly } from './sqlite-files.js';

export const PROBE_SLUG = 'crash-probe';

/** Generation `gen` of file `name`, as the probe writes it. */
export function fileContent(name: string, gen: number, size: number): string {
  return `${name} ${gen} ${size}\n${String.fromCharCode(97 + (gen % 26)).repeat(size)}`;
}

interface FileState {
  /** The generation the last acknowledged write left, or null before the first. */
  acked: number | null;
  /** The generation being written when serve was killed (its outcome unknown), or null. */
  inflight: number | null;
  sizes: Map<number, number>;
}

/** What must be there: every acknowledged write (and every write seen on disk since). */
export class StorageModel {
  readonly kv = new Map<string, string>();
  readonly sql = new Map<string, string>();
  readonly files = new Map<string, FileState>();
  /** Writes not acknowledged before the kill, to see whether they landed. */
  pending: { kind: 'kv' | 'sql'; key: string; value: string }[] = [];

  file(name: string): FileState {
    let f = this.files.get(name);
    if (!f) this.files.set(name, (f = { acked: null, inflight: null, sizes: new Map() }));
    return f;
  }

  nextGen(name: string): number {
    const f = this.file(name);
    return Math.max(-1, ...f.sizes.keys()) + 1;
  }
}

export interface WriteRound {
  acked: { kv: number; sql: number; fs: number };
  attempted: number;
  /** Requests still unanswered when the kill was sent. */
  inFlightAtKill: number;
  trigger: 'acks' | 'timer';
  killAtMs: number;
  /** Non-200 answers from a live server: each one is a failure of its own. */
  refused: string[];
}

export interface WriteOptions {
  round: number;
  rng: Rng;
  /** Requests in flight at once. */
  concurrency: number;
  /** Lanes 0..files-1 each own one file (so a file has at most one write in flight). */
  files: number;
  /** Per write, the chance that a lane owning a file writes it. */
  fsShare: number;
  fileSize: [number, number];
  /** Kill after this many acknowledgments, or else after killAfterMs. */
  killAfterAcks: number | null;
  killAfterMs: number;
  kill(): Promise<unknown>;
}

/** Writes from `concurrency` lanes until the kill, which is fired from inside the run. */
export async function writeUntilKilled(url: string, model: StorageModel, o: WriteOptions): Promise<WriteRound> {
  const base = `${url}/plugins/${PROBE_SLUG}`;
  const result: WriteRound = { acked: { kv: 0, sql: 0, fs: 0 }, attempted: 0, inFlightAtKill: 0, trigger: 'timer', killAtMs: 0, refused: [] };
  const start = performance.now();
  let inFlight = 0;
  let killing: Promise<unknown> | null = null;
  const fire = (trigger: WriteRound['trigger']) => {
    if (killing) return;
    result.trigger = trigger;
    result.killAtMs = Math.round(performance.now() - start);
    result.inFlightAtKill = inFlight;
    killing = o.kill();
  };
  const timer = setTimeout(() => fire('timer'), o.killAfterAcks === null ? o.killAfterMs : 30_000);
  const acks = () => result.acked.kv + result.acked.sql + result.acked.fs;

  const lane = async (index: number) => {
    const own = index < o.files ? `f${index}` : null;
    for (let seq = 0; !killing; seq++) {
      const kind = own && o.rng.chance(o.fsShare) ? 'fs' : o.rng.chance(0.5) ? 'kv' : 'sql';
      const key = `r${o.round}-l${index}-${seq}-${kind}`;
      const value = `${key}:${'v'.repeat(o.rng.int(8, 400))}`;
      let target: string;
      let gen = 0;
      if (kind === 'fs') {
        gen = model.nextGen(own!);
        const f = model.file(own!);
        f.sizes.set(gen, o.rng.int(o.fileSize[0], o.fileSize[1]));
        f.inflight = gen;
        target = `${base}/fs?name=${own}&gen=${gen}&size=${f.sizes.get(gen)}`;
      } else {
        model.pending.push({ kind, key, value });
        target = `${base}/${kind}?key=${encodeURIComponent(key)}&value=${encodeURIComponent(value)}`;
      }
      result.attempted++;
      inFlight++;
      let answer: { status: number; body: string } | null = null;
      try {
        const res = await fetch(target, { method: 'POST', signal: AbortSignal.timeout(60_000) });
        answer = { status: res.status, body: await res.text() };
      } catch {
        // the connection died with serve: not acknowledged
      } finally {
        inFlight--;
      }
      if (!answer) break;
      const parsed = safeJson(answer.body) as { key?: string; gen?: number } | null;
      if (answer.status !== 200 || (kind === 'fs' ? parsed?.gen !== gen : parsed?.key !== key)) {
        result.refused.push(`${kind} ${key}: ${answer.status} ${answer.body.slice(0, 200)}`);
        break;
      }
      if (kind === 'fs') {
        const f = model.file(own!);
        f.acked = gen;
        f.inflight = null;
        result.acked.fs++;
      } else {
        model[kind].set(key, value);
        model.pending = model.pending.filter((p) => p.key !== key);
        result.acked[kind]++;
      }
      if (o.killAfterAcks !== null && acks() >= o.killAfterAcks) fire('acks');
    }
  };

  await Promise.all(Array.from({ length: o.concurrency }, (_, i) => lane(i)));
  // every lane stopped: if none was killed (all refused), kill now so the round still ends
  fire(result.trigger);
  clearTimeout(timer);
  await killing;
  return result;
}

/** What one check found. Anything in losses, integrity, invariants or torn is a failure. */
export interface CheckReport {
  /** Acknowledged writes looked for. */
  checked: number;
  losses: string[];
  /** Database files checked, and what PRAGMA integrity_check said of the unsound ones. */
  databases: number;
  integrity: string[];
  invariants: string[];
  torn: string[];
  /** Writes never acknowledged that turned out committed (the kill fell between commit and answer). */
  unackedPresent: number;
}

const emptyReport = (): CheckReport => ({ checked: 0, losses: [], databases: 0, integrity: [], invariants: [], torn: [], unackedPresent: 0 });

/**
 * After the kill, with every process of serve gone: copies the databases, integrity-checks
 * them, and looks for every acknowledged write in the copies and in the sandbox's files.
 * Whatever is on disk becomes part of what must survive the restart.
 */
export function checkOnDisk(stateDir: string, scratch: string, model: StorageModel): CheckReport {
  const report = emptyReport();
  const copies = copyDatabases(stateDir, scratch);
  report.databases = copies.length;
  for (const c of copies) {
    const answer = integrityCheck(c.file);
    if (answer.join() !== 'ok') report.integrity.push(`${c.name}: ${answer.join('; ')}`);
  }
  const kvCopy = copies.find((c) => c.name === join('data', 'kv.db'));
  const kv = new Map<string, string>(
    kvCopy ? withReadOnly(kvCopy.file, (db) => db.prepare('SELECT key, value FROM kv WHERE slug = ?').raw().all(PROBE_SLUG) as [string, string][]) : [],
  );
  const sqlCopy = copies.find((c) => c.name === join('data', PROBE_SLUG, 'db', 'plugin.db'));
  const sql = new Map<string, string>();
  if (sqlCopy) {
    withReadOnly(sqlCopy.file, (db) => {
      const tables = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
      if (!tables.has('writes')) return;
      const rows = db.prepare('SELECT k, v FROM writes').raw().all() as [string, string][];
      for (const [k, v] of rows) sql.set(k, v);
      const stats = db
        .prepare(
          `SELECT (SELECT count(*) FROM audit) AS audit, (SELECT n FROM tally WHERE id = 1) AS tally,
                  (SELECT count(*) FROM writes w WHERE NOT EXISTS (SELECT 1 FROM audit a WHERE a.k = w.k)) AS unmatched`,
        )
        .get() as { audit: number; tally: number; unmatched: number };
      invariants(report, 'on disk', { writes: rows.length, distinct: sql.size, ...stats });
    });
  }
  compareRows(report, model, kv, sql, 'on disk');
  for (const [name, f] of model.files) {
    const path = join(stateDir, 'data', PROBE_SLUG, 'files', 'files', name);
    const text = existsSync(path) ? readFileSync(path, 'latin1') : null;
    checkFile(report, name, f, text, 'on disk');
  }
  // what did not land by now never will: serve and its helpers are gone
  model.pending = [];
  return report;
}

/** After the restart: the same, through the probe's read routes. */
export async function checkOverHttp(url: string, model: StorageModel): Promise<CheckReport> {
  const report = emptyReport();
  const base = `${url}/plugins/${PROBE_SLUG}`;
  const kv = new Map<string, string>();
  const keys = [...model.kv.keys(), ...model.pending.filter((p) => p.kind === 'kv').map((p) => p.key)];
  for (let i = 0; i < keys.length; i += 500) {
    const res = await getJson<{ values: Record<string, string | null> }>(`${base}/kv/read`, JSON.stringify(keys.slice(i, i + 500)));
    for (const [k, v] of Object.entries(res.values)) if (v !== null) kv.set(k, v);
  }
  const sql = new Map<string, string>();
  let rows = 0;
  for (let after = 0; ; ) {
    const page = await getJson<{ rows: { id: number; k: string; v: string }[] }>(`${base}/sql?after=${after}&limit=1000`);
    for (const r of page.rows) sql.set(r.k, r.v);
    rows += page.rows.length;
    if (page.rows.length < 1000) break;
    after = page.rows.at(-1)!.id;
  }
  const stats = await getJson<{ writes: number; audit: number; tally: number; unmatched: number }>(`${base}/sql/check`);
  invariants(report, 'after restart', { ...stats, writes: rows, distinct: sql.size });
  compareRows(report, model, kv, sql, 'after restart');
  for (const [name, f] of model.files) {
    const res = await fetch(`${base}/fs?name=${name}`);
    const text = res.status === 404 ? null : Buffer.from(await res.arrayBuffer()).toString('latin1');
    checkFile(report, name, f, text, 'after restart');
  }
  return report;
}

function invariants(report: CheckReport, where: string, s: { writes: number; distinct: number; audit: number; tally: number; unmatched: number }): void {
  // one exec wrote all three: a row without its audit row or a tally that disagrees is a torn transaction
  if (s.writes !== s.distinct) report.invariants.push(`${where}: ${s.writes - s.distinct} duplicated SQL rows`);
  if (s.audit !== s.writes || Number(s.tally) !== s.writes || s.unmatched !== 0) {
    report.invariants.push(`${where}: writes ${s.writes}, audit ${s.audit}, tally ${s.tally}, writes without audit ${s.unmatched}`);
  }
}

/** Every acknowledged KV and SQL write has its value; pending ones that landed join the model. */
function compareRows(report: CheckReport, model: StorageModel, kv: Map<string, string>, sql: Map<string, string>, where: string): void {
  for (const [kind, found] of [
    ['kv', kv],
    ['sql', sql],
  ] as const) {
    for (const [key, value] of model[kind]) {
      report.checked++;
      const got = found.get(key);
      if (got !== value) report.losses.push(`${where}: ${kind} ${key} ${got === undefined ? 'missing' : `has ${JSON.stringify(got.slice(0, 40))}`}`);
    }
  }
  const still: StorageModel['pending'] = [];
  for (const p of model.pending) {
    const got = (p.kind === 'kv' ? kv : sql).get(p.key);
    if (got === undefined) {
      still.push(p);
      continue;
    }
    if (got !== p.value) report.losses.push(`${where}: unacknowledged ${p.kind} ${p.key} landed with a wrong value`);
    report.unackedPresent++;
    model[p.kind].set(p.key, p.value);
  }
  model.pending = still;
}

/** A file is one whole generation: the last acknowledged one or the one in flight at the kill. */
function checkFile(report: CheckReport, name: string, f: FileState, text: string | null, where: string): void {
  if (f.acked !== null) report.checked++;
  const allowed = [f.acked, f.inflight].filter((g): g is number => g !== null);
  if (text === null) {
    if (f.acked !== null) report.losses.push(`${where}: file ${name} (generation ${f.acked}) missing`);
    f.inflight = null;
    return;
  }
  const header = /^(\S+) (\d+) (\d+)\n/.exec(text);
  const gen = header ? Number(header[2]) : NaN;
  const whole = header !== null && header[1] === name && f.sizes.get(gen) === Number(header[3]) && text === fileContent(name, gen, Number(header[3]));
  if (!whole) {
    report.torn.push(`${where}: file ${name} is not a whole generation (${text.length} bytes, starts ${JSON.stringify(text.slice(0, 30))}; expected generation ${allowed.join(' or ')})`);
    f.acked = null;
    f.inflight = null;
    return;
  }
  if (!allowed.includes(gen)) {
    report.losses.push(`${where}: file ${name} holds generation ${gen}, expected ${allowed.join(' or ')}`);
  }
  if (gen === f.inflight) report.unackedPresent++;
  f.acked = gen;
  f.inflight = null;
}

async function getJson<T>(url: string, body?: string): Promise<T> {
  const res = await fetch(url, body === undefined ? {} : { method: 'POST', body });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
