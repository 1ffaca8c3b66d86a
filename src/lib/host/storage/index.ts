import { join } from 'node:path';

import { createFsSandbox, type FsOp, type FsSandbox } from './fs.js';

export { openKvStore, type KvStore } from './kv.js';
export {
  createFsSandbox,
  FS_QUOTA_BYTES,
  FsPathRefused,
  type FsOp,
  type FsResult,
  type FsSandbox,
  type FsSandboxOptions,
  type FsTreeEntry,
} from './fs.js';

/** Every plugin's sandbox under one directory, laid out like production: <base>/<slug>/files/. */
export interface FsSandboxes {
  sandbox(slug: string): FsSandbox;
}

export interface FsSandboxesOptions {
  /** Bytes per plugin; default 256 MiB. */
  quotaBytes?: number;
  /** Every refused path (escape attempts, symlinks out), for the host log. */
  onRefused?(slug: string, op: FsOp, path: string, reason: string): void;
}

/**
 * One sandbox per slug, made on first use and kept, so its cached quota usage stays right
 * across reloads and instance recreations.
 */
export function createFsSandboxes(baseDir: string, options: FsSandboxesOptions = {}): FsSandboxes {
  const { quotaBytes, onRefused } = options;
  const sandboxes = new Map<string, FsSandbox>();
  return {
    sandbox(slug) {
      let box = sandboxes.get(slug);
      if (!box) {
        box = createFsSandbox(join(baseDir, slug, 'files'), {
          quotaBytes,
          onRefused: onRefused && ((op, path, reason) => onRefused(slug, op, path, reason)),
        });
        sandboxes.set(slug, box);
      }
      return box;
    },
  };
}
