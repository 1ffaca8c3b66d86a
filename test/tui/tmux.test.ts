// The real binary in a real pseudo-terminal (tmux): the TUI comes up, a message typed with `i`
// goes through the plugins and the bot's answer appears on screen, `q` quits with exit code 0.
// Skipped, with a note, where tmux is not installed.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { ROOT } from '../cli/helpers.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
if (!hasTmux) console.warn('test/tui/tmux.test.ts skipped: tmux is not installed (apt-get install tmux)');

const SOCKET = `ocp-sim-test-${process.pid}`;
const SESSION = 'sim';
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-t', SESSION);

async function until(check: (text: string) => boolean, what: string, ms = 20_000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const text = screen();
    if (check(text)) return text;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the screen was:\n${text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!hasTmux)('simulate in a terminal (tmux)', () => {
  let dir: string | undefined;

  afterAll(async () => {
    try {
      tmux('kill-server');
    } catch {
      // already gone
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('types a message and sees the bot answer, then quits with q', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ocp-sim-tmux-'));
    const script = join(dir, 'script.json');
    await writeFile(script, JSON.stringify({ users: ['alice'], events: [{ at: '500ms', type: 'chat', user: 'alice', body: 'hello from the script' }] }));
    const command = [
      'env -u CI -u CONTINUOUS_INTEGRATION NO_COLOR=1 FORCE_COLOR=0',
      JSON.stringify(process.execPath),
      JSON.stringify(join(ROOT, 'bin', 'run.js')),
      'simulate examples/echo-bot examples/profanity-filter --script',
      JSON.stringify(script),
      '; echo "EXIT=$?"; sleep 30',
    ].join(' ');
    tmux('new-session', '-d', '-s', SESSION, '-x', '110', '-y', '45', '-c', ROOT, command);

    await until((s) => s.includes('alice: hello from the script') && s.includes('typing as alice'), 'the TUI and the scripted message');
    tmux('send-keys', '-t', SESSION, 'i');
    await until((s) => s.includes('enter send'), 'the prompt');
    tmux('send-keys', '-t', SESSION, '-l', '!echo hello darn tmux');
    await until((s) => s.includes('alice> !echo hello darn tmux'), 'the typed text');
    tmux('send-keys', '-t', SESSION, 'Enter');
    const answered = await until((s) => s.includes('alice said: hello **** tmux'), "the bot's answer");
    expect(answered).toContain('alice: !echo hello darn tmux (typed)');
    expect(answered).toContain('Echo Bot [bot]: alice said: hello **** tmux');
    tmux('send-keys', '-t', SESSION, 'q');
    await until((s) => s.includes('EXIT='), 'the exit');
    expect(screen()).toContain('EXIT=0');
    tmux('kill-session', '-t', SESSION);
  }, 60_000);

  it('--until-end leaves by itself once the script is over', async () => {
    const script = join(dir!, 'script.json');
    const command = [
      'env -u CI -u CONTINUOUS_INTEGRATION NO_COLOR=1 FORCE_COLOR=0',
      JSON.stringify(process.execPath),
      JSON.stringify(join(ROOT, 'bin', 'run.js')),
      'simulate examples/echo-bot --until-end --speed 4 --script',
      JSON.stringify(script),
      '; echo "EXIT=$?"; sleep 30',
    ].join(' ');
    tmux('new-session', '-d', '-s', SESSION, '-x', '110', '-y', '45', '-c', ROOT, command);
    const end = await until((s) => s.includes('EXIT='), 'the exit');
    expect(end).toContain('— end of the script: 1 messages (0 modified, 0 dropped) —');
    expect(end).toContain('EXIT=0');
  }, 60_000);
});
