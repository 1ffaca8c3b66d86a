import { join } from 'node:path';

import { createFsSandbox, type FsSandbox, type FsSandboxOptions } from './fs.js';

export { openKvStore, type KvStore } from './kv.js';
export { createFsSandbox, FS_QUOTA_BYTES, type FsOp, type FsResult, type FsSandbox, type FsSandboxOptions } from './fs.js';

/** Every plugin's sandbox under one directory, laid out like production: <base>/<slug>/files/. */
export interface FsSandboxes {
  sandbox(slug: string): FsSandbox;
}

/**
 * One sandbox per slug, made on first use and kept, so its cached quota usage stays right
 * across reloads and instance recreations.
 */
export function createFsSandboxes(baseDir: string, options: FsSandboxOptions = {}): FsSandboxes {
  const sandboxes = new Map<string, FsSandbox>();
  return {
    sandbox(slug) {
      let box = sandboxes.get(slug);
      if (!box) {
        box = createFsSandbox(join(baseDir, slug, 'files'), options);
        sandboxes.set(slug, box);
      }
      return box;
    },
  };
}
