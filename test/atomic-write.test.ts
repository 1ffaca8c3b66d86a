// The one temp-file-and-rename writer (src/lib/atomic-write.ts) behind owncast.fs.write and the
// build's outputs: whole content or the old one, no partial file left behind by a write that
// completed or failed, a symlink at the destination replaced rather than followed, and the
// sweep that removes only the partial files of processes that are gone. (Kills mid-write:
// test/crash/fs-write.test.ts and test/crash/build-write.test.ts.)
import { spawn } from 'node:child_process';
import { lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect } from 'vitest';

import { isPartialName, PARTIAL_PREFIX, sweepPartials, writeFileAtomic } from '../src/lib/atomic-write.js';
import { test } from './cli/helpers.js';

const partials = (dir: string) => readdirSync(dir).filter(isPartialName);

/** The pid of a process that has exited. */
function deadPid(): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', '0']);
    child.on('close', () => resolve(child.pid!));
  });
}

describe('writeFileAtomic', () => {
  test('writes bytes or text whole, replaces what was there, and leaves no partial file', ({ tempDir }) => {
    const file = join(tempDir, 'plugin.js');
    writeFileAtomic(file, 'first version, longer than the second');
    expect(readFileSync(file, 'utf8')).toBe('first version, longer than the second');
    writeFileAtomic(file, new Uint8Array([0x73, 0x65, 0x63, 0x6f, 0x6e, 0x64]));
    expect(readFileSync(file, 'utf8')).toBe('second');
    const big = Buffer.alloc(5 << 20, 7);
    writeFileAtomic(file, big);
    expect(readFileSync(file).equals(big)).toBe(true);
    writeFileAtomic(join(tempDir, 'empty'), '');
    expect(readFileSync(join(tempDir, 'empty')).length).toBe(0);
    expect(partials(tempDir)).toEqual([]);
  });

  test('replaces a symlink at the destination instead of writing through it', ({ tempDir }) => {
    const outside = join(tempDir, 'outside.txt');
    writeFileSync(outside, 'secret');
    mkdirSync(join(tempDir, 'dist'));
    symlinkSync(outside, join(tempDir, 'dist', 'plugin.js'));
    writeFileAtomic(join(tempDir, 'dist', 'plugin.js'), 'built');
    expect(readFileSync(outside, 'utf8')).toBe('secret');
    expect(lstatSync(join(tempDir, 'dist', 'plugin.js')).isFile()).toBe(true);
    expect(readFileSync(join(tempDir, 'dist', 'plugin.js'), 'utf8')).toBe('built');
  });

  test('a failed write throws, keeps the destination and removes its partial file', ({ tempDir }) => {
    mkdirSync(join(tempDir, 'taken'));
    expect(() => writeFileAtomic(join(tempDir, 'taken'), 'x')).toThrow(/EISDIR|EEXIST|ENOTEMPTY|directory/i);
    expect(statSync(join(tempDir, 'taken')).isDirectory()).toBe(true);
    expect(partials(tempDir)).toEqual([]);
    expect(() => writeFileAtomic(join(tempDir, 'missing', 'file'), 'x')).toThrow(/ENOENT/);
  });

  test('creates the file with the mode asked for (under the umask)', ({ tempDir }) => {
    writeFileAtomic(join(tempDir, 'private'), 'x', 0o600);
    expect(statSync(join(tempDir, 'private')).mode & 0o777).toBe(0o600);
  });
});

describe('sweepPartials', () => {
  test('removes the partial files of processes that are gone, and only those; below the directory only when recursive', async ({ tempDir }) => {
    const gone = await deadPid();
    const partial = (pid: number) => `${PARTIAL_PREFIX}${pid}-0123456789ab`;
    const kept = [partial(process.pid), partial(process.ppid), `${PARTIAL_PREFIX}notes.txt`, 'plain.txt'];
    mkdirSync(join(tempDir, 'sub'));
    for (const dir of [tempDir, join(tempDir, 'sub')]) for (const name of [partial(gone), ...kept]) writeFileSync(join(dir, name), 'leftover');

    sweepPartials(tempDir);
    expect(readdirSync(tempDir).sort()).toEqual([...kept, 'sub'].sort());
    expect(readdirSync(join(tempDir, 'sub'))).toContain(partial(gone));
    sweepPartials(tempDir, { recursive: true });
    expect(readdirSync(join(tempDir, 'sub')).sort()).toEqual([...kept].sort());
    // a directory that is not there yet has nothing to sweep
    expect(() => sweepPartials(join(tempDir, 'dist'))).not.toThrow();
  });

  test('isPartialName is the reserved prefix', () => {
    expect(isPartialName(`${PARTIAL_PREFIX}123-0123456789ab`)).toBe(true);
    expect(isPartialName(`${PARTIAL_PREFIX}anything`)).toBe(true);
    expect(isPartialName('plugin.js')).toBe(false);
    expect(isPartialName(`x${PARTIAL_PREFIX}`)).toBe(false);
  });
});
