import { existsSync, mkdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startPlugin, type Running } from './harness.js';

describe('storage.fs through a real plugin', () => {
  let p: Running;
  let files: string;
  let outside: string;
  beforeAll(async () => {
    p = await startPlugin('fs-notes');
    files = join(p.storageDir, 'fs-notes', 'files');
    outside = join(p.storageDir, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret.txt'), 'top secret');
  });
  afterAll(() => p.close());

  it("writes into data/plugin-storage/<slug>/files/ and reads, lists, checks and deletes there", async () => {
    expect(await p.call('/list', { dir: '' })).toEqual([]);
    expect(await p.call('/write', { path: 'notes/today.md', text: '# hello' })).toEqual({ ok: true });
    expect(readFileSync(join(files, 'notes/today.md'), 'utf8')).toBe('# hello');
    expect(await p.call('/read', { path: 'notes/today.md' })).toBe('# hello');
    expect(await p.call('/writeBytes', { path: 'notes/raw.bin', bytes: [0, 1, 254, 255] })).toEqual({ ok: true });
    expect(await p.call('/readBytes', { path: 'notes/raw.bin' })).toEqual([0, 1, 254, 255]);
    expect(await p.call('/list', { dir: 'notes' })).toEqual(['raw.bin', 'today.md']);
    expect(await p.call('/list', { dir: 'missing' })).toEqual([]);
    expect(await p.call('/exists', { path: 'notes/today.md' })).toBe(true);
    expect(await p.call('/exists', { path: 'notes/nope.md' })).toBe(false);
    expect(await p.call('/read', { path: 'notes/nope.md' })).toBeNull();
    expect(await p.call('/delete', { path: 'notes/raw.bin' })).toEqual({ ok: true });
    expect(await p.call('/delete', { path: 'notes/raw.bin' })).toEqual({ ok: false, error: 'notes/raw.bin: no such file or directory' });
    expect(await p.call('/list', { dir: 'notes' })).toEqual(['today.md']);
  });

  it.each(['../x', '../../../../etc/passwd', '/etc/passwd', 'a\\..\\..\\x', 'notes/../../x'])('refuses %j on every operation', async (path) => {
    p.warnings.length = 0;
    expect(await p.call('/read', { path })).toBeNull();
    expect(await p.call('/exists', { path })).toBe(false);
    expect(await p.call('/list', { dir: path })).toEqual([]);
    const write = (await p.call('/write', { path, text: 'pwned' })) as { ok: boolean; error: string };
    expect(write.ok).toBe(false);
    expect(write.error).toMatch(/must not contain "\.\."|must be relative|backslash/);
    expect(await p.call('/delete', { path })).toMatchObject({ ok: false });
    expect(existsSync(join(p.storageDir, 'fs-notes', 'x'))).toBe(false);
    expect(existsSync(join(p.storageDir, 'x'))).toBe(false);
    // each refusal is logged, naming the plugin
    expect(p.warnings.filter((w) => w.includes('from fs-notes') && w.includes('refused'))).toHaveLength(5);
  });

  it('/etc/passwd is not read even when it exists', async () => {
    expect(existsSync('/etc/passwd')).toBe(true);
    expect(await p.call('/read', { path: '/etc/passwd' })).toBeNull();
  });

  it('a symlink inside the sandbox that points outside is never followed', async () => {
    mkdirSync(files, { recursive: true });
    symlinkSync(join(outside, 'secret.txt'), join(files, 'leak.txt'));
    symlinkSync(outside, join(files, 'escape'));
    expect(await p.call('/read', { path: 'leak.txt' })).toBeNull();
    expect(await p.call('/read', { path: 'escape/secret.txt' })).toBeNull();
    expect(await p.call('/exists', { path: 'escape/secret.txt' })).toBe(false);
    expect(await p.call('/list', { dir: 'escape' })).toEqual([]);
    expect(await p.call('/write', { path: 'leak.txt', text: 'overwritten' })).toMatchObject({ ok: false });
    expect(await p.call('/write', { path: 'escape/planted.txt', text: 'x' })).toMatchObject({ ok: false });
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('top secret');
    expect(existsSync(join(outside, 'planted.txt'))).toBe(false);
  });
});

describe('storage.fs quota', () => {
  let p: Running;
  beforeAll(async () => {
    p = await startPlugin('fs-notes');
  });
  afterAll(() => p.close());

  it('refuses a write that would take the plugin past 256 MiB, with an error the plugin sees', async () => {
    const MiB = 1024 * 1024;
    // Files already on disk count: fill 255 MiB sparsely, as a plugin would have over time.
    const files = join(p.storageDir, 'fs-notes', 'files');
    mkdirSync(files, { recursive: true });
    writeFileSync(join(files, 'old.bin'), '');
    truncateSync(join(files, 'old.bin'), 255 * MiB);
    expect(await p.call('/writeSize', { path: 'new.bin', size: MiB })).toEqual({ ok: true });
    const refused = (await p.call('/writeSize', { path: 'more.bin', size: 1 })) as { ok: boolean; error: string };
    expect(refused).toEqual({
      ok: false,
      error: `storage.fs quota exceeded: writing 1 bytes would use ${256 * MiB + 1} of ${256 * MiB} bytes`,
    });
    expect(await p.call('/exists', { path: 'more.bin' })).toBe(false);
    expect(p.warnings.some((w) => w.startsWith('owncast_fs_write from fs-notes: storage.fs quota exceeded'))).toBe(true);
    // deleting frees room again
    expect(await p.call('/delete', { path: 'new.bin' })).toEqual({ ok: true });
    expect(await p.call('/writeSize', { path: 'more.bin', size: 1 })).toEqual({ ok: true });
  });
});
