import type { Manifest } from '../manifest/index.js';
import type { FileSource, PluginIdentity } from './types.js';

/** The registry's identity of a plugin with a validated manifest. */
export function identityFromManifest(
  manifest: Manifest,
  manifestJson: string,
  extra: { assets?: FileSource | null; publicFiles?: FileSource | null; configOverrides?: Record<string, unknown> } = {},
): PluginIdentity {
  return {
    slug: manifest.slug,
    name: manifest.name,
    // the chat name production gives the plugin's bot
    botDisplayName: manifest.bot.displayName || manifest.name,
    permissions: new Set(manifest.permissions),
    manifest,
    manifestJson,
    assets: extra.assets ?? null,
    publicFiles: extra.publicFiles ?? null,
    configOverrides: extra.configOverrides ?? {},
  };
}
