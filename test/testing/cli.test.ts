// `owncast-plugin test` as users run it: the compiled CLI (bin/run.js; `npm test` builds
// first) in a child process. Exit codes (0 passed, 1 a scenario failed, 2 setup errors),
// what goes to stdout and stderr, and each reporter and flag.

import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runCli, startCli } from '../cli/helpers.js';
import { removeTemps, tempDir, writeFiles, writeProject } from './helpers.js';
import { parseXml } from './xml.js';

let root: string;

const SOURCE = `import {definePlugin, owncast} from '@owncast/plugin-sdk'
definePlugin({ onChatMessage(msg) { owncast.chat.send('echo: ' + msg.body) } })
`;
const message = (body: string) => ({ event: 'chat.message.received', payload: { id: '1', body, user: { id: 'u', displayName: 'u' }, timestamp: '2026-01-01T00:00:00Z' } });

beforeAll(async () => {
  root = await tempDir('ocp-cli-');
  await writeProject(join(root, 'echo'), {
    manifest: { name: 'Echo', slug: 'echo', permissions: ['chat.send'] },
    source: SOURCE,
    files: {
      '__tests__/echo.test.json': JSON.stringify([
        { name: 'passes', events: [message('hi')], expect: { chatSends: ['echo: hi'] } },
        { name: 'fails', events: [message('hi')], expect: { chatSends: ['echo: bye'] } },
        { name: 'passes too', events: [message('yo')], expect: { chatSends: ['/^echo: y/'] } },
      ]),
    },
  });
  await writeProject(join(root, 'invalid'), {
    manifest: { name: 'Invalid', slug: 'invalid' },
    source: SOURCE,
    files: { '__tests__/bad.test.json': '[{"name": "x", "events": [{"http": {}}]}]' },
  });
  await writeProject(join(root, 'broken'), {
    manifest: { name: 'Broken', slug: 'broken' },
    source: 'this is not ( TypeScript',
    files: { '__tests__/a.test.json': '[{"name": "x"}]' },
  });
});
afterAll(removeTemps);

describe('owncast-plugin test (compiled CLI)', () => {
  it('pretty: builds what is stale, lists every scenario, shows the diff, closes with N passed, N failed; exit 1', async () => {
    const run = await runCli(['test', 'echo'], { cwd: root });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/building .*echo: it has not been built/);
    expect(run.stdout).toMatch(/^echo\/__tests__\/echo\.test\.json\n {2}✔ passes {2}[\d.]+ m?s {2}[\d.]+ MB\n {2}✖ fails/);
    expect(run.stdout).toContain('      chatSends: [0] expected "echo: bye", got "echo: hi"  (at /1/expect/chatSends/0)\n');
    expect(run.stdout).toContain('      -   "echo: bye"\n      +   "echo: hi"\n');
    expect(run.stdout.endsWith('\n2 passed, 1 failed\n')).toBe(true);
  });

  it('--bail stops at the first failure', async () => {
    const bail = await runCli(['test', 'echo', '--bail', '--reporter', 'tap'], { cwd: root });
    expect(bail.code).toBe(1);
    expect(bail.stdout).toMatch(/^TAP version 14\n1\.\.2\nok 1 - echo\/__tests__\/echo\.test\.json :: passes\nnot ok 2 - /);
    expect(bail.stdout).toContain('\nBail out! stopped at the first failure (--bail)\n# 1 passed, 1 failed\n');
  });

  it('--reporter junit writes only XML to stdout; the closing line goes to stderr', async () => {
    const run = await runCli(['test', 'echo', '--reporter', 'junit'], { cwd: root });
    expect(run.code).toBe(1);
    const xml = parseXml(run.stdout);
    expect(xml.attributes).toMatchObject({ tests: '3', failures: '1' });
    expect(xml.children[0]!.children.map((c) => c.attributes.name)).toEqual(['passes', 'fails', 'passes too']);
    expect(run.stderr).toContain('2 passed, 1 failed\n');
  });

  it('--json prints the run as JSON; --filter selects scenarios, and exit 0 when they all pass', async () => {
    const run = await runCli(['test', 'echo', '--json', '--filter', 'PASSES'], { cwd: root });
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ ok: true, passed: 2, failed: 0, bailed: false });
    expect(result.scenarios.map((s: { name: string; status: string }) => [s.name, s.status])).toEqual([
      ['passes', 'passed'],
      ['passes too', 'passed'],
    ]);
    expect(result.scenarios[0]).toMatchObject({ file: 'echo/__tests__/echo.test.json', failures: [], permissionWarnings: [], plugins: [{ slug: 'echo' }] });
  });

  it('setup errors exit 2: a missing directory, an invalid scenario file, a build that fails', async () => {
    const missing = await runCli(['test', 'nowhere'], { cwd: root });
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toContain('nowhere does not exist');

    const invalid = await runCli(['test', 'invalid'], { cwd: root });
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('invalid/__tests__/bad.test.json:1:36: scenario 1 "x", step 1: http step requires path (at /0/events/0/http)');

    const broken = await runCli(['test', 'broken'], { cwd: root });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('Building broken failed');
  });

  it('--watch runs again when a scenario changes (until interrupted)', async () => {
    const cli = startCli(['test', 'echo', '--watch', '--filter', 'passes'], { cwd: root });
    const { child, waitFor } = cli;
    try {
      await waitFor(() => cli.stderr().includes('watching for changes'), 'the first run');
      expect(cli.stdout()).toContain('2 passed, 0 failed');
      await writeFiles(join(root, 'echo'), {
        '__tests__/more.test.json': JSON.stringify([{ name: 'passes again', events: [message('x')], expect: { chatSends: ['echo: x'] } }]),
      });
      await waitFor(() => cli.stdout().includes('3 passed, 0 failed'), 'the second run');
      expect(cli.stderr()).toMatch(/changed: .*more\.test\.json; running again/);
    } finally {
      child.kill('SIGINT');
      await cli.exited;
    }
    expect(child.exitCode).toBe(0);
  });
});
