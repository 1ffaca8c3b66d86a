// The conformance suite's plugins: fixture projects under ./fixtures, built by our compiler
// (once per file and target) and loaded into a real PluginHost, under whatever slug,
// permissions and manifest fields a test needs.
import { join } from 'node:path';

import type { LoadedPlugin, PluginHost, PluginSource } from '../../../src/lib/host/host.js';
import { buildSource, type Recorded } from '../../helpers/host.js';

export const FIXTURES = join(import.meta.dirname, 'fixtures');

export interface LoadOptions {
  slug?: string;
  /** Replaces the manifest's permissions. */
  permissions?: string[];
  /** Manifest fields to set (a value of undefined removes the field). */
  manifest?: Record<string, unknown>;
  target?: 'js' | 'wasm';
  source?: Partial<PluginSource>;
}

/** The fixture's built source with its manifest edited as asked. */
export async function fixtureSource(fixture: string, opts: LoadOptions = {}): Promise<PluginSource> {
  const built = await buildSource(join(FIXTURES, fixture), opts.target ?? 'js');
  const manifest = JSON.parse(built.manifestJson) as Record<string, unknown>;
  if (opts.slug !== undefined) manifest.slug = opts.slug;
  if (opts.permissions !== undefined) manifest.permissions = opts.permissions;
  for (const [key, value] of Object.entries(opts.manifest ?? {})) {
    if (value === undefined) delete manifest[key];
    else manifest[key] = value;
  }
  return { ...built, manifestJson: JSON.stringify(manifest), ...opts.source };
}

export async function load(host: PluginHost, fixture: string, opts: LoadOptions = {}): Promise<LoadedPlugin> {
  return host.load(await fixtureSource(fixture, opts));
}

/** What one plugin said in chat, in order. */
export const said = (rec: Recorded, slug: string): string[] => rec.chat.filter((c) => c.slug === slug).map((c) => c.text);

/** The rejection of a promise that must reject. */
export async function rejection(work: Promise<unknown>): Promise<Error> {
  return work.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err as Error,
  );
}
