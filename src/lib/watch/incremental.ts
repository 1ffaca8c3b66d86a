// A project build that keeps esbuild's context between builds: `rebuild()` re-reads only what
// changed, so a save costs milliseconds of bundling instead of a fresh esbuild run. Everything
// else is the build command's own code (buildPlugin: the manifest validated as Owncast does,
// the bundle checks, the lint engine, dist/plugin.js + .map written only when all passed, the
// wasm target), so watch can never accept what `build` refuses.

import type { BuildContext } from 'esbuild';

import { buildPlugin, checkedBundle, esbuildOptions, type BuildResult, type BuildTarget, type BundleOptions, type BundleResult, type ImportsMode } from '../compiler/build.js';
import { loadEsbuild } from '../cjs.js';
import type { Context } from '../context.js';

export interface IncrementalBuildOptions {
  /** The project directory, absolute. */
  dir: string;
  target?: BuildTarget;
  imports?: ImportsMode;
}

export class IncrementalBuild {
  readonly #opts: IncrementalBuildOptions;
  #context: BuildContext | null = null;
  /** What the context was created for: a new entry (src/plugin.js renamed to .ts...) needs a new one. */
  #key = '';
  #disposed = false;
  #inputs: string[] = [];

  constructor(opts: IncrementalBuildOptions) {
    this.#opts = opts;
  }

  /** Builds and writes dist/ like `owncast-plugin build`; throws its UserErrors (nothing is written then). */
  build(ctx: Context): Promise<BuildResult> {
    return buildPlugin(ctx, {
      dir: this.#opts.dir,
      target: this.#opts.target ?? 'js',
      imports: this.#opts.imports ?? 'all',
      bundle: (c, o) => this.#bundle(c, o),
      // the watch type-checks in the background (typecheck.ts): type errors never hold a reload back
      typecheck: 'off',
    });
  }

  async #bundle(ctx: Context, o: BundleOptions): Promise<BundleResult> {
    if (this.#disposed) throw new Error('the incremental build was disposed');
    const key = JSON.stringify([o.entry, o.outFile, o.workingDir]);
    if (!this.#context || key !== this.#key) {
      await this.#context?.dispose();
      this.#context = null;
      const esbuild = loadEsbuild();
      this.#context = await esbuild.context(esbuildOptions(o.entry, o.outFile, o.workingDir));
      this.#key = key;
    }
    const context = this.#context;
    const bundle = await checkedBundle(ctx, o, () => context.rebuild());
    this.#inputs = bundle.inputs;
    return bundle;
  }

  /** The files the last bundle was made from, absolute (node_modules and the project's own included). */
  get inputs(): readonly string[] {
    return this.#inputs;
  }

  /** Lets go of esbuild's context. */
  async dispose(): Promise<void> {
    this.#disposed = true;
    await this.#context?.dispose();
    this.#context = null;
  }
}
