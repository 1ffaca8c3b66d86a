import { bytesArg, goJson, type Impl, type Impls } from './common.js';
import type { HostDeps } from './deps.js';
import { sanitizePluginLogMessage } from './log.js';

/** Ambient functions (no permission): the plugin's own config and assets, and its log. */
export function ambientFunctions(deps: HostDeps): Impls {
  const logAt =
    (level: 'info' | 'warn' | 'error'): Impl =>
    (c) =>
      deps.log.plugin(c.caller.slug, level, sanitizePluginLogMessage(bytesArg(c, 0)));

  return {
    owncast_config_get: (c) => {
      const { manifest, configOverrides } = c.caller;
      const key = c.text(0);
      // Only keys the manifest declares; their value is the admin's, else the default.
      if (!Object.hasOwn(manifest.config, key)) return null;
      let value = manifest.config[key]!.default;
      if (configOverrides && Object.hasOwn(configOverrides, key)) value = configOverrides[key];
      return value === undefined || value === null ? null : goJson(value);
    },

    owncast_asset_read: (c) => {
      const path = c.text(0);
      const assets = c.caller.assets;
      // production's check, verbatim: any "..", or a leading "/"
      if (!assets || path.includes('..') || path.startsWith('/')) return null;
      return assets.read(path);
    },

    owncast_log_info: logAt('info'),
    owncast_log_warning: logAt('warn'),
    owncast_log_error: logAt('error'),
  };
}
