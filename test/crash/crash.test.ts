// Crash safety of serve's storage (issue 8, item 3): the compiled CLI serving a plugin is
// SIGKILLed in the middle of KV, SQL and fs writes, again and again. After each kill (serve
// and every process it started gone) the databases pass PRAGMA integrity_check and hold every
// write whose HTTP response reached the client; after each restart the plugin reads them all
// back. The same for the manager's state (enabled set, approvals) of a plugins directory.
// The normal suite kills a few times; `npm run crash` many more (CRASH_KILLS,
// CRASH_MANAGER_KILLS; CRASH_SEED replays a run's choices) and writes the figures to
// .cache/crash-summary.json.
import { cp, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

import { afterAll, describe, expect } from 'vitest';

import { ROOT, test } from '../cli/helpers.js';
import { changeUntilKilled, checkManagerOnDisk, checkManagerOverHttp, ManagerModel } from './manager.js';
import { createRng, type Rng } from './random.js';
import { killLeftovers, startServe, type ServeProcess } from './serve-process.js';
import { checkOnDisk, checkOverHttp, StorageModel, writeUntilKilled, type CheckReport } from './storage.js';
import { emptyManager, emptyStorage, median, recordFigures } from './summary.js';

const KILLS = Number(process.env.CRASH_KILLS ?? 3);
const MANAGER_KILLS = Number(process.env.CRASH_MANAGER_KILLS ?? 2);
const SEED = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));

afterAll(() => killLeftovers());

/** Everything a check found wrong, labelled with the round, for one assertion at the end. */
function failuresOf(round: string, r: Pick<CheckReport, 'losses' | 'integrity'> & Partial<CheckReport>): string[] {
  return [...r.losses, ...r.integrity, ...(r.invariants ?? []), ...(r.torn ?? [])].map((f) => `${round}: ${f}`);
}

describe(`serve SIGKILLed mid-write (seed ${SEED})`, () => {
  test.skipIf(KILLS === 0)(
    `${KILLS} kills: every acknowledged KV, SQL and fs write survives; the databases pass integrity_check`,
    async ({ tempDir }) => {
      const project = join(tempDir, 'probe');
      await cp(join(ROOT, 'test', 'fixtures', 'crash'), project, { recursive: true, filter: (src) => !/[/\\](dist|\.owncast-dev)$/.test(src) });
      const stateDir = join(project, '.owncast-dev');
      const rng = createRng(SEED);
      const model = new StorageModel();
      const failures: string[] = [];
      const restarts: number[] = [];
      const helpersGone: number[] = [];
      const s = emptyStorage();
      const began = performance.now();
      const record = (round: string, r: CheckReport, where: 'onDisk' | 'afterRestart') => {
        failures.push(...failuresOf(round, r));
        s.checks[where] += r.checked;
        s.losses += r.losses.length;
        s.databasesChecked += r.databases;
        s.integrityFailures += r.integrity.length;
        s.tornFiles += r.torn.length;
        s.tornTransactions += r.invariants.length;
        s.unacknowledgedFoundCommitted += r.unackedPresent;
      };

      let serve: ServeProcess = await startServe(tempDir, ['probe']);
      try {
        for (let round = 1; round <= KILLS; round++) {
          const label = `kill ${round}`;
          if (round > 1) record(label, await checkOverHttp(serve.url, model), 'afterRestart');
          const timed = rng.chance(0.5);
          const current = serve;
          const w = await writeRound(current, model, round, rng, timed, async () => {
            const killed = await current.kill();
            if (killed.exitSignal !== 'SIGKILL') failures.push(`${label}: serve ended by ${killed.exitSignal}, not SIGKILL`);
            helpersGone.push(killed.helpersGoneMs);
          });
          s.kills++;
          s.killTriggers[w.trigger]++;
          s.attemptedWrites += w.attempted;
          s.inFlightAtKill += w.inFlightAtKill;
          s.refusedRequests += w.refused.length;
          for (const k of ['kv', 'sql', 'fs'] as const) s.acknowledgedWrites[k] += w.acked[k];
          failures.push(...w.refused.map((r) => `${label}: refused ${r}`));
          const scratch = join(tempDir, 'scratch', String(round));
          record(label, checkOnDisk(stateDir, scratch, model), 'onDisk');
          await rm(scratch, { recursive: true, force: true });
          const t = performance.now();
          serve = await startServe(tempDir, ['probe']);
          restarts.push(Math.round(performance.now() - t));
        }
        record('after the last restart', await checkOverHttp(serve.url, model), 'afterRestart');
        // and a clean stop still ends well and leaves the same
        expect(await serve.stop(), serve.output()).toBe(0);
        record('after a clean stop', checkOnDisk(stateDir, join(tempDir, 'scratch', 'final'), model), 'onDisk');
      } finally {
        killLeftovers();
        s.acknowledgedWrites.total = s.acknowledgedWrites.kv + s.acknowledgedWrites.sql + s.acknowledgedWrites.fs;
        s.restartMs = { median: median(restarts), max: Math.max(0, ...restarts) };
        s.helpersGoneMs = { median: median(helpersGone), max: Math.max(0, ...helpersGone) };
        s.durationMs = Math.round(performance.now() - began);
        recordFigures({ part: 'storage', seed: SEED, figures: s });
      }

      expect(failures, `seed ${SEED}`).toEqual([]);
      // the kills did land mid-write: something was unanswered when they did, and every kill found acknowledged writes to check
      expect(s.inFlightAtKill).toBeGreaterThan(0);
      expect(s.acknowledgedWrites.total).toBeGreaterThan(0);
      expect(s.checks.onDisk).toBeGreaterThan(0);
    },
    KILLS * 40_000 + 60_000,
  );

  test.skipIf(MANAGER_KILLS === 0)(
    `${MANAGER_KILLS} kills: the enabled set and the approvals of a plugins directory survive`,
    async ({ tempDir }) => {
      const plugins = join(tempDir, 'plugins');
      await mkdir(plugins);
      const stateDir = join(tempDir, '.owncast-dev');
      const rng = createRng(SEED + 1);
      const model = new ManagerModel();
      const failures: string[] = [];
      const m = emptyManager();
      const began = performance.now();
      const record = (round: string, r: { checked: number; losses: string[]; integrity: string[]; databases: number }, where: 'onDisk' | 'afterRestart') => {
        failures.push(...failuresOf(round, r));
        m.checks[where] += r.checked;
        m.losses += r.losses.length;
        m.databasesChecked += r.databases;
        m.integrityFailures += r.integrity.length;
      };

      model.writePackages(plugins, rng, 1);
      let serve: ServeProcess = await startServe(tempDir, ['plugins']);
      try {
        for (let round = 1; round <= MANAGER_KILLS; round++) {
          const label = `manager kill ${round}`;
          if (round > 1) record(label, await checkManagerOverHttp(serve.url, model), 'afterRestart');
          const current = serve;
          const timed = rng.chance(0.5);
          const o = await changeUntilKilled(current.url, model, {
            rng,
            concurrency: rng.int(1, 3),
            killAfterAcks: timed ? null : rng.int(1, 8),
            killAfterMs: rng.int(0, 800),
            kill: () => current.kill(),
          });
          m.kills++;
          m.attemptedChanges += o.attempted;
          m.acknowledgedChanges += o.acked;
          m.refusedRequests += o.refused.length;
          failures.push(...o.refused.map((r) => `${label}: refused ${r}`));
          const scratch = join(tempDir, 'scratch', String(round));
          record(label, checkManagerOnDisk(stateDir, scratch, model), 'onDisk');
          await rm(scratch, { recursive: true, force: true });
          // while serve is down, some packages change what they declare: the next start must hold them for approval
          model.writePackages(plugins, rng, 0.3);
          serve = await startServe(tempDir, ['plugins']);
        }
        record('manager, after the last restart', await checkManagerOverHttp(serve.url, model), 'afterRestart');
        expect(await serve.stop(), serve.output()).toBe(0);
      } finally {
        killLeftovers();
        m.durationMs = Math.round(performance.now() - began);
        recordFigures({ part: 'manager', seed: SEED, figures: m });
      }
      expect(failures, `seed ${SEED}`).toEqual([]);
      expect(m.acknowledgedChanges).toBeGreaterThan(0);
    },
    MANAGER_KILLS * 40_000 + 60_000,
  );
});

/** One round of writes on `serve`, ended by killing it: after a random number of acknowledgments or a random delay. */
function writeRound(serve: ServeProcess, model: StorageModel, round: number, rng: Rng, timed: boolean, kill: () => Promise<void>) {
  return writeUntilKilled(serve.url, model, {
    round,
    rng,
    concurrency: rng.int(4, 8),
    files: 2,
    fsShare: 0.25,
    fileSize: [64 << 10, 2 << 20],
    killAfterAcks: timed ? null : rng.int(1, 80),
    killAfterMs: rng.int(5, 1500),
    kill,
  });
}
