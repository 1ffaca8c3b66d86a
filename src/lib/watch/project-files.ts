// What each file of a plugin project is to the tools: one definition for `watch`, `serve
// --watch` and the staleness check (`serve`, `test`, `package`, `simulate` build when dist/ is
// older than the sources). Build output, dependencies, tool state and editors' scratch files
// are nothing: watching them would rebuild forever, or on every keystroke of an editor's swap file.

import { sep } from 'node:path';

/**
 * - `source`: code and JSON the bundle is built from (a change means a rebuild)
 * - `manifest`: plugin.manifest.json (a rebuild revalidates it)
 * - `files`: public/, assets/, INSTRUCTIONS.md, icon.png (loaded with the plugin, not bundled)
 * - `tests`: __tests__/ (scenario files)
 */
export type ProjectFileKind = 'source' | 'manifest' | 'files' | 'tests';

export const MANIFEST_FILE = 'plugin.manifest.json';

/** Directories that never hold a project's inputs, wherever they are. */
const NOT_INPUT_DIRS = new Set(['node_modules', 'dist', '.git', '.owncast-dev', '.owncast-build']);
/** Top-level directories of files that are loaded with the plugin but not bundled, or that hold its tests. */
const LOADED_DIRS: Record<string, ProjectFileKind> = { public: 'files', assets: 'files', __tests__: 'tests' };
const LOADED_FILES = new Set(['INSTRUCTIONS.md', 'icon.png']);
/** What esbuild reads: code in any module flavour, and JSON. */
const SOURCE_FILE = /\.([cm]?[jt]sx?|json)$/;
/** Tests beside the code (the JS test API's plugin.test.ts): never part of the bundle. */
const TEST_CODE = /\.(test|spec)\.[cm]?[jt]sx?$/;
/**
 * Editors' scratch files: vim's swap files and its "4913" write probe, backups ending in ~,
 * emacs' #autosave# files, JetBrains' safe-write copies, and the temporary files of atomic saves.
 */
const SCRATCH = /(\.sw[a-p]x?$|^4913$|~$|^#.*#$|___jb_(tmp|old)___$|\.te?mp$|\.tmp[\w.-]*$|\.crswap$)/;

/** Whether a directory (by name) is skipped whole: build output, dependencies, tool state, anything hidden. */
export function skipsDir(name: string): boolean {
  return NOT_INPUT_DIRS.has(name) || name.startsWith('.');
}

/**
 * What a path relative to the project directory is to the project, or null for nothing (an
 * output, a dependency, a hidden or scratch file, a README).
 */
export function projectFileKind(rel: string): ProjectFileKind | null {
  const parts = rel.split(sep).join('/').split('/');
  const name = parts[parts.length - 1] ?? '';
  if (rel === '' || parts.slice(0, -1).some(skipsDir) || name.startsWith('.') || SCRATCH.test(name)) return null;
  if (parts.length === 1 && name === MANIFEST_FILE) return 'manifest';
  const top = parts.length > 1 ? LOADED_DIRS[parts[0]!] : undefined;
  if (top) return top;
  if (parts.length === 1 && LOADED_FILES.has(name)) return 'files';
  if (!SOURCE_FILE.test(name) || TEST_CODE.test(name)) return null;
  return 'source';
}
