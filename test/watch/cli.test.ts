// `owncast-plugin watch --serve` as an author runs it: the compiled CLI in a child process,
// a real edit on disk, the dev server answering with the new code, Ctrl-C → exit 0.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { runCli, startCli } from '../cli/helpers.js';
import { ask, LABEL_FILE, labelSource, until, writeProject } from './project.js';

describe('owncast-plugin watch (compiled CLI)', () => {
  it('--serve: the banner, an edit served within moments, the status on stderr; Ctrl-C exits 0', async () => {
    const dir = await writeProject();
    const cli = startCli(['watch', '--serve', '--port', '0', '--no-typecheck'], { cwd: dir });
    const { child, exited } = cli;
    try {
      await until(() => /Ctrl-C to stop/.test(cli.stdout()), 60_000, `the banner (stderr: ${cli.stderr()})`);
      const url = /owncast-plugin serve (http:\/\/127\.0\.0\.1:\d+)\//.exec(cli.stdout())?.[1];
      expect(url, cli.stderr()).toBeDefined();
      expect(cli.stdout()).toMatch(/labeller\s+http:\/\/127\.0\.0\.1:\d+\/plugins\/labeller\//);
      expect(await ask(url!, 'one')).toBe('v1#1: one');

      await writeFile(join(dir, LABEL_FILE), labelSource('v2'));
      let seen: string | undefined;
      await until(async () => (seen = await ask(url!, 'two'))?.startsWith('v2#') ?? false, 20_000, 'the new code');
      expect(seen).toMatch(/^v2#\d+: two$/);
      // stderr off a terminal: one plain line per status
      const took = String.raw`(\d+ ms|\d+\.\d s)`;
      expect(cli.stderr()).toMatch(new RegExp(`^✔ built labeller in ${took}$`, 'm'));
      expect(cli.stderr()).toMatch(/^◌ building \(src\/label\.ts\)…$/m);
      expect(cli.stderr()).toMatch(new RegExp(`^reloaded in the dev server in ${took} \\(saved → running ${took}\\)$`, 'm'));
      expect(cli.stderr()).toMatch(/^watching$/m);

      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('a directory without plugin.manifest.json is a usage error (exit 2) with next steps', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ocp-watch-empty-'));
    try {
      const run = await runCli(['watch'], { cwd: dir });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('is not a plugin project: there is no plugin.manifest.json');
      expect(run.stderr).toContain('owncast-plugin new my-plugin');
      const flags = await runCli(['watch', '--port', '9000'], { cwd: dir });
      expect(flags.code).toBe(2);
      expect(flags.stderr).toMatch(/--serve/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
