import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { openKvStore, type KvStore } from '../../../src/lib/host/storage/kv.js';

describe('openKvStore', () => {
  let dir: string;
  const open: KvStore[] = [];
  const track = (s: KvStore) => (open.push(s), s);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ocp-kv-'));
  });
  afterEach(async () => {
    for (const s of open.splice(0)) s.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('gets, sets, overwrites and deletes within a plugin namespace', () => {
    const kv = track(openKvStore(':memory:'));
    expect(kv.get('a', 'k')).toBeNull();
    kv.set('a', 'k', 'one');
    expect(kv.get('a', 'k')).toBe('one');
    kv.set('a', 'k', 'two');
    expect(kv.get('a', 'k')).toBe('two');
    kv.delete('a', 'k');
    expect(kv.get('a', 'k')).toBeNull();
    kv.delete('a', 'never-there');
  });

  it('keeps plugins apart: the same key in two namespaces are two values', () => {
    const kv = track(openKvStore(':memory:'));
    kv.set('a', 'count', '1');
    kv.set('b', 'count', '99');
    kv.set('b', 'other', 'x');
    expect(kv.get('a', 'count')).toBe('1');
    expect(kv.get('b', 'count')).toBe('99');
    expect(kv.keys('a')).toEqual(['count']);
    expect(kv.keys('b')).toEqual(['count', 'other']);
    expect(kv.keys('c')).toEqual([]);
  });

  it('stores the empty string and arbitrary Unicode verbatim', () => {
    const kv = track(openKvStore(':memory:'));
    kv.set('a', '', '');
    kv.set('a', 'emoji 🎉', 'naïve\u0000nul\n');
    expect(kv.get('a', '')).toBe('');
    expect(kv.get('a', 'emoji 🎉')).toBe('naïve\u0000nul\n');
  });

  it('persists across reopen, in WAL mode', () => {
    const file = join(dir, 'kv.db');
    const first = openKvStore(file);
    first.set('a', 'k', 'v');
    first.close();
    const second = track(openKvStore(file));
    expect(second.get('a', 'k')).toBe('v');
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      raw.close();
    }
  });

  it('another connection sees a committed write immediately (each set is its own transaction)', () => {
    const file = join(dir, 'kv.db');
    const kv = track(openKvStore(file));
    kv.set('a', 'k', 'committed');
    const reader = new Database(file, { readonly: true });
    try {
      expect(reader.prepare('SELECT value FROM kv WHERE slug = ? AND key = ?').pluck().get('a', 'k')).toBe('committed');
    } finally {
      reader.close();
    }
  });

  it('refuses a database from a newer schema instead of misreading it', () => {
    const file = join(dir, 'kv.db');
    const raw = new Database(file);
    raw.pragma('user_version = 99');
    raw.close();
    expect(() => openKvStore(file)).toThrow(/newer owncast-plugin/);
  });

  it('close is idempotent', () => {
    const kv = openKvStore(':memory:');
    kv.close();
    kv.close();
  });
});
