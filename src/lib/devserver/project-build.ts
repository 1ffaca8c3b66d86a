// `serve` on a project builds it first when dist/ is missing or older than what it is built
// from, so the server never runs yesterday's code by surprise.
import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';

import { buildPlugin, type BuildResult } from '../compiler/index.js';
import type { Context } from '../context.js';
import { projectFileKind, skipsDir } from '../watch/project-files.js';

/** Top-level directories whose files are loaded with the plugin or test it, never bundled. */
const NOT_BUILT_FROM = new Set(['public', 'assets', '__tests__']);

/** The built file's mtime, or null when there is none (dist/plugin.js, else dist/plugin.wasm). */
async function builtAt(dir: string): Promise<{ target: 'js' | 'wasm'; mtimeMs: number } | null> {
  for (const target of ['js', 'wasm'] as const) {
    const st = await stat(join(dir, 'dist', `plugin.${target}`)).catch(() => null);
    if (st?.isFile()) return { target, mtimeMs: st.mtimeMs };
  }
  return null;
}

/** The newest mtime among what the project is built from: its manifest, code and JSON (watch's "source" files). */
async function newestSource(root: string, dir = root, depth = 0): Promise<number> {
  let newest = 0;
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (depth < 6 && !skipsDir(e.name) && !(depth === 0 && NOT_BUILT_FROM.has(e.name))) newest = Math.max(newest, await newestSource(root, path, depth + 1));
    } else if (e.isFile()) {
      const kind = projectFileKind(relative(root, path));
      if (kind === 'source' || kind === 'manifest') newest = Math.max(newest, (await stat(path)).mtimeMs);
    }
  }
  return newest;
}

/** Why the project needs a build, or null when dist/ is current. */
export async function staleReason(dir: string): Promise<string | null> {
  const built = await builtAt(dir);
  if (!built) return 'it has not been built';
  return (await newestSource(dir)) > built.mtimeMs ? 'its sources changed since the last build' : null;
}

/** Builds the project when it needs it (keeping its target); resolves with the build, or null when current. */
export async function buildIfStale(ctx: Context, dir: string): Promise<BuildResult | null> {
  const reason = await staleReason(dir);
  if (!reason) return null;
  const built = await builtAt(dir);
  ctx.logger.info(`building ${dir}: ${reason}`);
  // Type errors do not stop serve (or test) from running what bundled: they are logged as warnings.
  return buildPlugin(ctx, { dir, target: built?.target ?? 'js', typecheck: 'warn' });
}
