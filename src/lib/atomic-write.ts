// Files written whole or not at all, for everything a kill must not tear: a plugin's
// owncast.fs.write (host/storage/fs.ts) and the build's outputs (dist/plugin.js, its source
// map, plugin.wasm, the type-check stamp). The data goes into a new file beside the
// destination and is renamed over it once complete: rename within a directory is atomic, so a
// reader (or the next process) sees the old file or the new one, never a mix. A process killed
// mid-write leaves a partial file, named for its pid so that the next writer can tell a dead
// process's leftover from a write in progress, and remove it.

import { randomBytes } from 'node:crypto';
import { closeSync, constants, openSync, readdirSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * A write in progress goes to a file of this name beside its destination (the pid of the
 * writing process, then random hex). Plugins never see or name such files (fs.ts).
 */
export const PARTIAL_PREFIX = '.owncast-partial-';
const PARTIAL = /^\.owncast-partial-(\d+)-[0-9a-f]{12}$/;

const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/** Whether `name` (one path segment) is in the reserved partial-file namespace. */
export function isPartialName(name: string): boolean {
  return name.startsWith(PARTIAL_PREFIX);
}

/**
 * Writes `data` to `path` whole or not at all: into a new file beside it, renamed over it when
 * complete. A process killed mid-write leaves the previous content (or no file) and a partial
 * file that {@link sweepPartials} removes later, never a truncated destination. A symlink at
 * `path` is replaced, not followed. `mode` as for open(2) (the umask applies); default 0o666.
 */
export function writeFileAtomic(path: string, data: Uint8Array | string, mode = 0o666): void {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  const partial = join(dirname(path), `${PARTIAL_PREFIX}${process.pid}-${randomBytes(6).toString('hex')}`);
  const fd = openSync(partial, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_NOFOLLOW, mode);
  try {
    try {
      let offset = 0;
      while (offset < bytes.byteLength) offset += writeSync(fd, bytes, offset, bytes.byteLength - offset);
    } finally {
      closeSync(fd);
    }
    // rename replaces a symlink planted at `path` meanwhile instead of following it
    renameSync(partial, path);
  } catch (err) {
    try {
      unlinkSync(partial);
    } catch {
      // already gone
    }
    throw err;
  }
}

/**
 * Removes the partial files in `dir` (and below it, when `recursive`) left by processes that no
 * longer run. A partial of a live process is a write in progress and is kept.
 */
export function sweepPartials(dir: string, opts: { recursive?: boolean } = {}): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (opts.recursive) sweepPartials(full, opts);
      continue;
    }
    const m = PARTIAL.exec(entry.name);
    if (entry.isFile() && m && !processRuns(Number(m[1]))) {
      try {
        unlinkSync(full);
      } catch {
        // someone else swept it
      }
    }
  }
}

function processRuns(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
