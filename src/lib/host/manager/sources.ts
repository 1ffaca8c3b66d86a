// Turning something on disk (or uploaded bytes) into what a host can load: the validated
// manifest, the code, and the plugin's files. Three layouts:
//
//   loose      <base>.js | <base>.wasm + <base>.manifest.json, with sibling public/ and
//              assets/ (or the older <base>-public/ and <base>-assets/), <base>.INSTRUCTIONS.md,
//              <base>.icon.png. A plugin.js next to plugin.manifest.json is this layout too.
//   project    plugin.manifest.json + dist/plugin.js (or dist/plugin.wasm) + dist/plugin.js.map,
//              public/, assets/, INSTRUCTIONS.md, icon.png; an unpacked package (plugin.js at
//              the root) also loads.
//   package    an .ocpkg, through the defensive reader (src/lib/package/read.ts).

import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, sep } from 'node:path';

import { type Diagnostic, UserError } from '../../errors.js';
import { parseManifest, type Manifest } from '../../manifest/index.js';
import { isCleanRelativePath } from '../../package/paths.js';
import { ENTRY_LIMITS, MAX_ASSET_BYTES, openPackage, peekPackage } from '../../package/read.js';
import type { FileSource } from '../types.js';

export type SourceLayout = 'loose' | 'project' | 'package';
/** How the plugins directory sees a file (DiscoveredEntry.format). */
export type PluginFileFormat = 'ocpkg' | 'wasm' | 'js';

/** A plugin ready to be instantiated: what the LoadPlugin factory receives. */
export interface LoadedSource {
  /** Validated with the production rules (parseManifest); `manifest.slug` is filled in. */
  manifest: Manifest;
  /** The manifest text verbatim (the engine's config `manifest`). */
  manifestJson: string;
  slug: string;
  name: string;
  /** bot.displayName, else name (production ChatDisplayName). */
  botDisplayName: string;
  permissions: string[];
  /** Which code entry it has; exactly one of script and wasm is set. */
  code: 'js' | 'wasm';
  script?: string;
  wasm?: Uint8Array;
  /** plugin.js.map (also maps plugin.wasm stacks: the wasm runs the same plugin.js). */
  sourceMap?: string;
  sourceMapFile?: string;
  /** assets/: host-internal (owncast.assets.read, UI inlining). */
  assets: FileSource | null;
  /** public/: served at /plugins/<slug>/. */
  publicFiles: FileSource | null;
  instructions?: string;
  icon?: Uint8Array;
  origin: {
    layout: SourceLayout;
    /** The file or directory given. */
    path: string;
    /** The code file, or the entry name inside a package. */
    codeFile: string;
  };
  /** Things that load here but not in production (a loose .js in a plugins directory...). */
  warnings: string[];
  /** Releases what the source holds open (an .ocpkg's file handle). Idempotent. */
  close(): void;
}

export const PYTHON_UNSUPPORTED = 'Python plugins are not supported by this tool';

/** Production discovers only .ocpkg and .wasm; a loose .js works here and nowhere else (DESIGN §3.12). */
export const LOOSE_JS_WARNING =
  'production Owncast discovers only .ocpkg and .wasm files in its plugins directory, so it will not load this loose .js; ship it with `owncast-plugin package`';

/** Loads whatever `path` is: a directory (project), an .ocpkg, or a loose code file. */
export async function loadSource(path: string): Promise<LoadedSource> {
  const st = await stat(path).catch(() => null);
  if (!st) throw new UserError(`${path} does not exist`, { code: 'SOURCE_NOT_FOUND' });
  if (st.isDirectory()) return loadProjectSource(path);
  if (path.endsWith('.ocpkg')) return loadPackageSource(path);
  return loadLooseSource(path);
}

/** An .ocpkg from disk or from uploaded bytes. */
export async function loadPackageSource(input: string | Uint8Array, opts: { label?: string } = {}): Promise<LoadedSource> {
  const pkg = await openPackage(input, opts.label ? { label: opts.label } : {});
  try {
    if (pkg.code.kind === 'py') throw pythonError(pkg.label);
    const manifest = validManifest(pkg.manifestJson, `${pkg.label}: plugin.manifest.json`);
    return {
      ...identity(manifest, pkg.manifestJson),
      ...codeFields(pkg.code.kind, pkg.code.bytes),
      assets: pkg.assets,
      publicFiles: pkg.publicFiles,
      ...(pkg.instructions !== undefined ? { instructions: pkg.instructions } : {}),
      ...(pkg.icon ? { icon: pkg.icon } : {}),
      origin: { layout: 'package', path: typeof input === 'string' ? input : pkg.label, codeFile: pkg.code.name },
      warnings: [],
      close: () => pkg.close(),
    };
  } catch (err) {
    pkg.close();
    throw err;
  }
}

/** `<base>.js` or `<base>.wasm` next to `<base>.manifest.json`. */
export async function loadLooseSource(codePath: string): Promise<LoadedSource> {
  const ext = extname(codePath);
  if (ext === '.py') throw pythonError(codePath);
  if (ext !== '.js' && ext !== '.wasm') {
    throw new UserError(`${codePath}: not a plugin file (expected a .js, .wasm or .ocpkg file, or a project directory)`, {
      code: 'SOURCE_UNSUPPORTED',
    });
  }
  const { base, dir } = looseBase(codePath);
  const manifestPath = join(dir, `${base}.manifest.json`);
  const manifestJson = await readText(manifestPath, ENTRY_LIMITS.manifest, `the sidecar manifest ${base}.manifest.json next to ${basename(codePath)}`);
  const manifest = validManifest(manifestJson, manifestPath);
  const bytes = await readCapped(codePath, ENTRY_LIMITS.code, 'plugin code');
  const map = join(dir, `${base}.js.map`);
  return {
    ...identity(manifest, manifestJson),
    ...codeFields(ext === '.js' ? 'js' : 'wasm', bytes),
    ...(await sourceMap(map)),
    publicFiles: firstDirectory(join(dir, 'public'), join(dir, `${base}-public`)),
    assets: firstDirectory(join(dir, 'assets'), join(dir, `${base}-assets`)),
    ...(await optionalFiles(join(dir, `${base}.INSTRUCTIONS.md`), join(dir, `${base}.icon.png`))),
    origin: { layout: 'loose', path: codePath, codeFile: codePath },
    warnings: ext === '.js' ? [LOOSE_JS_WARNING] : [],
    close: () => undefined,
  };
}

/** A plugin project: plugin.manifest.json and its build output. */
export async function loadProjectSource(dir: string): Promise<LoadedSource> {
  const manifestPath = join(dir, 'plugin.manifest.json');
  const manifestJson = await readText(manifestPath, ENTRY_LIMITS.manifest, `plugin.manifest.json in ${dir}`);
  const manifest = validManifest(manifestJson, manifestPath);
  const candidates = ['dist/plugin.js', 'dist/plugin.wasm', 'plugin.js', 'plugin.wasm'];
  const found = candidates.find((c) => existsSync(join(dir, c)));
  if (!found) {
    if (['dist/plugin.py', 'plugin.py'].some((c) => existsSync(join(dir, c)))) throw pythonError(dir);
    throw new UserError(`No built plugin in ${dir} (expected dist/plugin.js or dist/plugin.wasm)`, {
      code: 'PLUGIN_NOT_BUILT',
      nextSteps: [`Run \`owncast-plugin build\` in ${dir}`],
    });
  }
  const codeFile = join(dir, found);
  const bytes = await readCapped(codeFile, ENTRY_LIMITS.code, 'plugin code');
  return {
    ...identity(manifest, manifestJson),
    ...codeFields(found.endsWith('.js') ? 'js' : 'wasm', bytes),
    ...(await sourceMap(join(dirname(codeFile), 'plugin.js.map'))),
    publicFiles: firstDirectory(join(dir, 'public')),
    assets: firstDirectory(join(dir, 'assets')),
    ...(await optionalFiles(join(dir, 'INSTRUCTIONS.md'), join(dir, 'icon.png'))),
    origin: { layout: 'project', path: dir, codeFile },
    warnings: [],
    close: () => undefined,
  };
}

/** What a plugins-directory scan learns about one file without reading its code. */
export interface PluginFileInfo {
  path: string;
  format: PluginFileFormat;
  manifest: Manifest;
  manifestJson: string;
  hasIcon: boolean;
  hasInstructions: boolean;
}

/** The plugin-directory formats: .ocpkg, .wasm and loose .js (each with its sidecar manifest). */
export function pluginFileFormat(fileName: string): PluginFileFormat | null {
  if (fileName.endsWith('.ocpkg')) return 'ocpkg';
  if (fileName.endsWith('.wasm')) return 'wasm';
  if (fileName.endsWith('.js')) return 'js';
  return null;
}

/** Reads a plugin file's manifest for discovery: the central directory and manifest of an .ocpkg, or a sidecar. */
export async function readPluginFileInfo(path: string): Promise<PluginFileInfo> {
  const format = pluginFileFormat(path);
  if (!format) throw new UserError(`${path}: unsupported plugin file`, { code: 'SOURCE_UNSUPPORTED' });
  if (format === 'ocpkg') {
    const peek = await peekPackage(path);
    if (peek.code?.kind === 'py') throw pythonError(peek.label);
    return {
      path,
      format,
      manifest: validManifest(peek.manifestJson, `${peek.label}: plugin.manifest.json`),
      manifestJson: peek.manifestJson,
      hasIcon: peek.hasIcon,
      hasInstructions: peek.hasInstructions,
    };
  }
  const { base, dir } = looseBase(path);
  const manifestPath = join(dir, `${base}.manifest.json`);
  const manifestJson = await readText(manifestPath, ENTRY_LIMITS.manifest, `the sidecar manifest ${base}.manifest.json`);
  return {
    path,
    format,
    manifest: validManifest(manifestJson, manifestPath),
    manifestJson,
    hasIcon: existsSync(join(dir, `${base}.icon.png`)),
    hasInstructions: existsSync(join(dir, `${base}.INSTRUCTIONS.md`)),
  };
}

/**
 * Read-only files under `root`. Only clean relative paths resolve, and only to regular
 * files whose real path stays inside the root: `..`, absolute paths and symlinks that lead
 * out are refused (null). A read over `maxFileBytes` is a UserError naming the file and limit.
 */
export function directoryFileSource(root: string, opts: { maxFileBytes?: number } = {}): FileSource {
  const limit = opts.maxFileBytes ?? MAX_ASSET_BYTES;
  const realRoot = (): string | null => {
    try {
      return realpathSync.native(root);
    } catch {
      return null;
    }
  };
  return {
    read(path) {
      if (!isCleanRelativePath(path)) return null;
      const base = realRoot();
      if (!base) return null;
      let real: string;
      try {
        real = realpathSync.native(join(base, ...path.split('/')));
      } catch {
        return null;
      }
      if (!inside(base, real)) return null;
      const st = statSync(real, { throwIfNoEntry: false });
      if (!st?.isFile()) return null;
      if (st.size > limit) {
        throw new UserError(`${join(root, path)} exceeds the ${limit}-byte limit`, { exitCode: 1, code: 'FILE_TOO_LARGE' });
      }
      const bytes = readFileSync(real);
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },
    list() {
      const base = realRoot();
      if (!base) return [];
      const out: string[] = [];
      const walk = (dir: string, prefix: string) => {
        for (const d of readdirSync(dir, { withFileTypes: true })) {
          const rel = prefix + d.name;
          if (!isCleanRelativePath(rel)) continue;
          const full = join(dir, d.name);
          // Symlinked directories are not followed (no cycles, no escapes); a symlinked
          // file is listed when it resolves inside the root, as read() would serve it.
          if (d.isDirectory()) walk(full, `${rel}/`);
          else if (d.isFile()) out.push(rel);
          else if (d.isSymbolicLink()) {
            try {
              const real = realpathSync.native(full);
              if (inside(base, real) && statSync(real).isFile()) out.push(rel);
            } catch {
              // dangling link: not a file
            }
          }
        }
      };
      walk(base, '');
      return out.sort();
    },
  };
}

// ---------------------------------------------------------------------------------------

function inside(root: string, real: string): boolean {
  const rel = relative(root, real);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep);
}

function looseBase(codePath: string): { base: string; dir: string } {
  return { base: basename(codePath, extname(codePath)), dir: dirname(codePath) };
}

function firstDirectory(...dirs: string[]): FileSource | null {
  const dir = dirs.find((d) => statSync(d, { throwIfNoEntry: false })?.isDirectory());
  return dir ? directoryFileSource(dir) : null;
}

function identity(manifest: Manifest, manifestJson: string) {
  return {
    manifest,
    manifestJson,
    slug: manifest.slug,
    name: manifest.name,
    botDisplayName: manifest.bot.displayName || manifest.name,
    permissions: [...manifest.permissions],
  };
}

function codeFields(kind: 'js' | 'wasm', bytes: Uint8Array): Pick<LoadedSource, 'code' | 'script' | 'wasm'> {
  return kind === 'js' ? { code: 'js', script: Buffer.from(bytes).toString('utf8') } : { code: 'wasm', wasm: bytes };
}

function pythonError(where: string): UserError {
  return new UserError(`${where}: ${PYTHON_UNSUPPORTED}`, {
    exitCode: 1,
    code: 'PYTHON_UNSUPPORTED',
    nextSteps: ['Write the plugin in TypeScript or JavaScript (`owncast-plugin new`); production Owncast runs those on its shared JS engine'],
  });
}

/** Production's manifest rules; the first error is the one the host would report. */
function validManifest(text: string, where: string): Manifest {
  const result = parseManifest(text, { file: where });
  if (result.ok && result.manifest) return result.manifest;
  const diagnostics: Diagnostic[] = result.errors.map((e) => ({ text: e.message, file: where, line: e.line, column: e.column, pointer: e.pointer }));
  throw new UserError(`${where}: ${result.errors[0]?.message ?? 'invalid manifest'}`, {
    exitCode: 1,
    code: 'MANIFEST_INVALID',
    diagnostics,
  });
}

async function readCapped(file: string, limit: number, what: string): Promise<Uint8Array> {
  const st = await stat(file).catch(() => null);
  if (!st?.isFile()) throw new UserError(`Missing ${what}: ${file}`, { code: 'SOURCE_NOT_FOUND' });
  if (st.size > limit) throw new UserError(`${file} exceeds the ${limit}-byte limit`, { exitCode: 1, code: 'FILE_TOO_LARGE' });
  const bytes = await readFile(file);
  if (bytes.length > limit) throw new UserError(`${file} exceeds the ${limit}-byte limit`, { exitCode: 1, code: 'FILE_TOO_LARGE' });
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

async function readText(file: string, limit: number, what: string): Promise<string> {
  return Buffer.from(await readCapped(file, limit, what)).toString('utf8');
}

async function sourceMap(file: string): Promise<{ sourceMap?: string; sourceMapFile?: string }> {
  if (!existsSync(file)) return {};
  return { sourceMap: await readText(file, ENTRY_LIMITS.code, 'source map'), sourceMapFile: file };
}

async function optionalFiles(instructionsFile: string, iconFile: string): Promise<{ instructions?: string; icon?: Uint8Array }> {
  const out: { instructions?: string; icon?: Uint8Array } = {};
  if (existsSync(instructionsFile)) out.instructions = await readText(instructionsFile, ENTRY_LIMITS.instructions, 'INSTRUCTIONS.md');
  if (existsSync(iconFile)) out.icon = await readCapped(iconFile, ENTRY_LIMITS.icon, 'icon');
  return out;
}
