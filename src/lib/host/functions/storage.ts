import { bytesArg, errorMessage, okResult, type Impls } from './common.js';
import type { HostDeps } from './deps.js';
import { encode, encodeStruct, WIRE } from './wire.js';

export const KV_KEY_MAX_BYTES = 1024;
export const KV_VALUE_MAX_BYTES = 256 * 1024;
export const FS_UNAVAILABLE = 'filesystem unavailable';

/** storage.kv, storage.fs and storage.upload. */
export function storageFunctions(deps: HostDeps): Impls {
  const warn = (fn: string, slug: string, message: string) => deps.log.warn(`${fn} from ${slug}: ${message}`);

  return {
    owncast_kv_get: (c) => deps.kv.get(c.caller.slug, c.text(0)),
    owncast_kv_set: (c) => {
      const slug = c.caller.slug;
      // Caps are in bytes as the plugin sent them; oversized writes are dropped, not truncated.
      const keyBytes = bytesArg(c, 0).byteLength;
      const valueBytes = bytesArg(c, 1).byteLength;
      if (keyBytes > KV_KEY_MAX_BYTES) {
        return warn('owncast_kv_set', slug, `key is ${keyBytes} bytes, limit is ${KV_KEY_MAX_BYTES} — dropped`);
      }
      if (valueBytes > KV_VALUE_MAX_BYTES) {
        return warn('owncast_kv_set', slug, `value is ${valueBytes} bytes, limit is ${KV_VALUE_MAX_BYTES} — dropped`);
      }
      deps.kv.set(slug, c.text(0), c.text(1));
    },

    owncast_fs_read: (c) => deps.fs?.sandbox(c.caller.slug).read(c.text(0)) ?? null,
    owncast_fs_write: (c) => {
      if (!deps.fs) return okResult(FS_UNAVAILABLE);
      const result = deps.fs.sandbox(c.caller.slug).write(c.text(0), bytesArg(c, 1));
      if (!result.ok) warn('owncast_fs_write', c.caller.slug, result.error ?? 'failed');
      return okResult(result.ok ? undefined : (result.error ?? 'write failed'));
    },
    owncast_fs_list: (c) => {
      const names = deps.fs?.sandbox(c.caller.slug).list(c.text(0));
      return names ? encode({ slice: 'string' }, names) : null;
    },
    owncast_fs_delete: (c) => {
      if (!deps.fs) return okResult(FS_UNAVAILABLE);
      const result = deps.fs.sandbox(c.caller.slug).delete(c.text(0));
      if (!result.ok) warn('owncast_fs_delete', c.caller.slug, result.error ?? 'failed');
      return okResult(result.ok ? undefined : (result.error ?? 'delete failed'));
    },
    owncast_fs_exists: (c) => (deps.fs?.sandbox(c.caller.slug).exists(c.text(0)) ? 1 : 0),

    owncast_storage_upload: (c) => {
      if (!deps.env.storage) return null;
      try {
        const url = deps.env.storage.upload(c.caller.slug, c.text(0), bytesArg(c, 1));
        return encodeStruct(WIRE.UploadResult, { url });
      } catch (err) {
        warn('owncast_storage_upload', c.caller.slug, errorMessage(err));
        return null;
      }
    },
  };
}
