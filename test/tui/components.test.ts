// The TUI's presentational components at a fixed width (ink-testing-library's 100 columns),
// rendered from fixed data.
import { createElement } from 'react';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';

import type { SimEvent } from '../../src/lib/simulate/events.js';
import { ChatItemView } from '../../src/lib/tui/ChatItemView.js';
import { FeedPane } from '../../src/lib/tui/FeedPane.js';
import { HelpBar } from '../../src/lib/tui/HelpBar.js';
import { PluginsPane } from '../../src/lib/tui/PluginsPane.js';
import { StatusBar } from '../../src/lib/tui/StatusBar.js';
import { userForRole } from '../../src/lib/simulate/script.js';

afterEach(() => cleanup());

const frame = (el: Parameters<typeof render>[0]) => render(el).lastFrame()!;

const message = (over: Partial<Extract<SimEvent, { type: 'message' }>>): Extract<SimEvent, { type: 'message' }> => ({
  t: 2500,
  type: 'message',
  id: 'sim-1',
  user: { id: 'u-bob', displayName: 'bob', role: 'viewer' },
  body: 'what the heck, this is great',
  source: 'script',
  filters: [],
  notified: [],
  failures: [],
  ...over,
});

describe('chat items', () => {
  it("shows a message's path through the filters: a failure, a modification with its diff, a pass", () => {
    const e = message({
      filters: [
        { slug: 'buggy-filter', priority: 100, action: 'error', error: 'Error: unexpected input from bob', strike: 3 },
        { slug: 'profanity-filter', priority: 100, action: 'modify', before: 'what the heck, this is great', after: 'what the ****, this is great' },
        { slug: 'slow-mode', priority: 100, action: 'pass' },
      ],
      shown: 'what the ****, this is great',
      notified: ['echo-bot'],
    });
    expect(frame(createElement(ChatItemView, { item: { key: '1', t: e.t, kind: 'message', event: e } }))).toMatchInlineSnapshot(`
      "[0:02] bob: what the heck, this is great
              ├ buggy-filter ⚠ failed, passed on (strike 3/5): Error: unexpected input from bob
              ├ profanity-filter ✎ modified what the heck→****, this is great
              └ slow-mode ✓ pass
              ⇒ shown as: what the ****, this is great"
    `);
  });

  it('folds a message every filter passed into one line', () => {
    const e = message({
      body: 'hello world',
      filters: ['buggy-filter', 'profanity-filter', 'slow-mode'].map((slug) => ({ slug, priority: 100, action: 'pass' as const })),
      shown: 'hello world',
    });
    expect(frame(createElement(ChatItemView, { item: { key: '1', t: e.t, kind: 'message', event: e } }))).toBe(
      '[0:02] bob: hello world\n        ✓ passed buggy-filter, profanity-filter, slow-mode',
    );
  });

  it('shows a drop with its reason, and who typed a line', () => {
    const e = message({
      user: { id: 'u-mod', displayName: 'mod', role: 'moderator' },
      body: 'going great!',
      source: 'typed',
      filters: [{ slug: 'slow-mode', priority: 100, action: 'drop', reason: 'slow mode: one message every 2 s (wait 1 s)' }],
      dropped: { slug: 'slow-mode', reason: 'slow mode: one message every 2 s (wait 1 s)' },
    });
    expect(frame(createElement(ChatItemView, { item: { key: '1', t: e.t, kind: 'message', event: e } }))).toMatchInlineSnapshot(`
      "[0:02] mod [mod]: going great! (typed)
              └ slow-mode ✖ dropped: slow mode: one message every 2 s (wait 1 s)
              ✖ not shown: dropped by slow-mode, nobody notified"
    `);
  });

  it('shows bot, action, private and system messages as Owncast would, with plugin text made safe', () => {
    const chat = (over: Partial<Extract<SimEvent, { type: 'chat' }>>): Extract<SimEvent, { type: 'chat' }> => ({ t: 61_000, type: 'chat', label: 'Echo Bot', slug: 'echo-bot', kind: 'bot', text: '', ...over });
    const lines = [
      chat({ text: 'alice said: hi \u001b[31mred\u001b[0m' }),
      chat({ kind: 'action', label: 'Stream Tracker', text: 'announces the stream is live' }),
      chat({ kind: 'private', label: 'Commands Bot', text: 'Chat rules: be kind.', to: 'alice' }),
      chat({ kind: 'system', label: 'Announcer', text: '<strong>Announcement:</strong> stream &amp; chat <em>(mia)</em>' }),
      chat({ kind: 'system', label: 'Owncast', slug: undefined, text: 'Available chat commands:\n\n**IP Bot**\n\n- `!ip` — Shows the IP' }),
    ].map((e) => frame(createElement(ChatItemView, { item: { key: '1', t: e.t, kind: 'chat', event: e } })));
    expect(lines).toEqual([
      '[1:01] Echo Bot [bot]: alice said: hi  [31mred [0m',
      '[1:01] * Stream Tracker announces the stream is live',
      '[1:01] Commands Bot → alice (private): Chat rules: be kind.',
      '[1:01] ★ Announcement: stream & chat (mia) (system message from Announcer)',
      '[1:01] ★ Available chat commands: (system message)\n\n         **IP Bot**\n\n         - `!ip` — Shows the IP',
    ]);
  });
});

describe('panes', () => {
  it('lists the plugins with their state, strikes, calls, time and last error', () => {
    const out = frame(
      createElement(PluginsPane, {
        width: 70,
        plugins: [
          { slug: 'buggy-filter', state: 'disabled', strikes: 5, calls: 9, timeMs: 3.25, lastError: 'Error: unexpected input from mia', disabledReason: '5 consecutive failures' },
          { slug: 'echo-bot', state: 'running', strikes: 0, calls: 14, timeMs: 1234.5 },
          { slug: 'broken', state: 'failed', strikes: 0, calls: 0, timeMs: 0, lastError: 'Transform failed with 1 error' },
        ],
      }),
    );
    expect(out).toMatchInlineSnapshot(`
      "╭────────────────────────────────────────────────────────────────────╮
      │ plugins                                                            │
      │   plugin       state    strikes calls      time                    │
      │ ✖ buggy-filter disabled     5/5     9    3.3 ms                    │
      │   ↳ Error: unexpected input from mia                               │
      │ ● echo-bot     running      0/5    14    1.23 s                    │
      │ ! broken       failed       0/5     0    0.0 ms                    │
      │   ↳ Transform failed with 1 error                                  │
      ╰────────────────────────────────────────────────────────────────────╯"
    `);
  });

  it('shows the last lines of a feed, cut to the pane', () => {
    const lines = Array.from({ length: 8 }, (_, i) => ({ key: String(i), t: i * 1000, text: `line ${i} ${'x'.repeat(i * 10)}`, tone: 'normal' as const }));
    expect(frame(createElement(FeedPane, { title: 'events', lines, rows: 3, width: 40, empty: 'nothing' }))).toMatchInlineSnapshot(`
      "╭──────────────────────────────────────╮
      │ events                               │
      │ 0:05 line 5 xxxxxxxxxxxxxxxxxxxxxxx… │
      │ 0:06 line 6 xxxxxxxxxxxxxxxxxxxxxxx… │
      │ 0:07 line 7 xxxxxxxxxxxxxxxxxxxxxxx… │
      ╰──────────────────────────────────────╯"
    `);
  });

  it('says what is playing, when, how far and who you type as; and the keys', () => {
    expect(
      frame(createElement(StatusBar, { player: { paused: true, speed: 2, running: true }, now: 75_000, position: 7, total: 24, ended: false, user: userForRole('u-mod', 'mod', 'moderator') })),
    ).toBe('⏸ paused 2x · 1:15 · script 7/24 · typing as mod (moderator)');
    expect(frame(createElement(HelpBar, {}))).toBe('space pause/resume · +/- speed · s step · i type · u user · r reload · q quit');
  });
});
