// The status line: on a terminal one line rewritten in place, with what is printed going above
// it; off a terminal one plain line per status. And the lines a watch's events become.
import { describe, expect, it } from 'vitest';

import { UserError } from '../../src/lib/errors.js';
import { createWatchRenderer } from '../../src/lib/watch/render.js';
import { logScreen, terminalScreen } from '../../src/lib/watch/screen.js';

const CLEAR = '\r\u001B[2K';

function stream(tty: boolean, columns?: number) {
  const chunks: string[] = [];
  return { write: (c: string) => chunks.push(c), isTTY: tty, ...(columns ? { columns } : {}), chunks, text: () => chunks.join('') };
}

describe('terminalScreen', () => {
  it('on a terminal rewrites one line, prints above it and draws it again, and fits it to the width', () => {
    const err = stream(true, 20);
    const out = stream(true);
    const screen = terminalScreen(err);
    screen.status('building…');
    screen.status('built in 12 ms');
    screen.print('src/a.ts:1:1: oops\n');
    screen.stream.write('[bot] info: hello\n');
    screen.above(out).write('banner\n');
    screen.status('a status far longer than twenty columns');
    screen.close();
    expect(err.chunks).toEqual([
      'building…',
      `${CLEAR}built in 12 ms`,
      `${CLEAR}src/a.ts:1:1: oops\nbuilt in 12 ms`,
      `${CLEAR}[bot] info: hello\nbuilt in 12 ms`,
      CLEAR,
      'built in 12 ms',
      `${CLEAR}a status far longe…`,
      '\n',
    ]);
    expect(out.chunks).toEqual(['banner\n']);
  });

  it('off a terminal prints each new status as a line, and nothing to clear', () => {
    const err = stream(false);
    const screen = terminalScreen(err);
    screen.status('building…');
    screen.status('building…');
    screen.print('an error');
    screen.status('watching');
    screen.close();
    expect(err.text()).toBe('building…\nan error\nwatching\n');
  });

  it('clear leaves nothing of the line behind (the simulator takes the terminal)', () => {
    const err = stream(true);
    const screen = terminalScreen(err);
    screen.status('watching');
    screen.close({ clear: true });
    screen.status('ignored');
    expect(err.chunks).toEqual(['watching', CLEAR]);
  });
});

describe('createWatchRenderer', () => {
  const failure = new UserError('Build failed with 1 error', {
    exitCode: 1,
    code: 'BUILD_FAILED',
    diagnostics: [{ text: 'Expected ";" but found ")"', file: 'src/plugin.ts', line: 3, column: 9, frame: '> 3 | let x = )\n    |         ^' }],
  });

  it('off a terminal: one line per status, a failed build with its location and code frame', () => {
    const err = stream(false);
    const render = createWatchRenderer(terminalScreen(err), { color: false, plain: true });
    render({ type: 'building', changed: [] });
    render({ type: 'build', ok: true, slug: 'bot', durationMs: 31, changed: [], warnings: [], files: [] });
    render({ type: 'watching', slug: 'bot', failing: false });
    render({ type: 'building', changed: ['src/plugin.ts'] });
    render({ type: 'build', ok: false, durationMs: 5, changed: ['src/plugin.ts'], problems: 1, error: failure });
    render({ type: 'watching', slug: 'bot', failing: true });
    render({ type: 'building', changed: ['src/plugin.ts'] });
    render({ type: 'build', ok: true, slug: 'bot', durationMs: 9, changed: ['src/plugin.ts'], warnings: [], files: [] });
    render({ type: 'reload', to: 'serve', slug: 'bot', ok: true, durationMs: 12, sinceChangeMs: 140 });
    render({ type: 'watching', slug: 'bot', failing: false });
    expect(err.text()).toBe(
      [
        '◌ building…',
        '✔ built bot in 31 ms',
        'watching',
        '◌ building (src/plugin.ts)…',
        '✖ Build failed with 1 error',
        '',
        'src/plugin.ts:3:9: Expected ";" but found ")"',
        '  > 3 | let x = )',
        '      |         ^',
        '✖ error: 1 problem (the last good build keeps running)',
        'watching (the last build failed)',
        '◌ building (src/plugin.ts)…',
        '✔ built bot in 9 ms (fixed)',
        'reloaded in the dev server in 12 ms (saved → running 140 ms)',
        'watching',
        '',
      ].join('\n'),
    );
  });

  it('on a terminal a round adds up on the status line', () => {
    const err = stream(true);
    const render = createWatchRenderer(terminalScreen(err), { color: false, plain: false });
    render({ type: 'building', changed: ['src/plugin.ts'] });
    render({ type: 'build', ok: true, slug: 'bot', durationMs: 9, changed: ['src/plugin.ts'], warnings: [], files: [] });
    render({ type: 'reload', to: 'simulate', slug: 'bot', ok: true, durationMs: 12, sinceChangeMs: 140 });
    render({ type: 'typecheck', problems: 1, durationMs: 80, diagnostics: [{ text: "Type 'string' is not assignable to type 'number'.", file: 'src/plugin.ts', line: 4, column: 14 }] });
    render({ type: 'watching', slug: 'bot', failing: false });
    expect(err.chunks.at(-1)).toBe(`${CLEAR}✔ built bot in 9 ms · reloaded in the simulator in 12 ms · 1 type error · watching (Ctrl-C to stop)`);
    expect(err.text()).toContain("type errors (1); the build still runs:\n\nsrc/plugin.ts:4:14: Type 'string' is not assignable to type 'number'.");
  });

  it('compact (the simulator log pane): an error is one line, a round end is no line', () => {
    const lines: string[] = [];
    const render = createWatchRenderer(logScreen((l) => lines.push(l)), { color: false, plain: true, compact: true });
    render({ type: 'build', ok: false, durationMs: 5, changed: ['src/plugin.ts'], problems: 1, error: failure });
    render({ type: 'watching', slug: 'bot', failing: true });
    expect(lines).toEqual(['✖ src/plugin.ts:3:9: Expected ";" but found ")"', '✖ error: 1 problem (nothing built yet)']);
  });
});
