// Real plugins for the manager tests: TypeScript sources built by our compiler, written into
// temp plugin directories as loose files, project directories and .ocpkg packages.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { PluginSource } from '../../../src/lib/host/host.js';
import { buildSource, recordingHost } from '../../helpers/host.js';
import { writeZip, type ZipEntryInput } from '../../package/zip-writer.js';
import { pluginHostLoader } from '../../../src/lib/host/manager/index.js';

export type ManifestInput = { name: string; slug?: string; version?: string; permissions?: string[] } & Record<string, unknown>;

export const manifestJson = (m: ManifestInput): string => JSON.stringify({ api: '1', version: '1.0.0', permissions: [], ...m }, null, 2);

const temps: string[] = [];

export async function tempDir(prefix = 'ocp-mgr-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

export async function removeTemps(): Promise<void> {
  await Promise.all(temps.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

/** Plugin sources used across the manager tests (one build each per test file). */
export const SOURCES = {
  /** Says "<tag>: <body>" in chat for every message; the tag tells builds apart. */
  echo: (tag: string) => `
    import { definePlugin, owncast } from '@owncast/plugin-sdk';
    definePlugin({ onChatMessage(msg) { owncast.chat.send(${JSON.stringify(tag)} + ': ' + msg.body); } });
  `,
  /** Top-level code that throws: register() fails. */
  throwsAtLoad: `
    import { definePlugin } from '@owncast/plugin-sdk';
    if (Date.now() > 0) throw new Error('boom at load');
    definePlugin({});
  `,
  /** A chat filter (needs chat.filter). */
  filter: `
    import { definePlugin, filter } from '@owncast/plugin-sdk';
    definePlugin({ filterChatMessage() { return filter.pass(); } });
  `,
  /** Subscribes to fediverse.follow (needs fediverse.inbound). */
  fediverse: `
    import { definePlugin } from '@owncast/plugin-sdk';
    definePlugin({ onFediverseFollow() {} });
  `,
} as const;

/**
 * Builds a TypeScript plugin with the real compiler. The manifest only has to be valid for
 * the build; for plugin.js the sidecar written next to it is what the host uses.
 */
export async function build(source: string, manifest: ManifestInput, target: 'js' | 'wasm' = 'js'): Promise<PluginSource> {
  const dir = await tempDir('ocp-mgr-src-');
  await mkdir(join(dir, 'src'));
  await writeFile(join(dir, 'src', 'plugin.ts'), source);
  await writeFile(join(dir, 'plugin.manifest.json'), manifestJson(manifest));
  return buildSource(dir, target);
}

function codeOf(built: PluginSource): { ext: 'js' | 'wasm'; bytes: Uint8Array | string } {
  return built.wasm ? { ext: 'wasm', bytes: built.wasm } : { ext: 'js', bytes: built.script! };
}

/** `<dir>/<base>.js|.wasm` + `<dir>/<base>.manifest.json`. */
export async function writeLoose(dir: string, base: string, built: PluginSource, manifest: ManifestInput | string): Promise<string> {
  const { ext, bytes } = codeOf(built);
  const file = join(dir, `${base}.${ext}`);
  await writeFile(join(dir, `${base}.manifest.json`), typeof manifest === 'string' ? manifest : manifestJson(manifest));
  await writeFile(file, bytes);
  return file;
}

/** The bytes of an .ocpkg with the built code, the manifest and any extra entries. */
export function ocpkgBytes(built: PluginSource, manifest: ManifestInput | string, extra: ZipEntryInput[] = []): Buffer {
  const { ext, bytes } = codeOf(built);
  return writeZip([
    { name: 'plugin.manifest.json', data: typeof manifest === 'string' ? manifest : manifestJson(manifest) },
    { name: `plugin.${ext}`, data: bytes },
    ...extra,
  ]);
}

export async function writeOcpkg(dir: string, fileName: string, built: PluginSource, manifest: ManifestInput | string, extra: ZipEntryInput[] = []): Promise<string> {
  const file = join(dir, fileName);
  await writeFile(file, ocpkgBytes(built, manifest, extra));
  return file;
}

/** A project directory: plugin.manifest.json, dist/plugin.js (or .wasm) and dist/plugin.js.map. */
export async function writeProject(dir: string, built: PluginSource, manifest: ManifestInput | string): Promise<string> {
  const { ext, bytes } = codeOf(built);
  await mkdir(join(dir, 'dist'), { recursive: true });
  await writeFile(join(dir, 'plugin.manifest.json'), typeof manifest === 'string' ? manifest : manifestJson(manifest));
  await writeFile(join(dir, 'dist', `plugin.${ext}`), bytes);
  if (built.sourceMap) await writeFile(join(dir, 'dist', 'plugin.js.map'), built.sourceMap);
  return dir;
}

/** A recording PluginHost and the manager's loader over it. */
export function hostLoader() {
  const { host, rec } = recordingHost();
  return { host, rec, load: pluginHostLoader(host) };
}
