import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, realpathSync, rmdirSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';

import { isPartialName, PARTIAL_PREFIX, sweepPartials, writeFileAtomic } from '../../atomic-write.js';

export { PARTIAL_PREFIX } from '../../atomic-write.js';

/** production's {ok, error?} result of fs.write / fs.delete. */
export interface FsResult {
  ok: boolean;
  error?: string;
}

/**
 * One plugin's private files (owncast.fs, permission storage.fs). Production roots it at
 * data/plugin-storage/<slug>/files/. Results are the production ones: read → bytes or null,
 * list → names or null on error (a missing directory is []), exists → boolean.
 */
export interface FsSandbox {
  readonly root: string;
  read(path: string): Uint8Array | null;
  write(path: string, data: Uint8Array): FsResult;
  list(dir: string): string[] | null;
  delete(path: string): FsResult;
  exists(path: string): boolean;
  /** Bytes used now (walks the tree; symlinks count as nothing). */
  usage(): number;
  /**
   * For the dev console: every file and directory under the root, depth first in name order,
   * at most `maxEntries` of them. Symbolic links are listed, never followed.
   */
  tree(maxEntries: number): { entries: FsTreeEntry[]; truncated: boolean };
  /**
   * For the dev console: the first `maxBytes` of a file and its full size, resolved like
   * read() (no `..`, no symlink out of the root); null when there is no such file. A path the
   * sandbox refuses throws FsPathRefused (and is not reported as the plugin's doing).
   */
  peek(path: string, maxBytes: number): { data: Uint8Array; size: number } | null;
}

/** One entry of {@link FsSandbox.tree}. */
export interface FsTreeEntry {
  /** Relative to the sandbox root, forward slashes. */
  path: string;
  type: 'file' | 'directory' | 'symlink' | 'other';
  /** Bytes (files only; 0 for the rest). */
  size: number;
  /** Last modification, Unix ms. */
  mtimeMs: number;
}

export interface FsSandboxOptions {
  /** Bytes per plugin; default 256 MiB (production). */
  quotaBytes?: number;
  /** Told about every refused path (escapes, symlinks out, bad characters), for the host log. */
  onRefused?(op: FsOp, path: string, reason: string): void;
}

export type FsOp = 'read' | 'write' | 'list' | 'delete' | 'exists';

export const FS_QUOTA_BYTES = 256 * 1024 * 1024;

const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/** A path the sandbox will not resolve (escapes, symlinks out, bad characters). */
export class FsPathRefused extends Error {}
const Refused = FsPathRefused;

type Resolved = { path: string; exists: boolean };

/**
 * A sandbox rooted at `root` (created on first write). Paths are relative and forward-slash;
 * `..`, absolute paths, backslashes and NUL are refused outright, and every existing
 * component is resolved with realpath so a symlink can never lead outside the root.
 * Plugins cannot create symlinks, so one can only appear by someone else's hand; files are
 * still opened with O_NOFOLLOW so a link swapped in after the check is not followed.
 */
export function createFsSandbox(root: string, options: FsSandboxOptions = {}): FsSandbox {
  const quota = options.quotaBytes ?? FS_QUOTA_BYTES;
  // Bytes used, computed on the first write and kept up to date by our own writes and
  // deletes: walking a large tree on every write would make writes O(files).
  let used: number | null = null;
  // Whether the partial files of writes cut short in an earlier process were removed yet.
  let swept = false;

  const refuse = (op: FsOp, path: string, err: unknown): null => {
    if (err instanceof Refused) options.onRefused?.(op, path, err.message);
    return null;
  };

  /** The real root, or null when it does not exist yet (and `create` is false). */
  const realRoot = (create: boolean): string | null => {
    if (create) mkdirSync(root, { recursive: true });
    try {
      return realpathSync(root);
    } catch (err) {
      if (isCode(err, 'ENOENT')) return null;
      throw err;
    }
  };

  /**
   * Walks `segments` from the real root, following symlinks only while they stay inside.
   * Returns the real path (or, past the first missing component, the path it would have).
   */
  const resolve = (base: string, segments: string[]): Resolved => {
    let current = base;
    for (let i = 0; i < segments.length; i++) {
      const next = join(current, segments[i]!);
      let info;
      try {
        info = lstatSync(next);
      } catch (err) {
        if (isCode(err, 'ENOENT')) return { path: join(next, ...segments.slice(i + 1)), exists: false };
        throw err;
      }
      if (info.isSymbolicLink()) {
        let target: string;
        try {
          target = realpathSync(next);
        } catch {
          throw new Refused('path goes through a broken symbolic link');
        }
        if (!inside(base, target)) throw new Refused('path leaves the plugin storage through a symbolic link');
        current = target;
      } else {
        current = next;
      }
    }
    return { path: current, exists: true };
  };

  const computeUsage = (): number => {
    const base = realRoot(false);
    return base ? treeSize(base) : 0;
  };

  return {
    root,

    read(path) {
      try {
        const base = realRoot(false);
        const segments = parsePath(path, false);
        if (!base) return null;
        const target = resolve(base, segments);
        if (!target.exists) return null;
        const fd = openSync(target.path, constants.O_RDONLY | O_NOFOLLOW);
        try {
          if (!fstatSync(fd).isFile()) return null;
          return new Uint8Array(readFileSync(fd));
        } finally {
          closeSync(fd);
        }
      } catch (err) {
        return refuse('read', path, err);
      }
    },

    write(path, data) {
      try {
        const segments = parsePath(path, false);
        const base = realRoot(true)!;
        const target = resolve(base, segments);
        let previous = 0;
        if (target.exists) {
          const info = statSync(target.path);
          if (info.isDirectory()) return { ok: false, error: `${path} is a directory` };
          previous = info.size;
        }
        if (!swept) {
          swept = true;
          sweepPartials(base, { recursive: true });
        }
        used ??= computeUsage();
        const after = used - previous + data.byteLength;
        if (after > quota) {
          return {
            ok: false,
            error: `storage.fs quota exceeded: writing ${data.byteLength} bytes would use ${after} of ${quota} bytes`,
          };
        }
        // Only directories below the last existing (already checked) component are created.
        mkdirSync(dirname(target.path), { recursive: true });
        // whole or not at all: a kill mid-write leaves the previous content and a partial file
        writeFileAtomic(target.path, data, 0o644);
        used = after;
        return { ok: true };
      } catch (err) {
        if (err instanceof Refused) {
          options.onRefused?.('write', path, err.message);
          return { ok: false, error: err.message };
        }
        used = null;
        return { ok: false, error: errorText(err) };
      }
    },

    list(dir) {
      try {
        const segments = parsePath(dir, true);
        const base = realRoot(false);
        if (!base) return [];
        const target = resolve(base, segments);
        if (!target.exists) return [];
        // readdir sorts nothing; production (Go os.ReadDir) returns names sorted. A write in
        // progress (or cut short by a kill) is not the plugin's file.
        return readdirSync(target.path)
          .filter((name) => !isPartialName(name))
          .sort();
      } catch (err) {
        return refuse('list', dir, err);
      }
    },

    delete(path) {
      try {
        const segments = parsePath(path, false);
        const base = realRoot(false);
        if (!base) return { ok: false, error: `${path}: no such file or directory` };
        // The parent is resolved like any path; the entry itself is removed, never followed,
        // so deleting a symlink removes the link and not what it points at.
        const parent = resolve(base, segments.slice(0, -1));
        const entry = join(parent.path, segments[segments.length - 1]!);
        let info;
        try {
          info = parent.exists ? lstatSync(entry) : null;
        } catch (err) {
          if (!isCode(err, 'ENOENT')) throw err;
          info = null;
        }
        if (!info) return { ok: false, error: `${path}: no such file or directory` };
        if (info.isDirectory()) {
          // a directory that looks empty to the plugin may hold a dead writer's partial file
          sweepPartials(entry);
          rmdirSync(entry);
        }
        else unlinkSync(entry);
        if (used !== null && info.isFile()) used -= info.size;
        return { ok: true };
      } catch (err) {
        if (err instanceof Refused) {
          options.onRefused?.('delete', path, err.message);
          return { ok: false, error: err.message };
        }
        return { ok: false, error: errorText(err) };
      }
    },

    exists(path) {
      try {
        const segments = parsePath(path, true);
        const base = realRoot(false);
        if (!base) return false;
        return resolve(base, segments).exists;
      } catch (err) {
        refuse('exists', path, err);
        return false;
      }
    },

    usage() {
      used = computeUsage();
      return used;
    },

    tree(maxEntries) {
      const base = realRoot(false);
      const entries: FsTreeEntry[] = [];
      if (!base) return { entries, truncated: false };
      const walk = (dir: string, prefix: string): boolean => {
        for (const name of readdirSync(dir).sort()) {
          if (isPartialName(name)) continue;
          if (entries.length >= maxEntries) return false;
          const full = join(dir, name);
          const info = lstatSync(full);
          const type = info.isFile() ? 'file' : info.isDirectory() ? 'directory' : info.isSymbolicLink() ? 'symlink' : 'other';
          entries.push({ path: prefix + name, type, size: type === 'file' ? info.size : 0, mtimeMs: Math.floor(info.mtimeMs) });
          if (type === 'directory' && !walk(full, `${prefix}${name}/`)) return false;
        }
        return true;
      };
      return { entries, truncated: !walk(base, '') };
    },

    peek(path, maxBytes) {
      const base = realRoot(false);
      const segments = parsePath(path, false);
      if (!base) return null;
      const target = resolve(base, segments);
      if (!target.exists) return null;
      let fd: number;
      try {
        fd = openSync(target.path, constants.O_RDONLY | O_NOFOLLOW);
      } catch (err) {
        if (isCode(err, 'ELOOP')) throw new Refused('path is a symbolic link');
        throw err;
      }
      try {
        const info = fstatSync(fd);
        if (!info.isFile()) return null;
        const data = new Uint8Array(Math.min(info.size, Math.max(0, maxBytes)));
        let offset = 0;
        while (offset < data.byteLength) {
          const n = readSync(fd, data, offset, data.byteLength - offset, offset);
          if (n === 0) break;
          offset += n;
        }
        return { data: offset === data.byteLength ? data : data.slice(0, offset), size: info.size };
      } finally {
        closeSync(fd);
      }
    },
  };
}

/** The clean segments of a plugin-supplied path, or a Refused error saying what is wrong. */
function parsePath(path: string, allowRoot: boolean): string[] {
  if (path.includes('\0')) throw new Refused('path contains a NUL byte');
  if (path.includes('\\')) throw new Refused('path contains a backslash; use forward slashes');
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) throw new Refused('path must be relative to the plugin storage');
  const segments = path.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) throw new Refused('path must not contain ".."');
  if (segments.some(isPartialName)) throw new Refused(`names starting with "${PARTIAL_PREFIX}" are reserved for writes in progress`);
  if (segments.length === 0 && !allowRoot) throw new Refused('path is empty');
  return segments;
}

function inside(base: string, target: string): boolean {
  return target === base || target.startsWith(base.endsWith(sep) ? base : base + sep);
}

function treeSize(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) total += treeSize(full);
    else if (entry.isFile()) total += lstatSync(full).size;
  }
  return total;
}

function isCode(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as NodeJS.ErrnoException).code === code;
}

function errorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  // Node's messages carry the absolute host path; the plugin only knows its relative one.
  if (e && typeof e.code === 'string') {
    switch (e.code) {
      case 'ENOTEMPTY':
        return 'directory is not empty';
      case 'ENOTDIR':
        return 'not a directory';
      case 'EISDIR':
        return 'is a directory';
      case 'ENOSPC':
        return 'no space left on the device';
      case 'EACCES':
      case 'EPERM':
        return 'permission denied';
      default:
        return e.code;
    }
  }
  return err instanceof Error ? err.message : String(err);
}
