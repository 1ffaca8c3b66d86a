// `inspect`: what a plugin is, whatever form it comes in (an .ocpkg, a plugin.wasm, a plugin.js
// bundle or a project), and whether the Owncast server would take it. Read-only: packages
// go through the defensive reader (nothing extracted, every read capped), and the plugin runs
// only its register(), in the sandbox.

import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import { directoryFileSource } from '../host/manager/sources.js';
import type { FileSource } from '../host/types.js';
import { HANDLER_PERMISSIONS } from '../manifest/code-usage.js';
import { codeFromScript, directoryFiles, mapLocator } from '../manifest/lint-target.js';
import { LOOSE_JS_MESSAGE, lintManifest, type LintCode, type LintFiles, type LintFinding } from '../manifest/lint.js';
import { displayPath } from '../manifest/load.js';
import { KNOWN_PERMISSIONS } from '../manifest/permissions.js';
import type { Manifest } from '../manifest/types.js';
import { ENTRY_LIMITS, MANIFEST_ENTRY, openPackage, type OpenedPackage } from '../package/read.js';
import { checkScript, checkWasm, type ScriptReport, type WasmReport } from './code.js';
import { readWasmSummary } from '../engine/wasm-sections.js';
import { compareStamp, parseStampPayload, readScriptStamp, STAMP_SECTION, type BuildStamp } from '../version.js';
import { runRegister, type RegisterReport } from './register.js';

export type InspectKind = 'package' | 'wasm' | 'script' | 'project';

export interface InspectOptions {
  /** An .ocpkg, a .wasm, a .js or a project directory; relative to `ctx.cwd`. */
  path: string;
  /** Run register() in the sandbox (default true). */
  register?: boolean;
}

export interface InspectedFile {
  name: string;
  size: number;
  /** For package entries. */
  compressedSize?: number;
  /** size / compressedSize, for package entries. */
  ratio?: number;
}

export interface PermissionRow {
  permission: string;
  declared: boolean;
  /** What needs it: owncast.* calls, handlers, manifest fields. Empty when nothing visible does. */
  usedBy: string[];
  /** ok: declared and used; unused: declared, nothing visible needs it; missing: used, not declared; unknown: the code is not visible. */
  status: 'ok' | 'unused' | 'missing' | 'unknown';
}

export interface InspectReport {
  /** What was inspected, as shown to the user. */
  path: string;
  kind: InspectKind;
  /** Whether the Owncast server would take it: manifest, code contract and register() all pass. */
  valid: boolean;
  /** The reasons it is not valid. */
  problems: string[];
  /** Things that work here but deserve attention (a loose .js, compression ratios...). */
  notes: string[];
  /** The inspected file itself (not for a project). */
  file?: { bytes: number; sha256: string };
  manifest: ManifestSummary | null;
  lint: { errors: LintFinding[]; warnings: LintFinding[] } | null;
  code: CodeSummary | null;
  permissions: PermissionRow[];
  register?: RegisterReport;
  files: InspectedFile[];
  icon: { present: boolean; bytes?: number };
  instructions: { present: boolean; bytes?: number };
}

export interface ManifestSummary {
  /** Where it was read from. */
  source: string;
  name: string;
  slug: string;
  version: string;
  description: string;
  api: string;
  botDisplayName: string;
  permissions: string[];
  config: string[];
  adminPages: string[];
  actions: string[];
  tabs: string[];
  styles: string[];
  scripts: string[];
  allowedHosts: string[];
}

export interface CodeSummary {
  /** plugin.js (shared engine), plugin.wasm (self-contained) or plugin.py (not supported here). */
  entry: string;
  kind: 'js' | 'wasm' | 'py';
  /** How production runs it. */
  runs: string;
  bytes: number;
  sha256: string;
  /** Fits the production engine contract. */
  contract: { ok: boolean; problems: string[] };
  script?: ScriptReport;
  wasm?: WasmReport;
  /** What built it (the stamp `build` writes), compared with this tool; null when it carries none. */
  builtBy: BuiltBy | null;
}

export interface BuiltBy extends BuildStamp {
  /** Built by this very version of the tool. */
  sameTool: boolean;
  /** On the engine this tool runs plugins on (QuickJS build + SDK runtime). */
  sameEngine: boolean;
  /** Against the production contract this tool targets (plugin API and host-function set). */
  sameContract: boolean;
}

/** The build stamp of a plugin.js (its first line) or plugin.wasm (a custom section). */
function builtBy(kind: 'js' | 'wasm', bytes: Uint8Array): BuiltBy | null {
  let stamp: BuildStamp | undefined;
  if (kind === 'js') {
    stamp = readScriptStamp(Buffer.from(bytes.subarray(0, 1024)).toString('utf8'));
  } else {
    try {
      const section = readWasmSummary(bytes).customSections.find((c) => c.name === STAMP_SECTION);
      if (section) stamp = parseStampPayload(bytes.subarray(section.offset, section.offset + section.size));
    } catch {
      // not readable: checkWasm reports why
    }
  }
  return stamp ? { ...stamp, ...compareStamp(stamp) } : null;
}

interface Gathered {
  kind: InspectKind;
  label: string;
  file?: { bytes: number; sha256: string };
  manifestJson?: string;
  manifestSource?: string;
  manifestFile?: string;
  code?: { entry: string; kind: 'js' | 'wasm' | 'py'; bytes: Uint8Array };
  /** A plugin.js to scan (the code itself, or the one a wasm was built from). */
  script?: { text: string; file: string; map?: string; mapFile?: string };
  files: InspectedFile[];
  lintFiles?: LintFiles;
  assets?: FileSource | null;
  publicFiles?: FileSource | null;
  icon?: number;
  instructions?: number;
  looseJs?: boolean;
  notes: string[];
  close(): void;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Inspects whatever `options.path` is. A missing or unsupported path is a UserError (exit 2); a refused package exit 1. */
export async function inspectPath(ctx: Context, options: InspectOptions): Promise<InspectReport> {
  const target = path.resolve(ctx.cwd, options.path);
  const st = await stat(target).catch(() => null);
  if (!st) {
    throw new UserError(`${displayPath(ctx, target)} does not exist`, {
      code: 'INSPECT_NOT_FOUND',
      nextSteps: ['Inspect an .ocpkg, a plugin.wasm, a plugin .js or a project directory'],
    });
  }
  const g = st.isDirectory()
    ? await gatherProject(ctx, target)
    : target.endsWith('.ocpkg')
      ? await gatherPackage(ctx, target)
      : /\.(wasm|js)$/.test(target)
        ? await gatherLoose(ctx, target)
        : unsupported(ctx, target);
  try {
    return await report(ctx, g, options.register ?? true);
  } finally {
    g.close();
  }
}

function unsupported(ctx: Context, target: string): never {
  throw new UserError(`${displayPath(ctx, target)}: not a plugin (expected an .ocpkg, a .wasm, a .js or a project directory)`, {
    code: 'INSPECT_UNSUPPORTED',
  });
}

async function gatherPackage(ctx: Context, file: string): Promise<Gathered> {
  const bytes = await readFile(file);
  // The defensive reader refuses hostile archives (a PackageError, exit 1) before anything is inflated.
  const pkg: OpenedPackage = await openPackage(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), { label: path.basename(file) });
  const names = new Set(pkg.entries.filter((e) => !e.directory).map((e) => e.name));
  const files = pkg.entries
    .filter((e) => !e.directory)
    .map((e) => ({ name: e.name, size: e.size, compressedSize: e.compressedSize, ratio: e.compressedSize > 0 ? e.size / e.compressedSize : 1 }));
  const notes: string[] = [];
  for (const f of files) {
    // Assets are read on demand (never inflated here); a wild ratio is worth knowing about.
    if (f.size >= 1024 * 1024 && (f.ratio ?? 1) >= 100) {
      notes.push(`${f.name} inflates to ${f.size} bytes from ${f.compressedSize} (${Math.round(f.ratio!)}:1); the host reads it only on demand`);
    }
  }
  const ignored = files.map((f) => f.name).filter((n) => !isPackageEntry(n));
  if (ignored.length > 0) notes.push(`the Owncast server ignores ${ignored.length === 1 ? 'this entry' : 'these entries'}: ${ignored.join(', ')}`);
  const codeText = pkg.code.kind === 'js' ? Buffer.from(pkg.code.bytes).toString('utf8') : undefined;
  return {
    kind: 'package',
    label: displayPath(ctx, file),
    file: { bytes: bytes.length, sha256: sha256(bytes) },
    manifestJson: pkg.manifestJson,
    manifestSource: `${displayPath(ctx, file)}:${MANIFEST_ENTRY}`,
    code: { entry: pkg.code.name, kind: pkg.code.kind, bytes: pkg.code.bytes },
    ...(codeText !== undefined ? { script: { text: codeText, file: `${displayPath(ctx, file)}:plugin.js` } } : {}),
    files,
    lintFiles: {
      asset: (p) => names.has(`assets/${p}`),
      publicFile: (p) => names.has(`public/${p}`),
      hasPublic: [...names].some((n) => n.startsWith('public/')),
    },
    assets: pkg.assets,
    publicFiles: pkg.publicFiles,
    ...(pkg.icon ? { icon: pkg.icon.length } : {}),
    ...(pkg.instructions !== undefined ? { instructions: Buffer.byteLength(pkg.instructions) } : {}),
    notes,
    close: () => pkg.close(),
  };
}

function isPackageEntry(name: string): boolean {
  return ['plugin.manifest.json', 'plugin.js', 'plugin.py', 'plugin.wasm', 'icon.png', 'INSTRUCTIONS.md'].includes(name) || name.startsWith('public/') || name.startsWith('assets/');
}

async function readCapped(file: string, limit: number): Promise<Buffer> {
  const st = await stat(file);
  if (st.size > limit) throw new UserError(`${file} exceeds the ${limit}-byte limit`, { exitCode: 1, code: 'FILE_TOO_LARGE' });
  return readFile(file);
}

/** A `<name>.js` or `<name>.wasm`, with its `<name>.manifest.json` when there is one (a loose plugin or a build output). */
async function gatherLoose(ctx: Context, file: string): Promise<Gathered> {
  const dir = path.dirname(file);
  const ext = path.extname(file);
  const base = path.basename(file, ext);
  const bytes = await readCapped(file, ENTRY_LIMITS.code);
  // dist/plugin.js of a project: the project's manifest; otherwise the loose sidecar.
  const sidecars = [path.join(dir, `${base}.manifest.json`), ...(path.basename(dir) === 'dist' ? [path.join(dir, '..', 'plugin.manifest.json')] : [])];
  const manifestFile = sidecars.find((f) => existsSync(f));
  const root = manifestFile ? path.dirname(manifestFile) : dir;
  const kind = ext === '.js' ? 'js' : 'wasm';
  const scriptFile = kind === 'js' ? file : path.join(dir, `${base}.js`);
  const notes: string[] = [];
  if (!manifestFile) notes.push(`no ${base}.manifest.json beside it: the manifest and register() cannot be checked`);
  const looseJs = kind === 'js' && manifestFile !== undefined && path.basename(manifestFile) !== 'plugin.manifest.json';
  return {
    kind: kind === 'js' ? 'script' : 'wasm',
    label: displayPath(ctx, file),
    file: { bytes: bytes.length, sha256: sha256(bytes) },
    ...(manifestFile ? { manifestJson: await readFile(manifestFile, 'utf8'), manifestSource: displayPath(ctx, manifestFile), manifestFile } : {}),
    code: { entry: path.basename(file), kind, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
    ...(existsSync(scriptFile) ? { script: await scriptOf(ctx, scriptFile) } : {}),
    files: [],
    ...(manifestFile ? projectFiles(root) : {}),
    looseJs,
    notes,
    close: () => undefined,
  };
}

async function scriptOf(ctx: Context, file: string): Promise<NonNullable<Gathered['script']>> {
  const text = (await readCapped(file, ENTRY_LIMITS.code)).toString('utf8');
  const mapFile = `${file}.map`;
  return { text, file: displayPath(ctx, file), ...(existsSync(mapFile) ? { map: await readFile(mapFile, 'utf8'), mapFile } : {}) };
}

function projectFiles(root: string): Pick<Gathered, 'lintFiles' | 'assets' | 'publicFiles' | 'icon' | 'instructions'> {
  const dirOf = (d: string) => (statSync(d, { throwIfNoEntry: false })?.isDirectory() ? directoryFileSource(d) : null);
  const size = (f: string) => statSync(f, { throwIfNoEntry: false })?.size;
  const icon = size(path.join(root, 'icon.png'));
  const instructions = size(path.join(root, 'INSTRUCTIONS.md'));
  return {
    lintFiles: directoryFiles(path.join(root, 'assets'), path.join(root, 'public')),
    assets: dirOf(path.join(root, 'assets')),
    publicFiles: dirOf(path.join(root, 'public')),
    ...(icon !== undefined ? { icon } : {}),
    ...(instructions !== undefined ? { instructions } : {}),
  };
}

async function gatherProject(ctx: Context, dir: string): Promise<Gathered> {
  const manifestFile = path.join(dir, 'plugin.manifest.json');
  if (!existsSync(manifestFile)) {
    throw new UserError(`No plugin.manifest.json in ${displayPath(ctx, dir) || '.'}`, {
      code: 'MANIFEST_NOT_FOUND',
      nextSteps: ['Inspect a project directory (with plugin.manifest.json), an .ocpkg, a .wasm or a .js'],
    });
  }
  const candidates = ['dist/plugin.js', 'dist/plugin.wasm', 'plugin.js', 'plugin.wasm'];
  const found = candidates.find((c) => existsSync(path.join(dir, c)));
  const notes: string[] = [];
  let code: Gathered['code'];
  let script: Gathered['script'];
  if (found) {
    const bytes = await readCapped(path.join(dir, found), ENTRY_LIMITS.code);
    code = { entry: found, kind: found.endsWith('.js') ? 'js' : 'wasm', bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
    const js = path.join(dir, found.replace(/\.wasm$/, '.js'));
    if (existsSync(js)) script = await scriptOf(ctx, js);
  } else {
    notes.push('run `owncast-plugin build` to inspect the code and run register()');
  }
  return {
    kind: 'project',
    label: displayPath(ctx, dir) || '.',
    manifestJson: await readFile(manifestFile, 'utf8'),
    manifestSource: displayPath(ctx, manifestFile),
    manifestFile,
    ...(code ? { code } : {}),
    ...(script ? { script } : {}),
    files: [],
    ...projectFiles(dir),
    notes,
    close: () => undefined,
  };
}

async function report(ctx: Context, g: Gathered, withRegister: boolean): Promise<InspectReport> {
  const problems: string[] = [];
  const notes = [...g.notes];
  if (g.looseJs) notes.push(LOOSE_JS_MESSAGE);

  // The code and the engine contract.
  let code: CodeSummary | null = null;
  if (g.code) {
    const base = { entry: g.code.entry, kind: g.code.kind, bytes: g.code.bytes.length, sha256: sha256(g.code.bytes) };
    if (g.code.kind === 'py') {
      code = { ...base, runs: 'Python on the shared Python engine (not supported by this tool)', contract: { ok: false, problems: ['Python plugins are not supported by this tool'] }, builtBy: null };
    } else if (g.code.kind === 'js') {
      const script = checkScript(Buffer.from(g.code.bytes).toString('utf8'));
      code = { ...base, runs: "on the Owncast server's shared JavaScript engine (QuickJS), as config \"script\"", contract: { ok: script.ok, problems: script.problems }, script, builtBy: builtBy('js', g.code.bytes) };
    } else {
      const wasm = checkWasm(g.code.bytes, g.manifestJson ? manifestPermissions(g.manifestJson) : undefined);
      const runs =
        wasm.builder === 'owncast-plugin'
          ? 'self-contained: the QuickJS engine with the plugin pre-loaded (owncast-plugin build --target wasm)'
          : 'self-contained wasm from another toolchain (e.g. the reference SDK)';
      code = { ...base, runs, contract: { ok: wasm.ok, problems: wasm.problems }, wasm, builtBy: builtBy('wasm', g.code.bytes) };
    }
    for (const p of code.contract.problems) problems.push(`${g.code.entry}: ${p}`);
  } else {
    problems.push(g.kind === 'project' ? 'not built yet (no dist/plugin.js or dist/plugin.wasm)' : 'no plugin code');
  }

  // register() in the sandbox.
  let registerReport: RegisterReport | undefined;
  const preliminary = g.manifestJson !== undefined ? lintManifest(g.manifestJson) : undefined;
  if (withRegister && g.code && g.code.kind !== 'py' && preliminary?.ok && code?.contract.ok) {
    registerReport = await runRegister({
      manifestJson: g.manifestJson!,
      ...(g.code.kind === 'js' ? { script: Buffer.from(g.code.bytes).toString('utf8') } : { wasm: g.code.bytes }),
      ...(g.script?.map ? { sourceMap: g.script.map, sourceMapFile: g.script.mapFile! } : {}),
      assets: g.assets ?? null,
      publicFiles: g.publicFiles ?? null,
    });
    if (registerReport.failure) problems.push(`register() failed: ${registerReport.failure}`);
  }

  // The manifest, with everything known about the code.
  let lintCode: LintCode | undefined;
  if (g.script) {
    const mapped = g.script.map ? await mapLocator(ctx, g.script.map, g.script.mapFile!) : undefined;
    lintCode = codeFromScript(g.script.file, g.script.text, mapped);
  }
  let manifest: ManifestSummary | null = null;
  let lint: InspectReport['lint'] = null;
  let permissions: PermissionRow[] = [];
  if (g.manifestJson !== undefined) {
    const result = lintManifest(g.manifestJson, {
      ...(g.manifestFile ? { file: g.manifestFile } : {}),
      ...(g.lintFiles ? { files: g.lintFiles } : {}),
      ...(lintCode ? { code: lintCode } : {}),
      ...(registerReport && !registerReport.failure
        ? { registration: { subscriptions: registerReport.subscriptions, version: registerReport.version, ...(registerReport.refusal ? { refusal: registerReport.refusal } : {}) } }
        : {}),
      ...(g.looseJs ? { looseJs: true } : {}),
    });
    lint = { errors: result.errors, warnings: result.warnings };
    for (const e of result.errors) problems.push(`${g.manifestSource}:${e.line}:${e.column}: ${e.message}`);
    const m = result.manifest ?? result.normalized;
    if (m) {
      manifest = summarize(m, g.manifestSource!);
      permissions = permissionRows(m, lintCode, registerReport, g.lintFiles);
    }
  } else {
    problems.push('no manifest');
  }

  return {
    path: g.label,
    kind: g.kind,
    valid: problems.length === 0,
    problems,
    notes,
    ...(g.file ? { file: g.file } : {}),
    manifest,
    lint,
    code,
    permissions,
    ...(registerReport ? { register: registerReport } : {}),
    files: g.files,
    icon: g.icon === undefined ? { present: false } : { present: true, bytes: g.icon },
    instructions: g.instructions === undefined ? { present: false } : { present: true, bytes: g.instructions },
  };
}

function manifestPermissions(json: string): string[] {
  const r = lintManifest(json);
  return r.normalized?.permissions ?? [];
}

function summarize(m: Manifest, source: string): ManifestSummary {
  return {
    source,
    name: m.name,
    slug: m.slug,
    version: m.version,
    description: m.description,
    api: m.api,
    botDisplayName: m.bot.displayName || m.name,
    permissions: [...m.permissions],
    config: Object.keys(m.config),
    adminPages: m.admin.pages.map((p) => p.path),
    actions: m.actions.map((a) => a.title),
    tabs: m.tabs.map((t) => t.title),
    styles: [...m.styles],
    scripts: [...m.scripts],
    allowedHosts: [...m.network.allowedHosts],
  };
}

/** Declared permissions against what the code visibly needs. */
function permissionRows(m: Manifest, code: LintCode | undefined, reg: RegisterReport | undefined, files: LintFiles | undefined): PermissionRow[] {
  const usedBy = new Map<string, Set<string>>();
  const use = (p: string, by: string) => {
    if (!usedBy.has(p)) usedBy.set(p, new Set());
    usedBy.get(p)!.add(by);
  };
  for (const u of code?.usage.uses ?? []) for (const p of u.permissions) use(p, u.api);
  for (const h of code?.usage.handlers ?? []) {
    const need = HANDLER_PERMISSIONS[h.name];
    if (need) use(need.permission, h.name);
  }
  for (const s of reg?.subscriptions.filter ?? []) if (s.event === 'chat.message.received') use('chat.filter', 'filter on chat.message.received');
  for (const s of reg?.subscriptions.notify ?? []) {
    if (s.event.startsWith('fediverse.')) use('fediverse.inbound', `subscription ${s.event}`);
    if (s.event.startsWith('sse.')) use('http.sse', `subscription ${s.event}`);
  }
  if (m.actions.length > 0) use('ui.modify', 'manifest actions');
  if (m.styles.length + m.scripts.length > 0) use('ui.modify', 'manifest styles/scripts');
  if (m.tabs.length > 0 || m.extraPageContent) use('ui.modify', 'manifest tabs/extraPageContent');
  if (m.admin.pages.length > 0) use('http.serve', 'admin pages');
  if (files?.hasPublic) use('http.serve', 'public/ files');
  const prefix = `/plugins/${m.slug}/`;
  if (m.actions.some((a) => a.url.startsWith(prefix) || a.icon.startsWith(prefix))) use('http.serve', 'manifest action links');
  const visible = code !== undefined && !code.usage.opaque;
  const all = new Set([...m.permissions, ...usedBy.keys()]);
  const order = (p: string) => {
    const i = (KNOWN_PERMISSIONS as readonly string[]).indexOf(p);
    return i === -1 ? KNOWN_PERMISSIONS.length : i;
  };
  return [...all]
    .sort((a, b) => order(a) - order(b) || a.localeCompare(b))
    .map((permission) => {
      const declared = m.permissions.includes(permission);
      const by = [...(usedBy.get(permission) ?? [])];
      const status: PermissionRow['status'] = !declared ? 'missing' : by.length > 0 ? 'ok' : visible ? 'unused' : 'unknown';
      return { permission, declared, usedBy: by, status };
    });
}
