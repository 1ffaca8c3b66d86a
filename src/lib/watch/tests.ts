// watch --test: the project's scenarios run after each good build, and again when a scenario
// file changes (without a build: the code did not change). One SQL helper serves every run.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Context } from '../context.js';
import type { ScenarioSql } from '../testing/harness/harness.js';
import type { WatchEvent } from './events.js';
import type { GoodBuild, WatchConsumer } from './project.js';

export interface WatchTestOptions {
  /** Only scenarios whose name contains this (as `test --filter`). */
  filter?: string;
}

export class TestConsumer implements WatchConsumer {
  readonly #ctx: Context;
  readonly #dir: string;
  readonly #opts: WatchTestOptions;
  #sql: { dir: string; sql: ScenarioSql } | null = null;

  constructor(ctx: Context, dir: string, opts: WatchTestOptions = {}) {
    this.#ctx = ctx;
    this.#dir = dir;
    this.#opts = opts;
  }

  async open(first: GoodBuild | null): Promise<WatchEvent[]> {
    if (!first) return [{ type: 'waiting', what: 'the scenarios run after the first good build' }];
    return this.#run([]);
  }

  built(good: GoodBuild): Promise<WatchEvent[]> {
    return this.#run(good.changed);
  }

  testsChanged(changed: string[]): Promise<WatchEvent[]> {
    return this.#run(changed);
  }

  async #run(changed: string[]): Promise<WatchEvent[]> {
    const { runTests, sharedScenarioSql } = await import('../testing/index.js');
    if (!this.#sql) {
      const dir = await mkdtemp(join(tmpdir(), 'ocp-watch-sql-'));
      this.#sql = { dir, sql: sharedScenarioSql(dir) };
    }
    try {
      // the watch is the only builder of its project: the scenarios run on the last good build
      // (a change pending meanwhile is built and run next); projects they name are built when stale
      const result = await runTests(this.#ctx, {
        paths: [this.#dir],
        sql: this.#sql.sql,
        prebuilt: [this.#dir],
        ...(this.#opts.filter ? { filter: this.#opts.filter } : {}),
      });
      return [{ type: 'test', ok: true, result, changed }];
    } catch (error) {
      return [{ type: 'test', ok: false, error, changed }];
    }
  }

  async close(): Promise<void> {
    if (!this.#sql) return;
    this.#sql.sql.close();
    await rm(this.#sql.dir, { recursive: true, force: true });
    this.#sql = null;
  }
}
