// The managed plugins directory under kills: enable and disable (each approving what the
// plugin declares) through the dev API and the admin API until serve is killed, then the
// manager's state on disk and, after the restart, the plugins' statuses must show every
// acknowledged change.
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { writeZip } from '../package/zip-writer.js';
import type { Rng } from './random.js';
import { copyDatabases, integrityCheck, withReadOnly } from './sqlite-files.js';

export const MANAGER_SLUGS = ['crash-m-alpha', 'crash-m-beta', 'crash-m-gamma'] as const;
/** Permissions a plugin may declare from one start to the next (changing them needs a new approval). */
const PERMISSION_POOL = ['http.serve', 'storage.kv', 'chat.send', 'storage.sql', 'server.read'];
const SCRIPT = `"use strict";
var sdk = require("@owncast/plugin-sdk");
sdk.definePlugin({ onHttpRequest: function () { return { status: 200, body: "ok" }; } });
`;

interface SlugState {
  enabled: boolean;
  /** Sorted; null when never approved. */
  approved: string[] | null;
}

const key = (s: SlugState) => `${s.enabled}|${s.approved?.join(',') ?? '-'}`;
const dedup = (states: SlugState[]) => [...new Map(states.map((s) => [key(s), s])).values()];

export class ManagerModel {
  /** What each package declares now. */
  readonly declared = new Map<string, string[]>();
  /** The states each plugin may be in: one after an acknowledged change, more while an outcome is unknown. */
  readonly possible = new Map<string, SlugState[]>(MANAGER_SLUGS.map((s) => [s, [{ enabled: false, approved: null }]]));

  /** Writes each plugin's .ocpkg into `dir`, with a random permission set for those `rng` picks (all, the first time). */
  writePackages(dir: string, rng: Rng, share: number): void {
    for (const slug of MANAGER_SLUGS) {
      if (this.declared.has(slug) && !rng.chance(share)) continue;
      const permissions = PERMISSION_POOL.filter((p, i) => i === 0 || rng.chance(0.5)).sort();
      this.declared.set(slug, permissions);
      const manifest = { api: '1', name: slug, slug, version: '1.0.0', permissions };
      const tmp = join(dir, `.${slug}.tmp`);
      writeFileSync(tmp, writeZip([{ name: 'plugin.manifest.json', data: JSON.stringify(manifest) }, { name: 'plugin.js', data: SCRIPT }]));
      renameSync(tmp, join(dir, `${slug}.ocpkg`));
    }
  }
}

export interface OpsRound {
  acked: number;
  attempted: number;
  inFlightAtKill: number;
  trigger: 'acks' | 'timer';
  killAtMs: number;
  refused: string[];
}

export interface OpsOptions {
  rng: Rng;
  concurrency: number;
  /** Kill after this many acknowledgments, or else this long after the first. */
  killAfterAcks: number | null;
  killAfterMs: number;
  kill(): Promise<unknown>;
}

/** Enable/disable from `concurrency` lanes (one change per plugin at a time) until the kill. */
export async function changeUntilKilled(url: string, model: ManagerModel, o: OpsOptions): Promise<OpsRound> {
  const result: OpsRound = { acked: 0, attempted: 0, inFlightAtKill: 0, trigger: 'timer', killAtMs: 0, refused: [] };
  const start = performance.now();
  const busy = new Set<string>();
  let inFlight = 0;
  let killing: Promise<unknown> | null = null;
  const fire = (trigger: OpsRound['trigger']) => {
    if (killing) return;
    result.trigger = trigger;
    result.killAtMs = Math.round(performance.now() - start);
    result.inFlightAtKill = inFlight;
    killing = o.kill();
  };
  // a timed kill is armed at the first acknowledgment (changes take a while: earlier, most kills would find none)
  const timers = [setTimeout(() => fire('timer'), 30_000)];

  const lane = async () => {
    while (!killing) {
      const free = MANAGER_SLUGS.filter((s) => !busy.has(s));
      if (free.length === 0) {
        await new Promise((r) => setTimeout(r, 5));
        continue;
      }
      const slug = o.rng.pick(free);
      const op = o.rng.chance(0.55) ? 'enable' : 'disable';
      const admin = o.rng.chance(0.5);
      const declared = model.declared.get(slug)!;
      const apply = (s: SlugState): SlugState => {
        if (op === 'disable') return { enabled: false, approved: s.approved };
        // enabling a running plugin with nothing to approve changes nothing (production): an approval
        // wider than what the package declares now stays as it was
        if (s.enabled && s.approved && declared.every((p) => s.approved!.includes(p))) return s;
        return { enabled: true, approved: declared };
      };
      const before = model.possible.get(slug)!;
      // until the answer comes, the change may or may not be on disk
      model.possible.set(slug, dedup([...before, ...before.map(apply)]));
      busy.add(slug);
      result.attempted++;
      inFlight++;
      let answer: { status: number; body: string } | null = null;
      try {
        const res = await fetch(admin ? `${url}/api/admin/plugins/${slug}/${op}` : `${url}/_dev/plugins/${slug}/${op}`, {
          method: 'POST',
          headers: admin ? { Authorization: 'Bearer admin' } : {},
          signal: AbortSignal.timeout(60_000),
        });
        answer = { status: res.status, body: await res.text() };
      } catch {
        // serve died first
      } finally {
        inFlight--;
        busy.delete(slug);
      }
      if (!answer) break;
      if (answer.status !== 200) {
        result.refused.push(`${op} ${slug} (${admin ? 'admin API' : 'dev API'}): ${answer.status} ${answer.body.slice(0, 200)}`);
        break;
      }
      model.possible.set(slug, dedup(before.map(apply)));
      result.acked++;
      if (o.killAfterAcks !== null && result.acked >= o.killAfterAcks) fire('acks');
      if (o.killAfterAcks === null && result.acked === 1) timers.push(setTimeout(() => fire('timer'), o.killAfterMs));
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, () => lane()));
  fire(result.trigger);
  for (const t of timers) clearTimeout(t);
  await killing;
  return result;
}

export interface ManagerCheck {
  checked: number;
  losses: string[];
  databases: number;
  integrity: string[];
}

/** The manager's state.db after the kill (a copy, read-only): sound, and each plugin in a state it may be in. */
export function checkManagerOnDisk(stateDir: string, scratch: string, model: ManagerModel): ManagerCheck {
  const report: ManagerCheck = { checked: 0, losses: [], databases: 0, integrity: [] };
  const copies = copyDatabases(stateDir, scratch);
  report.databases = copies.length;
  for (const c of copies) {
    const answer = integrityCheck(c.file);
    if (answer.join() !== 'ok') report.integrity.push(`${c.name}: ${answer.join('; ')}`);
  }
  const state = copies.find((c) => c.name === join('manager', 'state.db'));
  const rows = state
    ? withReadOnly(state.file, (db) => db.prepare('SELECT slug, enabled, approved_permissions FROM plugin_state').raw().all() as [string, number, string | null][])
    : [];
  const onDisk = new Map(rows.map(([slug, enabled, approved]) => [slug, { enabled: enabled === 1, approved: approved === null ? null : (JSON.parse(approved) as string[]) }]));
  for (const slug of MANAGER_SLUGS) {
    const found = onDisk.get(slug) ?? { enabled: false, approved: null };
    const possible = model.possible.get(slug)!;
    report.checked++;
    if (!possible.some((s) => key(s) === key(found))) {
      report.losses.push(`${slug}: on disk ${key(found)}, expected ${possible.map(key).join(' or ')}`);
    }
    model.possible.set(slug, [found]);
  }
  return report;
}

/** After the restart: each plugin's status follows from its state and what its package declares now. */
export async function checkManagerOverHttp(url: string, model: ManagerModel): Promise<ManagerCheck> {
  const report: ManagerCheck = { checked: 0, losses: [], databases: 0, integrity: [] };
  const list = (await (await fetch(`${url}/_dev/plugins`)).json()) as { plugins: { slug: string; status: string; reason?: string }[] };
  const status = new Map(list.plugins.map((p) => [p.slug, p]));
  for (const slug of MANAGER_SLUGS) {
    const [s] = model.possible.get(slug)!;
    const declared = model.declared.get(slug)!;
    const approved = new Set(s!.approved ?? []);
    const expected = !s!.enabled ? 'discovered' : declared.every((p) => approved.has(p)) ? 'running' : 'failed';
    const got = status.get(slug);
    report.checked++;
    if (got?.status !== expected) report.losses.push(`${slug}: status ${got?.status ?? 'absent'} (${got?.reason ?? ''}), expected ${expected} for ${key(s!)} declaring ${declared.join(',')}`);
  }
  return report;
}
