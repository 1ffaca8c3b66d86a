// A plugin that tries every way out of its storage.fs directory: "..", absolute paths, and a
// symlink to the outside that someone else planted inside its sandbox.
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { escaperEpisode, plantEscapeHatch } from './episodes.js';
import { CEILING_MS, expectThroughputKept, expectWellBehaved } from './expectations.js';
import { arena } from './harness.js';

describe('hostile: escaper', () => {
  it('reads, lists, writes and deletes nothing outside its directory, each refusal named; never struck; the others keep working and their throughput', async () => {
    let outside = '';
    const a = await arena(['escaper'], {
      beforeLoad: async (dataDir) => {
        outside = await plantEscapeHatch(dataDir);
      },
    });
    const clean = await arena([]);
    try {
      const episode = await escaperEpisode(a, outside);

      for (const attempt of episode.attempts) {
        expect(attempt.ok, attempt.label).toBe(true);
        expect(attempt.ms, attempt.label).toBeLessThan(CEILING_MS.http);
      }
      const leaves = 'path leaves the plugin storage through a symbolic link';
      expect(episode.answers).toHaveLength(5);
      for (const answer of episode.answers) {
        expect(answer).toEqual({
          'read ../x': null,
          'read /etc/passwd': null,
          'read a/../../x': null,
          'read <outside>/secret.txt': null,
          'read link/secret.txt': null,
          'list link': [],
          'list ..': [],
          'exists ../kv.db': false,
          'exists link/secret.txt': false,
          'write ../x': { ok: false, error: 'path must not contain ".."' },
          'write <outside>/abs.txt': { ok: false, error: 'path must be relative to the plugin storage' },
          'write link/pwned.txt': { ok: false, error: leaves },
          'write link/secret.txt': { ok: false, error: leaves },
          'delete link/secret.txt': { ok: false, error: leaves },
          'write own.txt': { ok: true },
          'read own.txt': 'mine',
        });
      }
      // the outside is untouched, and nothing landed beside the sandbox
      expect(await readdir(outside)).toEqual(['secret.txt']);
      expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe('the secret');
      expect((await readdir(a.dataDir)).filter((name) => !name.startsWith('kv.db')).sort()).toEqual(['escaper']);
      expect((await readdir(join(a.dataDir, 'escaper'))).sort()).toEqual(['files']);
      expect((await readdir(join(a.dataDir, 'escaper', 'files'))).sort()).toEqual(['link', 'own.txt']);

      // every refusal is in the host's log, naming the plugin, the operation and the path
      const refusals = [
        ['read', '../x'],
        ['read', '/etc/passwd'],
        ['read', 'a/../../x'],
        ['read', `${outside}/secret.txt`],
        ['read', 'link/secret.txt'],
        ['list', 'link'],
        ['list', '..'],
        ['exists', '../kv.db'],
        ['exists', 'link/secret.txt'],
        ['write', '../x'],
        ['write', `${outside}/abs.txt`],
        ['write', 'link/pwned.txt'],
        ['write', 'link/secret.txt'],
        ['delete', 'link/secret.txt'],
      ];
      const fsWarnings = a.rec.warnings.filter((w) => w.startsWith('storage.fs: '));
      expect(fsWarnings).toHaveLength(refusals.length * 5);
      for (const [op, path] of refusals) {
        expect(fsWarnings).toContainEqual(expect.stringMatching(new RegExp(`^storage\\.fs: plugin "escaper" ${op} "${escape(path!)}" refused: `)));
      }
      expect(a.rec.warnings.every((w) => w.includes('escaper'))).toBe(true);

      // a refused path is an answer, not the plugin's failure
      expect(episode.disabledAfterMs).toBeNull();
      expect(a.host.dispatcher.strikes('escaper')).toBe(0);

      await expectWellBehaved(a, 'after');
      await expectThroughputKept(clean, a);
    } finally {
      await a.close();
      await clean.close();
      if (outside) await rm(outside, { recursive: true, force: true });
    }
  });
});

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
