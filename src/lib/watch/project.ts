// The watch loop of one plugin project: changes come in as batches (changes.ts), a batch that
// touches what the plugin is made of is built incrementally (incremental.ts) and each good
// build is handed to the consumers in order (the dev server, the simulator, the scenarios);
// a batch of scenario files only reruns the scenarios. Rounds never overlap: changes during a
// round are one more round after it. A failed build leaves everything running on the last
// good one. Type checking runs in the background after a good build and never holds one back.
//
// `owncast-plugin watch` and `serve --watch` are both this loop.

import { relative, sep } from 'node:path';

import type { BuildResult, BuildTarget, ImportsMode } from '../compiler/build.js';
import { createLogger, type Context } from '../context.js';
import { loadProjectSource, type LoadedSource } from '../host/manager/index.js';
import { watchChanges, type ChangeBatch, type ChangeWatcher } from './changes.js';
import { problemCount, type WatchEvent } from './events.js';
import { IncrementalBuild } from './incremental.js';
import { projectFileKind, skipsDir, type ProjectFileKind } from './project-files.js';
import type { BackgroundTypecheck } from './typecheck.js';

/** A build that succeeded, as the consumers get it. */
export interface GoodBuild {
  build: BuildResult;
  /** Reads the plugin from what the build wrote (a fresh copy for each caller). */
  load(): Promise<LoadedSource>;
  /** What changed (relative to the project); empty for the first build. */
  changed: string[];
  /** performance.now() of the first change that led to this build; null for the first build. */
  changedAt: number | null;
}

/** Something a watch keeps up to date: the dev server, the simulator, the scenario runner. */
export interface WatchConsumer {
  /**
   * Called once, after the first build (null when it failed), inside the loop: nothing else
   * runs until it is done. A throw stops the watch before it starts (a busy port...).
   */
  open?(first: GoodBuild | null): Promise<WatchEvent[]>;
  /** A good build: swap it in; what happened is returned, not thrown. */
  built(good: GoodBuild): Promise<WatchEvent[]>;
  /** Scenario files changed and the code did not. */
  testsChanged?(changed: string[]): Promise<WatchEvent[]>;
  close?(): Promise<void>;
}

export interface ProjectWatchOptions {
  /** The project directory, absolute. */
  dir: string;
  target?: BuildTarget;
  imports?: ImportsMode;
  /** Quiet time after the last change before a round. Default 100 ms. */
  debounceMs?: number;
  /** Watch __tests__/ too (scenario files). */
  tests?: boolean;
  /** Build once before watching (default); false when the project was just built (serve --watch). */
  buildFirst?: boolean;
  consumers?: WatchConsumer[];
  /** The background type checker, when there is one (closed with the watch). */
  typecheck?: BackgroundTypecheck | null;
  onEvent(event: WatchEvent): void;
}

export const DEFAULT_DEBOUNCE_MS = 100;

export class ProjectWatch {
  readonly dir: string;
  readonly #ctx: Context;
  readonly #opts: ProjectWatchOptions;
  readonly #builder: IncrementalBuild;
  readonly #consumers: WatchConsumer[];
  #watcher: ChangeWatcher | null = null;
  #lastGood: GoodBuild | null = null;
  #failing = false;
  #round: Promise<void> | null = null;
  #queued: ChangeBatch<ProjectFileKind> | null = null;
  #closed = false;
  /** Files outside the project the bundle imports (a sibling shared/ directory), relative to it: watched as sources. */
  readonly #outside = new Set<string>();
  #typecheck: { running: boolean; again: boolean; current: Promise<void> } = { running: false, again: false, current: Promise.resolve() };

  private constructor(ctx: Context, opts: ProjectWatchOptions) {
    this.dir = opts.dir;
    // builds say "Building ..." at info level; here the status line says it
    this.#ctx = { ...ctx, logger: createLogger(ctx.stderr, ctx.logger.level === 'silent' ? 'silent' : 'warn', ctx.color) };
    this.#opts = opts;
    this.#consumers = [...(opts.consumers ?? [])];
    this.#builder = new IncrementalBuild({ dir: opts.dir, ...(opts.target ? { target: opts.target } : {}), ...(opts.imports ? { imports: opts.imports } : {}) });
  }

  /**
   * Builds the project, opens the consumers with the result and starts watching. Resolves
   * once changes are being watched. A consumer that cannot open (a busy port) rejects it,
   * with everything closed again.
   */
  static async start(ctx: Context, opts: ProjectWatchOptions): Promise<ProjectWatch> {
    const w = new ProjectWatch(ctx, opts);
    try {
      w.#watcher = watchChanges<ProjectFileKind>({
        root: opts.dir,
        classify: (rel) => {
          if (rel.startsWith('../')) return w.#outside.has(rel) ? 'source' : null;
          const kind = projectFileKind(rel);
          return kind === 'tests' && !opts.tests ? null : kind;
        },
        ignore: (rel) => rel.split('/').some(skipsDir),
        debounceMs: opts.debounceMs ?? DEFAULT_DEBOUNCE_MS,
        onBatch: (batch) => w.#changed(batch),
      });
      await w.#watcher.ready;
      w.#round = w.#first();
      await w.#round;
      w.#round = null;
      w.#next();
      return w;
    } catch (err) {
      await w.close();
      throw err;
    }
  }

  /** The last build that succeeded (what runs now), if any. */
  get lastGood(): GoodBuild | null {
    return this.#lastGood;
  }

  /** Whether the latest build failed. */
  get failing(): boolean {
    return this.#failing;
  }

  /** Resolves when no round is running or queued (tests; the background type check is not waited for). */
  async idle(): Promise<void> {
    while (this.#round) await this.#round;
  }

  /** Stops watching, waits for the round in progress, then closes the consumers (last first). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#watcher?.close();
    await this.#round?.catch(() => undefined);
    // a check in flight is abandoned, not waited for (the first one loads the compiler: seconds)
    await this.#opts.typecheck?.close();
    await this.#typecheck.current;
    await this.#builder.dispose();
    for (const c of [...this.#consumers].reverse()) await c.close?.().catch(() => undefined);
  }

  // ---------------------------------------------------------------------------------------

  #emit(events: WatchEvent | WatchEvent[]): void {
    for (const e of Array.isArray(events) ? events : [events]) this.#opts.onEvent(e);
  }

  #changed(batch: ChangeBatch<ProjectFileKind>): void {
    if (this.#closed) return;
    if (this.#queued) {
      for (const k of batch.kinds) this.#queued.kinds.add(k);
      for (const p of batch.paths) if (!this.#queued.paths.includes(p)) this.#queued.paths.push(p);
    } else {
      this.#queued = batch;
    }
    this.#next();
  }

  /** Starts the queued round unless one is running (it starts the next when it ends). */
  #next(): void {
    if (this.#round || !this.#queued || this.#closed) return;
    const batch = this.#queued;
    this.#queued = null;
    this.#round = this.#run(batch)
      .catch((error: unknown) => this.#emit({ type: 'build', ok: false, durationMs: 0, changed: batch.paths, problems: problemCount(error), error }))
      .finally(() => {
        this.#round = null;
        if (!this.#closed) this.#emit({ type: 'watching', slug: this.#lastGood?.build.slug ?? null, failing: this.#failing });
        this.#next();
      });
  }

  async #first(): Promise<void> {
    const good = this.#opts.buildFirst === false ? null : await this.#build([], null);
    for (const c of this.#consumers) if (c.open) this.#emit(await c.open(good));
    if (good) this.#checkTypes();
    this.#emit({ type: 'watching', slug: this.#lastGood?.build.slug ?? null, failing: this.#failing });
  }

  async #run(batch: ChangeBatch<ProjectFileKind>): Promise<void> {
    const rebuild = batch.kinds.has('source') || batch.kinds.has('manifest') || batch.kinds.has('files');
    if (!rebuild) {
      // only scenario files: the code is what it was
      if (this.#failing || !this.#lastGood) {
        this.#emit({ type: 'waiting', what: 'the scenarios run after the next good build' });
        return;
      }
      for (const c of this.#consumers) if (c.testsChanged) this.#emit(await c.testsChanged(batch.paths));
      return;
    }
    const good = await this.#build(batch.paths, batch.firstAt);
    if (!good) return;
    for (const c of this.#consumers) this.#emit(await c.built(good));
    this.#checkTypes();
  }

  /** One build; the good one is remembered and returned, a failure is reported and null. */
  async #build(changed: string[], changedAt: number | null): Promise<GoodBuild | null> {
    this.#emit({ type: 'building', changed });
    const started = performance.now();
    try {
      const build = await this.#builder.build(this.#ctx);
      const dir = this.dir;
      const good: GoodBuild = { build, changed, changedAt, load: () => loadProjectSource(dir) };
      this.#lastGood = good;
      this.#failing = false;
      this.#followOutside();
      this.#emit({
        type: 'build',
        ok: true,
        slug: build.slug,
        durationMs: Math.round(performance.now() - started),
        changed,
        warnings: build.warnings,
        files: build.files.map((f) => ({ path: relative(this.dir, f.path), bytes: f.bytes })),
      });
      return good;
    } catch (error) {
      this.#failing = true;
      this.#emit({ type: 'build', ok: false, durationMs: Math.round(performance.now() - started), changed, problems: problemCount(error), error });
      return null;
    }
  }

  /** Watches what the bundle imports from outside the project (not packages in node_modules). */
  #followOutside(): void {
    const added: string[] = [];
    for (const file of this.#builder.inputs) {
      const rel = relative(this.dir, file).split(sep).join('/');
      if (!rel.startsWith('../') || rel.split('/').includes('node_modules') || this.#outside.has(rel)) continue;
      this.#outside.add(rel);
      added.push(file);
    }
    this.#watcher?.add(added);
  }

  /** Starts a background type check of what was just bundled; one at a time, the latest wins. */
  #checkTypes(): void {
    const checker = this.#opts.typecheck;
    if (!checker || this.#closed) return;
    const t = this.#typecheck;
    if (t.running) {
      t.again = true;
      return;
    }
    t.running = true;
    t.current = (async () => {
      do {
        t.again = false;
        try {
          const { diagnostics, durationMs } = await checker.check();
          // a newer bundle is being checked already: this result is stale
          if (!t.again && !this.#closed) this.#emit({ type: 'typecheck', problems: diagnostics.length, diagnostics, durationMs: Math.round(durationMs) });
        } catch (error) {
          if (!this.#closed) this.#emit({ type: 'typecheck', problems: 1, diagnostics: [{ text: `the type checker failed: ${error instanceof Error ? error.message : String(error)}` }], durationMs: 0 });
        }
      } while (t.again && !this.#closed);
      t.running = false;
    })();
  }
}
