// The simulator's screen on a real simulation (echo-bot and profanity-filter from examples/),
// rendered by ink-testing-library at 100 columns and driven by key presses: pause and resume,
// step, type a message and see the bot's answer, switch user, change speed, quit.
import { render } from 'ink-testing-library';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createCaptureStream, createContext, createFakeClock } from '../../src/lib/context.js';
import type { SimEvent } from '../../src/lib/simulate/events.js';
import { Player } from '../../src/lib/simulate/player.js';
import { Simulation } from '../../src/lib/simulate/simulation.js';
import { parseScript } from '../../src/lib/simulate/validate.js';
import { createTuiSession, type TuiSession } from '../../src/lib/tui/session.js';
import { ROOT } from '../cli/helpers.js';

const START = Date.parse('2026-11-29T20:00:00Z');
const SCRIPT = {
  users: ['alice', 'bob'],
  events: [
    { at: '1s', type: 'chat', user: 'alice', body: 'hello darn world' },
    { at: '10m', type: 'chat', user: 'bob', body: '!echo much later' },
  ],
};

/** Waits until `check` passes (the screen re-renders asynchronously), or fails with the last frame. */
async function until(app: ReturnType<typeof render>, check: (frame: string) => boolean, what: string, ms = 10_000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const frame = app.lastFrame() ?? '';
    if (check(frame)) return frame;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the screen was:\n${frame}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The live region: everything from the events pane down (the chat above it is <Static>). */
const live = (frame: string) => frame.slice(frame.lastIndexOf('╭', frame.indexOf('│ events')));

describe('the simulator TUI', () => {
  let sim: Simulation;
  let player: Player;
  let session: TuiSession;
  let app: ReturnType<typeof render>;
  let playing: Promise<void>;

  beforeAll(async () => {
    const ctx = createContext({ cwd: ROOT, toolRoot: ROOT, stdout: createCaptureStream(), stderr: createCaptureStream(), clock: createFakeClock(START), color: false, env: {} });
    const script = parseScript(JSON.stringify(SCRIPT), join(ROOT, 'tui-test.json'));
    const early: SimEvent[] = [];
    sim = await Simulation.create(ctx, { script, paths: ['examples/echo-bot', 'examples/profanity-filter'], startMs: START, onEvent: (e) => early.push(e) });
    player = new Player(sim, { paused: true });
    session = createTuiSession(sim, player);
    // what happened while loading, as runInteractive hands it over (builds of stale examples left out: they vary)
    for (const e of early) if (e.type !== 'log') session.store.add(e);
    app = render(session.element(100));
    playing = player.run();
  });

  afterAll(async () => {
    player?.stop();
    await playing;
    session?.dispose();
    app?.unmount();
    await sim?.close();
  });

  it('starts paused, with the panes, the status line and the keys at 100 columns', async () => {
    const frame = await until(app, (f) => f.includes('⏸ paused'), 'the paused status');
    expect(live(frame)).toMatchInlineSnapshot(`
      "╭─────────────────────────────────────────────────────────────────────────────────────────────────╮
      │ events                                                                                          │
      │ 0:00 loaded echo-bot, profanity-filter                                                          │
      ╰─────────────────────────────────────────────────────────────────────────────────────────────────╯
      ╭─────────────────────────────────────────────────────────────────────────────────────────────────╮
      │ plugins                                                                                         │
      │   plugin           state    strikes calls      time                                             │
      │ ● echo-bot         running      0/5     0    0.0 ms                                             │
      │ ● profanity-filter running      0/5     0    0.0 ms                                             │
      ╰─────────────────────────────────────────────────────────────────────────────────────────────────╯
      ╭─────────────────────────────────────────────────────────────────────────────────────────────────╮
      │ log                                                                                             │
      │ no log lines yet                                                                                │
      ╰─────────────────────────────────────────────────────────────────────────────────────────────────╯
      ⏸ paused 1x · 0:00 · script 0/2 · typing as alice (viewer)
      space pause/resume · +/- speed · s step · i type · u user · r reload · q quit"
    `);
  });

  it('s runs the next scripted message: its path through the filters goes into the chat', async () => {
    app.stdin.write('s');
    const frame = await until(app, (f) => f.includes('⇒ shown as: hello **** world'), 'the stepped message');
    expect(frame).toContain('[0:01] alice: hello darn world');
    expect(frame).toContain('└ profanity-filter ✎ modified hello darn→**** world');
    expect(frame).toContain('⏸ paused 1x · 0:01 · script 1/2');
    expect(live(frame)).toContain("alice's message → echo-bot");
  });

  it('space resumes and pauses; + and - change the speed', async () => {
    app.stdin.write(' ');
    await until(app, (f) => f.includes('▶ playing 1x'), 'playing');
    app.stdin.write('+');
    await until(app, (f) => f.includes('▶ playing 2x'), '2x');
    app.stdin.write('+');
    await until(app, (f) => f.includes('▶ playing 4x'), '4x');
    app.stdin.write('-');
    await until(app, (f) => f.includes('▶ playing 2x'), 'back to 2x');
    app.stdin.write(' ');
    await until(app, (f) => f.includes('⏸ paused 2x'), 'paused again');
    // paused: the clock stands still, far from the next scripted message (10 minutes in)
    expect(sim.position).toBe(1);
  });

  it('i types a chat line as the current user; the bot answers it', async () => {
    app.stdin.write('i');
    await until(app, (f) => f.includes('enter send · esc cancel'), 'the prompt');
    for (const ch of '!echo hi darn') app.stdin.write(ch);
    app.stdin.write('\u007f'); // backspace
    app.stdin.write('n');
    await until(app, (f) => f.includes('alice> !echo hi darn'), 'the typed text');
    app.stdin.write('\r');
    const frame = await until(app, (f) => f.includes('Echo Bot [bot]: alice said: hi ****'), "the bot's answer");
    expect(frame).toContain('alice: !echo hi darn (typed)');
    expect(frame).toContain('space pause/resume');
  });

  it('u chooses who to type as: a moderator, then an anonymous user', async () => {
    app.stdin.write('u');
    const picker = await until(app, (f) => f.includes('type as…'), 'the user picker');
    expect(picker).toContain('4 mod (moderator: MODERATOR)');
    app.stdin.write('4');
    await until(app, (f) => f.includes('typing as mod (moderator)'), 'mod chosen');
    app.stdin.write('u');
    await until(app, (f) => f.includes('type as…'), 'the picker again');
    app.stdin.write('\u001B[B'); // down: from mod to anonymous-otter
    await new Promise((r) => setTimeout(r, 50));
    app.stdin.write('\r');
    await until(app, (f) => f.includes('typing as anonymous-otter (anonymous)'), 'anonymous chosen');
    app.stdin.write('i');
    for (const ch of '!echo who am i') app.stdin.write(ch);
    app.stdin.write('\r');
    await until(app, (f) => f.includes('anonymous-otter said: who am i'), 'the anonymous message answered');
    expect(app.lastFrame()).toContain('anonymous-otter [anon]: !echo who am i (typed)');
  });

  it('r reloads the plugins from disk and says so', async () => {
    app.stdin.write('r');
    const frame = await until(app, (f) => f.includes('— profanity-filter reloaded —'), 'the reload');
    expect(frame).toContain('— echo-bot reloaded —');
  });

  it('q quits', async () => {
    app.stdin.write('q');
    await expect(session.quit).resolves.toBeUndefined();
  });
});
