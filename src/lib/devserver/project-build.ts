// `serve` on a project builds it first when dist/ is missing or older than what it is built
// from, so the server never runs yesterday's code by surprise.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { buildPlugin, type BuildResult } from '../compiler/index.js';
import type { Context } from '../context.js';

const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', '.owncast-dev', 'public', 'assets', '__tests__']);
const SOURCE_EXT = /\.(m?[jt]sx?|json)$/;

/** The built file's mtime, or null when there is none (dist/plugin.js, else dist/plugin.wasm). */
async function builtAt(dir: string): Promise<{ target: 'js' | 'wasm'; mtimeMs: number } | null> {
  for (const target of ['js', 'wasm'] as const) {
    const st = await stat(join(dir, 'dist', `plugin.${target}`)).catch(() => null);
    if (st?.isFile()) return { target, mtimeMs: st.mtimeMs };
  }
  return null;
}

/** The newest mtime among the project's source files (code and JSON, outside dist/ and node_modules/). */
async function newestSource(dir: string, depth = 0): Promise<number> {
  let newest = 0;
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (depth < 6 && !SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) newest = Math.max(newest, await newestSource(path, depth + 1));
    } else if (e.isFile() && SOURCE_EXT.test(e.name)) {
      newest = Math.max(newest, (await stat(path)).mtimeMs);
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
  return buildPlugin(ctx, { dir, target: built?.target ?? 'js' });
}
