// What `serve` was pointed at, and where its state lives (DESIGN §2.3): KV, SQL and fs under
// `.owncast-dev/` in the project, or in the current directory when serving a package, loose
// files or a plugins directory.
import { stat, rm } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';

import { UserError } from '../errors.js';
import { PYTHON_UNSUPPORTED } from '../host/manager/sources.js';

export const STATE_DIR_NAME = '.owncast-dev';

export type ServeTarget =
  /** plugin.manifest.json + dist/ */
  | { kind: 'project'; path: string }
  /** an .ocpkg */
  | { kind: 'package'; path: string }
  /** <base>.js or <base>.wasm next to <base>.manifest.json */
  | { kind: 'loose'; path: string }
  /** a directory of plugins, managed like production's (enable/disable, approvals) */
  | { kind: 'plugins-dir'; path: string };

export interface ServePlan {
  targets: ServeTarget[];
  /** Where KV, SQL, fs and the manager's state live. */
  stateDir: string;
}

/** Classifies each path (default: the current directory) and picks the state directory. */
export async function planServe(paths: string[], cwd: string): Promise<ServePlan> {
  const inputs = paths.length ? paths : ['.'];
  const targets: ServeTarget[] = [];
  for (const input of inputs) targets.push(await classify(resolve(cwd, input), input));
  const seen = new Set<string>();
  for (const t of targets) {
    if (seen.has(t.path)) throw new UserError(`${t.path} is given twice`, { code: 'SERVE_TARGETS' });
    seen.add(t.path);
  }
  const dirs = targets.filter((t) => t.kind === 'plugins-dir');
  if (dirs.length > 1) {
    throw new UserError('serve takes at most one plugins directory', {
      code: 'SERVE_TARGETS',
      nextSteps: [`Serve one of: ${dirs.map((d) => d.path).join(', ')}`],
    });
  }
  const only = targets.length === 1 ? targets[0]! : null;
  const stateDir = only?.kind === 'project' ? join(only.path, STATE_DIR_NAME) : join(cwd, STATE_DIR_NAME);
  return { targets, stateDir };
}

async function classify(path: string, shown: string): Promise<ServeTarget> {
  const st = await stat(path).catch(() => null);
  if (!st) {
    throw new UserError(`${shown} does not exist`, {
      code: 'SOURCE_NOT_FOUND',
      nextSteps: ['Pass a project directory, an .ocpkg, a <name>.js/.wasm next to its <name>.manifest.json, or a plugins directory.'],
    });
  }
  if (st.isDirectory()) {
    const manifest = await stat(join(path, 'plugin.manifest.json')).catch(() => null);
    return manifest?.isFile() ? { kind: 'project', path } : { kind: 'plugins-dir', path };
  }
  const ext = extname(path);
  if (ext === '.ocpkg') return { kind: 'package', path };
  if (ext === '.js' || ext === '.wasm') return { kind: 'loose', path };
  if (ext === '.py') throw new UserError(`${shown}: ${PYTHON_UNSUPPORTED}`, { code: 'SOURCE_UNSUPPORTED' });
  throw new UserError(`${shown} is not a plugin (expected a project directory, an .ocpkg, a .js or .wasm file, or a plugins directory)`, {
    code: 'SOURCE_UNSUPPORTED',
  });
}

/** --fresh: forget everything a previous run stored. Only ever removes a `.owncast-dev` directory. */
export async function clearState(stateDir: string): Promise<void> {
  if (basename(stateDir) !== STATE_DIR_NAME) throw new Error(`refusing to clear ${stateDir}: not a ${STATE_DIR_NAME} directory`);
  await rm(stateDir, { recursive: true, force: true });
}
