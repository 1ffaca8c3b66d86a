// What `simulate` was pointed at: project directories, .ocpkg files, loose <name>.js/.wasm
// files, and plugins directories (every plugin in them: projects, packages and loose files,
// loaded together; unlike `serve`, nothing waits to be enabled). A project whose dist/ is
// missing or older than its sources is built into a temporary directory, so simulating never
// rewrites a project's dist/ (nor races another process doing so).

import { copyFile, mkdir, readdir, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';

import { buildPlugin } from '../compiler/index.js';
import type { Context } from '../context.js';
import { staleReason } from '../devserver/project-build.js';
import { UserError } from '../errors.js';
import { directoryFileSource, loadLooseSource, loadSource, PYTHON_UNSUPPORTED, type LoadedSource } from '../host/manager/index.js';

export interface SimTarget {
  kind: 'project' | 'package' | 'loose';
  /** Absolute path. */
  path: string;
}

/** Classifies each path and expands plugins directories into the plugins they hold, in name order. */
export async function resolveTargets(paths: readonly string[], cwd: string): Promise<SimTarget[]> {
  const out: SimTarget[] = [];
  for (const given of paths) {
    const path = resolve(cwd, given);
    const st = await stat(path).catch(() => null);
    if (!st) {
      throw new UserError(`${given} does not exist`, {
        code: 'SOURCE_NOT_FOUND',
        nextSteps: ['Pass project directories, .ocpkg files, <name>.js/.wasm files next to their <name>.manifest.json, or a plugins directory.'],
      });
    }
    if (!st.isDirectory()) {
      out.push(fileTarget(path, given));
      continue;
    }
    if (await isProject(path)) {
      out.push({ kind: 'project', path });
      continue;
    }
    const inside = await pluginsIn(path);
    if (inside.length === 0) {
      throw new UserError(`${given} holds no plugins (no plugin.manifest.json, no project directories, .ocpkg, .wasm or .js plugin files)`, {
        code: 'SOURCE_NOT_FOUND',
      });
    }
    out.push(...inside);
  }
  const seen = new Set<string>();
  return out.filter((t) => !seen.has(t.path) && seen.add(t.path));
}

async function isProject(dir: string): Promise<boolean> {
  return (await stat(join(dir, 'plugin.manifest.json')).catch(() => null))?.isFile() ?? false;
}

function fileTarget(path: string, given: string): SimTarget {
  const ext = extname(path);
  if (ext === '.ocpkg') return { kind: 'package', path };
  if (ext === '.js' || ext === '.wasm') return { kind: 'loose', path };
  if (ext === '.py') throw new UserError(`${given}: ${PYTHON_UNSUPPORTED}`, { code: 'SOURCE_UNSUPPORTED' });
  throw new UserError(`${given} is not a plugin (expected a project directory, an .ocpkg, a .js or .wasm file, or a plugins directory)`, {
    code: 'SOURCE_UNSUPPORTED',
  });
}

async function pluginsIn(dir: string): Promise<SimTarget[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: SimTarget[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (await isProject(path)) out.push({ kind: 'project', path });
    } else if (e.name.endsWith('.ocpkg')) {
      out.push({ kind: 'package', path });
    } else if (/\.(js|wasm)$/.test(e.name)) {
      const sidecar = join(dir, `${basename(e.name, extname(e.name))}.manifest.json`);
      if ((await stat(sidecar).catch(() => null))?.isFile()) out.push({ kind: 'loose', path });
    }
  }
  return out;
}

/**
 * Reads a target from disk. A project that needs a build is built (plugin.js) into
 * `scratchDir`, and its code is loaded from there with the project's manifest, public/ and assets/.
 */
export async function loadTarget(ctx: Context, target: SimTarget, scratchDir: string): Promise<LoadedSource> {
  if (target.kind !== 'project') return loadSource(target.path);
  const reason = await staleReason(target.path);
  if (!reason) return loadSource(target.path);
  ctx.logger.info(`building ${target.path}: ${reason}`);
  await mkdir(scratchDir, { recursive: true });
  // plugin.js: what a project's dist/ is loaded from whenever it has one. Type errors are shown,
  // not fatal: the simulator runs what bundled, like serve.
  await buildPlugin(ctx, { dir: target.path, target: 'js', outDir: scratchDir, typecheck: 'warn' });
  await copyFile(join(target.path, 'plugin.manifest.json'), join(scratchDir, 'plugin.manifest.json'));
  const code = join(scratchDir, 'plugin.js');
  const source = await loadLooseSource(code);
  const dirOrNull = async (d: string) => ((await stat(d).catch(() => null))?.isDirectory() ? directoryFileSource(d) : null);
  return {
    ...source,
    publicFiles: await dirOrNull(join(target.path, 'public')),
    assets: await dirOrNull(join(target.path, 'assets')),
    origin: { layout: 'project', path: target.path, codeFile: code },
    warnings: [],
  };
}
