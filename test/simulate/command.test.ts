// `owncast-plugin simulate` through the compiled CLI (npm test builds it first), with pipes for
// stdout: not a terminal, so the stream is printed as text (or JSON) and the command exits.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ROOT, runCli } from '../cli/helpers.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ocp-sim-cli-'));
  await writeFile(
    join(dir, 'short.json'),
    JSON.stringify({
      plugins: [join(ROOT, 'examples/echo-bot'), join(ROOT, 'examples/profanity-filter')],
      users: ['alice'],
      events: [
        { at: '1s', type: 'chat', user: 'alice', body: '!echo heck yes' },
        { at: '2s', type: 'chat', user: 'alice', body: 'HECK' },
      ],
    }),
  );
  await writeFile(join(dir, 'bad.json'), '{\n  "users": ["alice"],\n  "events": [\n    {"at": "soon", "type": "chat", "user": "alice", "body": "hi"}\n  ]\n}\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('simulate (compiled CLI, stdout not a terminal)', () => {
  it('prints the default script through the examples as text and exits 0', async () => {
    const r = await runCli(['simulate']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(await readFile(join(ROOT, 'test/simulate/__snapshots__/default-script.plain.txt'), 'utf8'));
  });

  it('--json prints one event per line; a script file names its own plugins; --speed plays it in real time', async () => {
    const started = Date.now();
    const r = await runCli(['simulate', '--script', join(dir, 'short.json'), '--json', '--speed', '20']);
    expect(r.code).toBe(0);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; t: number; text?: string; dropped?: unknown });
    expect(events.map((e) => e.type).filter((t) => t !== 'log')).toEqual(['start', 'message', 'chat', 'message', 'end']);
    expect(events.find((e) => e.type === 'chat')).toMatchObject({ t: 1000, text: 'alice said: **** yes' });
    expect(events.filter((e) => e.type === 'message')[1]).toMatchObject({ t: 2000, dropped: { slug: 'profanity-filter', reason: 'shouting a banned word' } });
    // 2 s of script at 20x: about 100 ms of waiting, not 2 s
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('an invalid script is a usage error pointing at the line and column', async () => {
    const r = await runCli(['simulate', '--script', join(dir, 'bad.json')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`bad.json:4:12: events[0].at must be a duration: milliseconds (1500) or a string such as "1.5s", "250ms", "2m", "1h30m", not "soon"`);
    expect(r.stderr).toContain('> 4 |     {"at": "soon", "type": "chat", "user": "alice", "body": "hi"}');
  });

  it('bad flags and missing paths are usage errors', async () => {
    const speed = await runCli(['simulate', '--speed', 'fast']);
    expect(speed.code).toBe(2);
    expect(speed.stderr).toContain('--speed fast: expected a number above 0');
    const missing = await runCli(['simulate', join(dir, 'nowhere')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nowhere does not exist');
  });
});
