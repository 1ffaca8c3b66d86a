// `package`: a project → <slug>.ocpkg (DESIGN §3.9, production §6). Builds when dist/ is
// stale, refuses a manifest the host would reject (the lint engine) and a plugin whose
// register() the host would refuse (the sandbox, like production's upload preflight),
// collects exactly the entries production reads, refuses anything hostile on disk, and
// writes a deterministic zip with archiver: sorted entries, fixed timestamps and modes,
// the same bytes for the same inputs. The built files stay where they are.

import { createHash } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

import type { BuildResult } from '../compiler/build.js';
import { buildPlugin } from '../compiler/index.js';
import type { Context } from '../context.js';
import { type Diagnostic, UserError } from '../errors.js';
import { staleReason } from '../devserver/project-build.js';
import { type RegisterReport, runRegister } from '../inspect/register.js';
import { codeFromFile, directoryFiles } from '../manifest/lint-target.js';
import { lintManifest, type LintFinding } from '../manifest/lint.js';
import { displayPath, MANIFEST_FILE, manifestDiagnostics, readManifest } from '../manifest/load.js';
import type { ManifestParseResult } from '../manifest/types.js';
import { pathProblem } from './paths.js';
import { ENTRY_LIMITS, ICON_ENTRY, INSTRUCTIONS_ENTRY, MANIFEST_ENTRY, MAX_ENTRIES, MAX_PACKAGE_BYTES, openPackage, PackageError } from './read.js';

const KEEP_SMALL = ['Move large media out of the package (serve it from elsewhere, or fetch it at runtime)'];

/** Every entry gets this time (the DOS epoch, in UTC) and these modes, so bytes depend only on content. */
export const FIXED_DATE = new Date(Date.UTC(1980, 0, 1, 0, 0, 0));
export const FILE_MODE = 0o644;
/** DEFLATE level 6, like the reference CLI. */
export const DEFLATE_LEVEL = 6;

export interface PackageOptions {
  /** The project directory, relative to `ctx.cwd`. */
  dir: string;
  /** The package file, or a directory to put `<slug>.ocpkg` in. Default `<dir>/<slug>.ocpkg`. */
  out?: string;
  /** Which code entry: plugin.js (default) or plugin.wasm. */
  target?: 'js' | 'wasm';
  /** Run register() in the sandbox before writing, like production's upload preflight. Default true. */
  preflight?: boolean;
  /** The package size cap. Default production's upload cap, MAX_PACKAGE_BYTES (50 MiB). */
  maxBytes?: number;
}

export interface PackagedEntry {
  name: string;
  /** Uncompressed bytes. */
  size: number;
  compressedSize: number;
}

export interface PackageResult {
  /** Absolute path of the written package. */
  file: string;
  displayPath: string;
  slug: string;
  name: string;
  version: string;
  target: 'js' | 'wasm';
  /** Size of the package. */
  bytes: number;
  sha256: string;
  /** In the order they are in the archive (sorted by name). */
  entries: PackagedEntry[];
  /** The build `package` ran because dist/ was missing or stale, or null when it was current. */
  built: BuildResult | null;
  buildReason?: string;
  /** Manifest warnings (lint); the package was still written. */
  warnings: Diagnostic[];
  /** What register() reported in the sandbox; absent when the preflight was skipped. */
  preflight?: Pick<RegisterReport, 'subscriptions' | 'commands' | 'version' | 'durationMs'>;
  durationMs: number;
}

/** One file to put in the package. */
export interface PackageInput {
  name: string;
  data: Buffer;
}

/** Builds if needed, checks, and writes the package. Failures are UserErrors: 1 for a refused package, 2 for usage. */
export async function packagePlugin(ctx: Context, options: PackageOptions): Promise<PackageResult> {
  const started = ctx.clock.monotonic();
  const target = options.target ?? 'js';
  const dir = path.resolve(ctx.cwd, options.dir);
  const first = await readManifest(ctx, dir); // a missing project or manifest: exit 2
  refuseLintErrors(ctx, first, first.errors);

  // Build when the code entry is missing or older than anything it is built from.
  const codeFile = path.join(dir, 'dist', `plugin.${target}`);
  const reason = (await isFile(codeFile)) ? await staleReason(dir) : 'it has not been built';
  let built: BuildResult | null = null;
  if (reason) {
    ctx.logger.info(`Building ${path.resolve(ctx.cwd) === dir ? 'the project' : displayPath(ctx, dir)} first: ${reason}`);
    built = await buildPlugin(ctx, { dir, target });
  }
  const manifestSource = await readFile(path.join(dir, MANIFEST_FILE));
  const manifestJson = manifestSource.toString('utf8');
  const jsFile = path.join(dir, 'dist', 'plugin.js');
  const code = await readFile(codeFile);

  let report: RegisterReport | undefined;
  if (options.preflight ?? true) {
    ctx.logger.info('Running register() in the sandbox (the Owncast server does the same before it installs a package)');
    report = await runRegister({
      manifestJson,
      ...(target === 'js' ? { script: code.toString('utf8') } : { wasm: new Uint8Array(code.buffer, code.byteOffset, code.byteLength) }),
      ...((await isFile(`${jsFile}.map`)) ? { sourceMap: await readFile(`${jsFile}.map`, 'utf8'), sourceMapFile: `${jsFile}.map` } : {}),
    });
    if (report.failure !== undefined) {
      throw new UserError(`Refusing to package: register() failed in the sandbox, so the Owncast server would refuse the upload`, {
        exitCode: 1,
        code: 'PACKAGE_PREFLIGHT',
        diagnostics: [{ text: report.failure, ...(report.stack ? { notes: report.stack.split('\n') } : {}) }],
        nextSteps: ['Run `owncast-plugin test` or `owncast-plugin serve` to see the plugin load', 'Top-level code runs at load: keep it to definePlugin and cheap setup'],
      });
    }
  }

  const lint = lintManifest(manifestJson, {
    file: path.join(dir, MANIFEST_FILE),
    files: directoryFiles(path.join(dir, 'assets'), path.join(dir, 'public')),
    ...((await isFile(jsFile)) ? { code: await codeFromFile(ctx, jsFile) } : {}),
    ...(report ? { registration: { subscriptions: report.subscriptions, version: report.version, ...(report.refusal ? { refusal: report.refusal } : {}) } } : {}),
  });
  refuseLintErrors(ctx, lint, lint.errors);
  // A file the manifest names can still be added to a project, never to a shipped package.
  const missing = lint.warnings.filter((w) => w.rule === 'asset-missing');
  if (missing.length > 0) {
    const n = missing.length;
    throw new UserError(`Refusing to package: plugin.manifest.json names ${n} file${n === 1 ? '' : 's'} the package would not contain`, {
      exitCode: 1,
      code: 'PACKAGE_ASSET_MISSING',
      diagnostics: manifestDiagnostics(ctx, lint, missing),
      nextSteps: ['Add the files (styles, scripts and content under assets/, linked pages under public/), or fix the paths in the manifest'],
    });
  }
  const manifest = lint.manifest!;

  const inputs = await collectInputs(ctx, dir, manifestSource, { name: `plugin.${target}`, data: code });
  const bytes = await writeZip(inputs);
  const maxBytes = options.maxBytes ?? MAX_PACKAGE_BYTES;
  if (bytes.length > maxBytes) {
    throw new PackageError(`Refusing to package: the package would be ${bytes.length} bytes; the Owncast server refuses uploads over ${maxBytes} bytes`, {
      code: 'PACKAGE_TOO_LARGE',
      limit: maxBytes,
      nextSteps: KEEP_SMALL,
    });
  }
  // Read it back through the defensive reader: what we ship is what the host can open.
  const check = await openPackage(bytes, { label: `${manifest.slug}.ocpkg` });
  const entries = check.entries.map((e) => ({ name: e.name, size: e.size, compressedSize: e.compressedSize }));
  check.close();

  const file = await outFile(ctx, dir, options.out, manifest.slug);
  await writeAtomically(file, bytes);
  return {
    file,
    displayPath: displayPath(ctx, file),
    slug: manifest.slug,
    name: manifest.name,
    version: manifest.version,
    target,
    bytes: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    entries,
    built,
    ...(reason ? { buildReason: reason } : {}),
    warnings: manifestDiagnostics(ctx, lint, lint.warnings),
    ...(report ? { preflight: { subscriptions: report.subscriptions, commands: report.commands, version: report.version, durationMs: report.durationMs } } : {}),
    durationMs: Math.round(ctx.clock.monotonic() - started),
  };
}

function refuseLintErrors(ctx: Context, result: ManifestParseResult, errors: LintFinding[]): void {
  if (errors.length === 0) return;
  const n = errors.length;
  throw new UserError(`Refusing to package: plugin.manifest.json has ${n} error${n === 1 ? '' : 's'} the Owncast server would reject`, {
    exitCode: 1,
    code: 'MANIFEST_INVALID',
    diagnostics: manifestDiagnostics(ctx, result, errors),
    nextSteps: ['Fix the errors above (`owncast-plugin lint-manifest` lists every finding)'],
  });
}

async function isFile(file: string): Promise<boolean> {
  return (await stat(file).catch(() => null))?.isFile() ?? false;
}

/**
 * The entries production reads: the manifest (verbatim), one code entry, icon.png,
 * INSTRUCTIONS.md, public/** and assets/**. Symlinks and anything that is not a regular
 * file or directory are refused, as are names that are not clean relative paths.
 */
async function collectInputs(ctx: Context, dir: string, manifest: Buffer, code: PackageInput): Promise<PackageInput[]> {
  const inputs: PackageInput[] = [{ name: MANIFEST_ENTRY, data: manifest }, code];
  for (const name of [ICON_ENTRY, INSTRUCTIONS_ENTRY]) {
    const file = path.join(dir, name);
    const st = await lstat(file).catch(() => null);
    if (!st) continue;
    refuseNonFile(ctx, file, name, st);
    inputs.push({ name, data: await readFile(file) });
  }
  for (const top of ['public', 'assets']) {
    const root = path.join(dir, top);
    const st = await lstat(root).catch(() => null);
    if (!st) continue;
    if (st.isSymbolicLink()) refuse(ctx, root, `${top}/ is a symbolic link`, 'PACKAGE_SYMLINK');
    if (!st.isDirectory()) refuse(ctx, root, `${top} is not a directory`, 'PACKAGE_NOT_A_FILE');
    await walk(ctx, root, top, inputs);
  }
  checkInputs(inputs);
  return inputs;
}

async function walk(ctx: Context, dir: string, prefix: string, out: PackageInput[]): Promise<void> {
  // Names as bytes: a name that is not UTF-8 is refused, never silently replaced.
  const names = await readdir(dir, { encoding: 'buffer' });
  for (const raw of names) {
    let base: string;
    try {
      base = new TextDecoder('utf-8', { fatal: true }).decode(raw);
    } catch {
      refuse(ctx, path.join(dir, raw.toString('latin1')), 'its name is not valid UTF-8', 'PACKAGE_BAD_NAME');
    }
    const file = path.join(dir, base);
    const name = `${prefix}/${base}`;
    const st = await lstat(file);
    if (st.isDirectory()) {
      await walk(ctx, file, name, out);
      continue;
    }
    refuseNonFile(ctx, file, name, st);
    out.push({ name, data: await readFile(file) });
  }
}

function refuseNonFile(ctx: Context, file: string, name: string, st: { isSymbolicLink(): boolean; isFile(): boolean }): void {
  if (st.isSymbolicLink()) refuse(ctx, file, `${name} is a symbolic link`, 'PACKAGE_SYMLINK', 'Replace the link with a copy of the file: packages hold regular files only');
  if (!st.isFile()) refuse(ctx, file, `${name} is not a regular file`, 'PACKAGE_NOT_A_FILE');
}

function refuse(ctx: Context, file: string, why: string, code: string, step?: string): never {
  throw new PackageError(`Refusing to package ${displayPath(ctx, file)}: ${why}`, {
    code,
    entry: displayPath(ctx, file),
    nextSteps: [step ?? 'Keep only regular files under public/ and assets/'],
  });
}

/**
 * The checks on the list of entries, before anything is written: clean relative
 * forward-slash names, no duplicates (also after Unicode normalization, which some file
 * systems apply), the entry count, and production's caps on the entries it reads whole.
 */
export function checkInputs(inputs: readonly PackageInput[]): void {
  if (inputs.length > MAX_ENTRIES) {
    throw new PackageError(`Refusing to package: ${inputs.length} entries; the Owncast server reads at most ${MAX_ENTRIES}`, {
      code: 'PACKAGE_TOO_MANY_ENTRIES',
      limit: MAX_ENTRIES,
    });
  }
  const seen = new Map<string, string>();
  for (const { name, data } of inputs) {
    const problem = pathProblem(name);
    if (problem) {
      throw new PackageError(`Refusing to package entry ${JSON.stringify(name)}: ${problem} (entry names must be relative, forward-slash paths without "..")`, {
        code: 'PACKAGE_BAD_NAME',
        entry: name,
        nextSteps: ['Rename the file: entry names are the paths under the project, with forward slashes'],
      });
    }
    const key = name.normalize('NFC');
    const other = seen.get(key);
    if (other !== undefined) {
      throw new PackageError(
        other === name
          ? `Refusing to package: entry ${JSON.stringify(name)} appears more than once`
          : `Refusing to package: entries ${JSON.stringify(other)} and ${JSON.stringify(name)} are the same name in different Unicode forms`,
        { code: 'PACKAGE_DUPLICATE_ENTRY', entry: name, nextSteps: ['Rename one of them'] },
      );
    }
    seen.set(key, name);
    const limit = capOf(name);
    if (limit !== undefined && data.length > limit) {
      throw new PackageError(`Refusing to package: ${name} is ${data.length} bytes; the Owncast server refuses it over ${limit} bytes`, {
        code: 'PACKAGE_ENTRY_TOO_LARGE',
        entry: name,
        limit,
        nextSteps: KEEP_SMALL,
      });
    }
  }
}

function capOf(name: string): number | undefined {
  if (name === MANIFEST_ENTRY) return ENTRY_LIMITS.manifest;
  if (name === 'plugin.js' || name === 'plugin.wasm') return ENTRY_LIMITS.code;
  if (name === ICON_ENTRY) return ENTRY_LIMITS.icon;
  if (name === INSTRUCTIONS_ENTRY) return ENTRY_LIMITS.instructions;
  return undefined;
}

/** The zip, deterministic: entries sorted by name, every time and mode fixed, DEFLATE level 6. */
export async function writeZip(inputs: readonly PackageInput[]): Promise<Buffer> {
  checkInputs(inputs);
  const { ZipArchive } = await import('archiver');
  const zip = new ZipArchive({ zlib: { level: DEFLATE_LEVEL } });
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    zip.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.on('end', resolve);
    zip.on('error', reject);
    zip.on('warning', reject);
  });
  const sorted = [...inputs].sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
  for (const { name, data } of sorted) zip.append(data, { name, date: FIXED_DATE, mode: FILE_MODE });
  await Promise.all([zip.finalize(), done]);
  return Buffer.concat(chunks);
}

async function outFile(ctx: Context, dir: string, out: string | undefined, slug: string): Promise<string> {
  const name = `${slug}.ocpkg`;
  let file: string;
  if (out === undefined) file = path.join(dir, name);
  else {
    const resolved = path.resolve(ctx.cwd, out);
    const st = await stat(resolved).catch(() => null);
    file = st?.isDirectory() || /[\\/]$/.test(out) ? path.join(resolved, name) : resolved;
  }
  for (const top of ['public', 'assets']) {
    const rel = path.relative(path.join(dir, top), file);
    if (!rel.startsWith('..') && !path.isAbsolute(rel)) {
      throw new UserError(`Refusing to write the package into ${top}/: the next package would contain it`, {
        code: 'PACKAGE_OUT_INSIDE',
        nextSteps: ['Choose another --out'],
      });
    }
  }
  return file;
}

async function writeAtomically(file: string, bytes: Buffer): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temp, bytes);
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw new UserError(`Cannot write ${file}: ${(err as Error).message}`, { code: 'PACKAGE_WRITE_FAILED', cause: err });
  }
}
