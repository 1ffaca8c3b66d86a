import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createFsSandbox, FS_QUOTA_BYTES, PARTIAL_PREFIX, type FsOp } from '../../../src/lib/host/storage/fs.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));

describe('createFsSandbox', () => {
  let dir: string;
  let root: string;
  let outside: string;
  let refused: { op: FsOp; path: string; reason: string }[];
  const sandbox = (quotaBytes?: number) =>
    createFsSandbox(root, { quotaBytes, onRefused: (op, path, reason) => refused.push({ op, path, reason }) });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ocp-fs-'));
    root = join(dir, 'plugin-storage', 'demo', 'files');
    outside = join(dir, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret.txt'), 'top secret');
    refused = [];
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes (creating the root and parent directories), reads, lists, checks and deletes', () => {
    const fs = sandbox();
    expect(existsSync(root)).toBe(false);
    expect(fs.list('')).toEqual([]);
    expect(fs.read('notes/a.txt')).toBeNull();
    expect(fs.write('notes/day1/a.txt', bytes('hello'))).toEqual({ ok: true });
    expect(readFileSync(join(root, 'notes/day1/a.txt'), 'utf8')).toBe('hello');
    expect(text(fs.read('notes/day1/a.txt'))).toBe('hello');
    expect(text(fs.read('./notes//day1/./a.txt'))).toBe('hello');
    expect(fs.write('notes/b.bin', new Uint8Array([0, 255, 1]))).toEqual({ ok: true });
    expect([...fs.read('notes/b.bin')!]).toEqual([0, 255, 1]);
    expect(fs.list('notes')).toEqual(['b.bin', 'day1']);
    expect(fs.list('')).toEqual(['notes']);
    expect(fs.list('nope')).toEqual([]);
    expect(fs.exists('notes/day1/a.txt')).toBe(true);
    expect(fs.exists('notes/day1')).toBe(true);
    expect(fs.exists('notes/zzz')).toBe(false);
    expect(fs.delete('notes/day1')).toEqual({ ok: false, error: 'directory is not empty' });
    expect(fs.delete('notes/day1/a.txt')).toEqual({ ok: true });
    expect(fs.delete('notes/day1')).toEqual({ ok: true });
    expect(fs.delete('notes/day1')).toEqual({ ok: false, error: 'notes/day1: no such file or directory' });
    expect(fs.list('notes')).toEqual(['b.bin']);
    expect(refused).toEqual([]);
  });

  it('reading a directory or listing a file gives the production failures', () => {
    const fs = sandbox();
    fs.write('d/f.txt', bytes('x'));
    expect(fs.read('d')).toBeNull();
    expect(fs.list('d/f.txt')).toBeNull();
    expect(fs.write('d', bytes('x'))).toEqual({ ok: false, error: 'd is a directory' });
    expect(fs.write('d/f.txt/child', bytes('x'))).toEqual({ ok: false, error: 'not a directory' });
  });

  it.each([
    ['../x', 'path must not contain ".."'],
    ['a/../../x', 'path must not contain ".."'],
    ['/etc/passwd', 'path must be relative to the plugin storage'],
    ['C:/Windows/win.ini', 'path must be relative to the plugin storage'],
    ['a\\..\\..\\x', 'path contains a backslash; use forward slashes'],
    ['a\u0000b', 'path contains a NUL byte'],
  ])('refuses %j on every operation', (path, reason) => {
    const fs = sandbox();
    fs.write('keep.txt', bytes('k'));
    expect(fs.read(path)).toBeNull();
    expect(fs.write(path, bytes('pwned'))).toEqual({ ok: false, error: reason });
    expect(fs.list(path)).toBeNull();
    expect(fs.delete(path)).toEqual({ ok: false, error: reason });
    expect(fs.exists(path)).toBe(false);
    expect(refused.map((r) => r.op)).toEqual(['read', 'write', 'list', 'delete', 'exists']);
    expect(new Set(refused.map((r) => r.reason))).toEqual(new Set([reason]));
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('top secret');
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });

  it('an empty path is refused where a file is meant, and is the root for list/exists', () => {
    const fs = sandbox();
    expect(fs.write('', bytes('x'))).toEqual({ ok: false, error: 'path is empty' });
    expect(fs.read('')).toBeNull();
    fs.write('a', bytes('x'));
    expect(fs.list('')).toEqual(['a']);
    expect(fs.exists('')).toBe(true);
  });

  it('never follows a symlink that points outside the root, for any operation', () => {
    const fs = sandbox();
    fs.write('inside.txt', bytes('mine'));
    symlinkSync(join(outside, 'secret.txt'), join(root, 'leak.txt'));
    symlinkSync(outside, join(root, 'escape'));
    expect(fs.read('leak.txt')).toBeNull();
    expect(fs.read('escape/secret.txt')).toBeNull();
    expect(fs.exists('leak.txt')).toBe(false);
    expect(fs.exists('escape/secret.txt')).toBe(false);
    expect(fs.list('escape')).toBeNull();
    expect(fs.write('leak.txt', bytes('overwritten'))).toMatchObject({ ok: false });
    expect(fs.write('escape/new.txt', bytes('planted'))).toMatchObject({ ok: false });
    expect(fs.write('escape/deeper/new.txt', bytes('planted'))).toMatchObject({ ok: false });
    expect(fs.delete('escape/secret.txt')).toMatchObject({ ok: false });
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('top secret');
    expect(existsSync(join(outside, 'new.txt'))).toBe(false);
    expect(existsSync(join(outside, 'deeper'))).toBe(false);
    expect(refused.every((r) => r.reason === 'path leaves the plugin storage through a symbolic link')).toBe(true);
    expect(refused).toHaveLength(9);
    // Deleting the link itself is fine: it removes the link, not what it points at.
    expect(fs.delete('leak.txt')).toEqual({ ok: true });
    expect(existsSync(join(outside, 'secret.txt'))).toBe(true);
  });

  it('a symlink whose target stays inside the root is followed', () => {
    const fs = sandbox();
    fs.write('real/data.txt', bytes('inside'));
    symlinkSync(join(root, 'real'), join(root, 'alias'));
    expect(text(fs.read('alias/data.txt'))).toBe('inside');
    expect(fs.write('alias/more.txt', bytes('m'))).toEqual({ ok: true });
    expect(text(fs.read('real/more.txt'))).toBe('m');
  });

  it('a broken symlink is refused, not created through', () => {
    const fs = sandbox();
    fs.write('a', bytes('x'));
    symlinkSync(join(outside, 'missing-dir', 'file'), join(root, 'dangling'));
    expect(fs.write('dangling', bytes('x'))).toEqual({ ok: false, error: 'path goes through a broken symbolic link' });
    expect(existsSync(join(outside, 'missing-dir'))).toBe(false);
  });

  it('a root reached through a symlink is fine (realpath of the root is the boundary)', () => {
    const realRoot = join(dir, 'real-root');
    mkdirSync(realRoot);
    symlinkSync(realRoot, join(dir, 'linked-root'));
    const fs = createFsSandbox(join(dir, 'linked-root'));
    expect(fs.write('a.txt', bytes('x'))).toEqual({ ok: true });
    expect(readFileSync(join(realRoot, 'a.txt'), 'utf8')).toBe('x');
  });

  it('enforces the quota per plugin, counting overwrites and deletes', () => {
    const fs = sandbox(100);
    expect(fs.write('a', new Uint8Array(60))).toEqual({ ok: true });
    expect(fs.write('b', new Uint8Array(41))).toEqual({
      ok: false,
      error: 'storage.fs quota exceeded: writing 41 bytes would use 101 of 100 bytes',
    });
    expect(fs.exists('b')).toBe(false);
    expect(fs.write('b', new Uint8Array(40))).toEqual({ ok: true });
    expect(fs.usage()).toBe(100);
    // Overwriting replaces the old size rather than adding to it.
    expect(fs.write('a', new Uint8Array(60))).toEqual({ ok: true });
    expect(fs.delete('a')).toEqual({ ok: true });
    expect(fs.write('c', new Uint8Array(60))).toEqual({ ok: true });
    expect(fs.usage()).toBe(100);
  });

  it('counts files that were already there when the sandbox was created', () => {
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'old.bin'), new Uint8Array(90));
    const fs = sandbox(100);
    expect(fs.write('new.bin', new Uint8Array(20))).toMatchObject({ ok: false });
    expect(fs.write('new.bin', new Uint8Array(10))).toEqual({ ok: true });
  });

  it('never shows the plugin a partial file of a write cut short, nor lets it name one', async () => {
    // what kills mid-write leave: a dead writer's partial files, at the root and in a directory,
    // and one of a writer that still runs (this process: it is a write in progress for the sweep)
    const gone = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ['-e', '0']);
      child.on('close', () => resolve(child.pid!));
    });
    const dead = `${PARTIAL_PREFIX}${gone}-0123456789ab`;
    const live = `${PARTIAL_PREFIX}${process.pid}-ba9876543210`;
    mkdirSync(join(root, 'notes'), { recursive: true });
    mkdirSync(join(root, 'empty'));
    writeFileSync(join(root, 'notes', 'a.txt'), 'kept');
    for (const [where, name] of [['', dead], ['', live], ['notes', dead], ['empty', dead]] as const) {
      writeFileSync(join(root, where, name), 'half a write');
    }
    const fs = sandbox();
    expect(fs.list('')).toEqual(['empty', 'notes']);
    expect(fs.list('notes')).toEqual(['a.txt']);
    expect(fs.list('empty')).toEqual([]);
    expect(fs.tree(100).entries.map((e) => e.path)).toEqual(['empty', 'notes', 'notes/a.txt']);

    // the reserved names cannot be read, checked, written, deleted or walked through
    const reserved = [dead, `notes/${dead}`, live, `${PARTIAL_PREFIX}mine.txt`, `${PARTIAL_PREFIX}dir/x.txt`];
    for (const path of reserved) {
      expect(fs.read(path), path).toBeNull();
      expect(fs.exists(path), path).toBe(false);
      expect(fs.write(path, bytes('x')), path).toMatchObject({ ok: false, error: expect.stringMatching(/reserved/) });
      expect(fs.delete(path), path).toMatchObject({ ok: false, error: expect.stringMatching(/reserved/) });
    }
    expect(() => fs.peek(dead, 10)).toThrow(/reserved/);
    expect(refused.filter((r) => r.op === 'write').map((r) => r.path)).toEqual(reserved);
    expect(existsSync(join(root, `${PARTIAL_PREFIX}mine.txt`))).toBe(false);

    // a directory that looks empty is deleted even with a dead writer's leftover in it
    expect(fs.delete('empty')).toEqual({ ok: true });
    expect(existsSync(join(root, 'empty'))).toBe(false);
    // the first write sweeps the dead writer's leftovers; the live one stays, still hidden
    expect(fs.write('notes/b.txt', bytes('b'))).toEqual({ ok: true });
    expect(existsSync(join(root, dead))).toBe(false);
    expect(existsSync(join(root, 'notes', dead))).toBe(false);
    expect(existsSync(join(root, live))).toBe(true);
    expect(fs.list('')).toEqual(['notes']);
    expect(fs.list('notes')).toEqual(['a.txt', 'b.txt']);
  });

  it('defaults to the production 256 MiB quota', () => {
    expect(FS_QUOTA_BYTES).toBe(256 * 1024 * 1024);
  });
});
