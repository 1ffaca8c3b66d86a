// The plugin fs sandbox (owncast.fs, storage.fs) under generated paths and generated
// interference (issue 8 item 1). Each case runs a sequence of sandbox calls with arbitrary
// paths (traversal, absolute and drive paths, backslashes, NUL, "." and empty segments,
// %-escapes, unicode), interleaved with "another process" creating symlinks in the sandbox
// directory between calls (out of it, into a sibling whose name shares the root's prefix, in
// a loop, dangling, and directories the sandbox made, replaced by links).
// - whatever happens, nothing outside the sandbox root changes, no call returns a byte of a
//   file outside it, no listing names anything that is not inside it, and the console's tree
//   and peek see only what is inside;
// - with no symlinks about, the sandbox behaves exactly like an in-memory model of the
//   contract (src/lib/host/storage/fs.ts, production's results): same reads, listings,
//   existence, write and delete outcomes, and the same tree on disk.
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createFsSandbox } from '../../src/lib/host/storage/fs.js';
import { checkProperty, FUZZ_TIMEOUT } from './support/fuzz.js';

const OUTSIDE = 'ZZ-OUTSIDE-CONTENT';

// ---- paths and operations ------------------------------------------------------------------------

const segment = fc.constantFrom('a', 'b', 'c.txt', 'd', 'É', '%2e%2e', '..', '.', '', ' ', 'x\\y', 'n\0l');
const cleanSegment = fc.constantFrom('a', 'b', 'c.txt', 'd', 'É');
const path = fc.oneof(
  { arbitrary: fc.array(cleanSegment, { minLength: 1, maxLength: 3 }).map((s) => s.join('/')), weight: 6 },
  { arbitrary: fc.array(segment, { minLength: 0, maxLength: 4 }).map((s) => s.join('/')), weight: 3 },
  {
    arbitrary: fc.constantFrom('/etc/passwd', '../outside/zz-out-secret', '../files-evil/zz-evil-file', 'a/../../outside', 'C:/x', 'c:x', '\\\\host\\x', '..', './a', 'a//b', 'a/./b/', 'lnk/zz-out-secret', 'lnk', 'a/lnk/zz-out-inner'),
    weight: 2,
  },
);
const data = fc.oneof(fc.constantFrom('hello', ''), fc.string({ maxLength: 12 }));

/** Where another process points its links: out, to the root's prefix twin, in, nowhere, at itself. */
const linkTarget = fc.constantFrom(
  'OUT',
  'OUT/zz-out-secret',
  'OUT/zz-out-dir',
  'EVIL',
  'EVIL/zz-evil-file',
  '../outside',
  '../files-evil',
  '..',
  '../..',
  '/',
  'a',
  'a/b',
  '.',
  'missing',
  'SELF',
);

type Op =
  | { op: 'write'; path: string; data: string }
  | { op: 'read' | 'list' | 'delete' | 'exists'; path: string }
  | { op: 'symlink'; at: string; target: string; replace: boolean };

const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('write' as const), path, data }), weight: 4 },
  { arbitrary: fc.record({ op: fc.constantFrom('read' as const, 'list' as const, 'delete' as const, 'exists' as const), path }), weight: 6 },
  {
    arbitrary: fc.record({
      op: fc.constant('symlink' as const),
      at: fc.oneof(fc.constantFrom('lnk', 'a', 'a/b', 'a/lnk', 'b/c.txt', 'd'), fc.array(cleanSegment, { minLength: 1, maxLength: 2 }).map((s) => s.join('/'))),
      target: linkTarget,
      replace: fc.boolean(),
    }),
    weight: 2,
  },
);

// ---- the model (no symlinks) -----------------------------------------------------------------------

/** The contract's path rule: relative, "/"-separated, no "..", backslash or NUL; "" and "." segments dropped. */
function segmentsOf(p: string, allowRoot: boolean): string[] | null {
  if (p.includes('\0') || p.includes('\\') || p.startsWith('/') || /^[A-Za-z]:/.test(p)) return null;
  const segs = p.split('/').filter((s) => s !== '' && s !== '.');
  if (segs.includes('..')) return null;
  if (segs.length === 0 && !allowRoot) return null;
  return segs;
}

class Model {
  files = new Map<string, string>();
  dirs = new Set<string>();
  rootMade = false;

  private isDir = (k: string) => k === '' || this.dirs.has(k);
  private parentsOk(segs: string[]): boolean {
    for (let i = 1; i < segs.length; i++) if (this.files.has(segs.slice(0, i).join('/'))) return false;
    return true;
  }

  write(p: string, d: string): boolean {
    const segs = segmentsOf(p, false);
    if (!segs) return false;
    this.rootMade = true;
    const key = segs.join('/');
    if (!this.parentsOk(segs) || this.dirs.has(key)) return false;
    for (let i = 1; i < segs.length; i++) this.dirs.add(segs.slice(0, i).join('/'));
    this.files.set(key, d);
    return true;
  }
  read(p: string): string | null {
    const segs = segmentsOf(p, false);
    return segs ? (this.files.get(segs.join('/')) ?? null) : null;
  }
  list(p: string): string[] | null {
    const segs = segmentsOf(p, true);
    if (!segs) return null;
    const key = segs.join('/');
    if (!this.rootMade) return [];
    if (this.files.has(key)) return null;
    if (!this.isDir(key)) return this.parentsOk(segs) ? [] : null;
    const prefix = key === '' ? '' : `${key}/`;
    const names = new Set<string>();
    for (const k of [...this.files.keys(), ...this.dirs]) if (k.startsWith(prefix) && k !== key) names.add(k.slice(prefix.length).split('/')[0]!);
    return [...names].sort();
  }
  exists(p: string): boolean {
    const segs = segmentsOf(p, true);
    if (!segs || !this.rootMade) return false;
    const key = segs.join('/');
    return this.files.has(key) || this.isDir(key);
  }
  delete(p: string): boolean {
    const segs = segmentsOf(p, false);
    if (!segs || !this.rootMade) return false;
    const key = segs.join('/');
    if (this.files.has(key)) return this.files.delete(key);
    if (!this.dirs.has(key)) return false;
    const prefix = `${key}/`;
    if ([...this.files.keys(), ...this.dirs].some((k) => k.startsWith(prefix))) return false;
    return this.dirs.delete(key);
  }
  /** The tree as disk listings would show it. */
  tree(): string[] {
    return [...[...this.files].map(([k, v]) => `f${SEP}${k}${SEP}${v}`), ...[...this.dirs].map((k) => `d${SEP}${k}`)].sort();
  }
}

// ---- the case directory ------------------------------------------------------------------------

let base: string;
let caseNo = 0;
let calls = 0;
beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'ocp-fuzz-fs-'));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** A fresh layout: the sandbox root (not created yet), outside/ with a secret, and the prefix twin files-evil/. */
function layout() {
  const dir = join(base, String(caseNo++));
  const root = join(dir, 'files');
  mkdirSync(join(dir, 'outside', 'zz-out-dir'), { recursive: true });
  writeFileSync(join(dir, 'outside', 'zz-out-secret'), OUTSIDE);
  writeFileSync(join(dir, 'outside', 'zz-out-dir', 'zz-out-inner'), OUTSIDE);
  mkdirSync(join(dir, 'files-evil'));
  writeFileSync(join(dir, 'files-evil', 'zz-evil-file'), OUTSIDE);
  return { dir, root };
}

const SEP = '\u0001';

/** Everything under `dir` (links not followed): type, name and content or target, SEP-separated. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, prefix: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      const st = lstatSync(full);
      if (st.isSymbolicLink()) out.push(`l${SEP}${prefix}${name}${SEP}${readlinkSync(full)}`);
      else if (st.isDirectory()) {
        out.push(`d${SEP}${prefix}${name}`);
        walk(full, `${prefix}${name}/`);
      } else out.push(`f${SEP}${prefix}${name}${SEP}${readFileSync(full, 'utf8')}`);
    }
  };
  walk(dir, '');
  return out;
}

/**
 * Another process makes a symlink at `at` in the sandbox dir (replacing what is there when
 * asked). It works inside the sandbox dir only: never through a link (that would be the test
 * writing outside, not the sandbox).
 */
function plantLink(dir: string, root: string, at: string, target: string, replace: boolean): boolean {
  const full = join(root, at);
  const resolved = target.replace(/^OUT/, join(dir, 'outside')).replace(/^EVIL/, join(dir, 'files-evil')).replace(/^SELF$/, full);
  const parts = at.split('/').slice(0, -1);
  for (let i = 0; i <= parts.length; i++) {
    const p = join(root, ...parts.slice(0, i));
    if (existsSync(p) && lstatSync(p).isSymbolicLink()) return false;
  }
  try {
    mkdirSync(dirname(full), { recursive: true });
    if (replace) rmSync(full, { recursive: true, force: true });
    symlinkSync(resolved, full);
    return true;
  } catch {
    return false; // a file in the way of the parent, or something already there
  }
}

const decode = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).toString('utf8'));

describe('fs sandbox: generated paths and interference', () => {
  it(
    'nothing outside the root is read, listed or changed, whatever the paths and the links planted between calls',
    async () => {
      calls = 0;
      await checkProperty(
        { target: 'fs-sandbox', name: 'paths + symlinks planted between calls: nothing outside read, listed or changed', runs: 80, fuzzShare: 0.1, calls: () => calls },
        fc.property(fc.array(op, { minLength: 1, maxLength: 10 }), (ops) => {
          const { dir, root } = layout();
          const outsideBefore = snapshot(join(dir, 'outside'));
          const evilBefore = snapshot(join(dir, 'files-evil'));
          const fs = createFsSandbox(root, { quotaBytes: 4096 });
          try {
            for (const o of ops) {
              if (o.op !== 'symlink') calls++;
              if (o.op === 'symlink') plantLink(dir, root, o.at, o.target, o.replace);
              else if (o.op === 'write') fs.write(o.path, Buffer.from(o.data));
              else if (o.op === 'read') expect(decode(fs.read(o.path)) ?? '', o.path).not.toContain(OUTSIDE);
              else if (o.op === 'list') {
                // every name listed is an entry inside the root (the plugin may name its own files like the outside ones)
                const inside = new Set(existsSync(root) ? snapshot(root).map((l) => l.split(SEP)[1]!.split('/').pop()!) : []);
                for (const n of fs.list(o.path) ?? []) expect(inside.has(n), `${o.path}: ${n}`).toBe(true);
              } else if (o.op === 'exists') fs.exists(o.path);
              else fs.delete(o.path);
              expect(snapshot(join(dir, 'outside'))).toEqual(outsideBefore);
              expect(snapshot(join(dir, 'files-evil'))).toEqual(evilBefore);
              expect(readdirSync(dir).sort()).toEqual(readdirSync(dir).includes('files') ? ['files', 'files-evil', 'outside'] : ['files-evil', 'outside']);
            }
            // the console's tree lists only what is inside, links unfollowed
            for (const e of fs.tree(1000).entries) expect(lstatSync(join(root, e.path)).isSymbolicLink() || e.type !== 'symlink').toBe(true);
            for (const name of ['zz-out-secret', 'lnk/zz-out-secret', 'a/lnk/zz-out-inner', 'lnk/zz-out-dir/zz-out-inner']) {
              try {
                expect(decode(fs.peek(name, 1000)?.data ?? null) ?? '').not.toContain(OUTSIDE);
              } catch {
                // the console's peek refuses (FsPathRefused) what read refuses
              }
            }
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        }),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    'without links, it is the model: same results, the same tree on disk',
    async () => {
      calls = 0;
      await checkProperty(
        { target: 'fs-sandbox', name: 'no links: every result and the tree on disk = in-memory model', runs: 80, fuzzShare: 0.1, calls: () => calls },
        fc.property(fc.array(op.filter((o) => o.op !== 'symlink'), { minLength: 1, maxLength: 12 }), (ops) => {
          const { dir, root } = layout();
          const fs = createFsSandbox(root, { quotaBytes: 1 << 20 });
          const model = new Model();
          try {
            for (const o of ops) {
              calls++;
              const what = `${o.op} ${JSON.stringify(o.path)}`;
              if (o.op === 'write') expect(fs.write(o.path, Buffer.from(o.data)).ok, what).toBe(model.write(o.path, o.data));
              else if (o.op === 'read') expect(decode(fs.read(o.path)), what).toBe(model.read(o.path));
              else if (o.op === 'list') expect(fs.list(o.path), what).toEqual(model.list(o.path));
              else if (o.op === 'exists') expect(fs.exists(o.path), what).toBe(model.exists(o.path));
              else if (o.op === 'delete') expect(fs.delete(o.path).ok, what).toBe(model.delete(o.path));
            }
            expect(model.rootMade ? snapshot(root).sort() : []).toEqual(model.tree());
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        }),
      );
    },
    FUZZ_TIMEOUT,
  );
});
