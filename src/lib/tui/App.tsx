import { Box, useInput, useStdout } from 'ink';
import { useReducer, useRef, useSyncExternalStore } from 'react';

import type { ScriptUser } from '../simulate/script.js';
import { ChatPane } from './ChatPane.js';
import { FeedPane } from './FeedPane.js';
import { HelpBar, PICKING_KEYS, TYPING_KEYS } from './HelpBar.js';
import { PluginsPane } from './PluginsPane.js';
import { Prompt } from './Prompt.js';
import { StatusBar } from './StatusBar.js';
import type { SimStore } from './store.js';
import { UserPicker } from './UserPicker.js';

/** What the keys do to the simulation (tui/session.ts wires them to a Simulation and Player). */
export interface SimControls {
  toggle(): void;
  faster(): void;
  slower(): void;
  step(): void;
  say(text: string): void;
  chooseUser(user: ScriptUser): void;
  reload(): void;
  quit(): void;
  readonly users: readonly ScriptUser[];
}

type Mode = { name: 'normal' } | { name: 'typing'; text: string } | { name: 'picking'; selected: number };

const EVENT_ROWS = 6;
const LOG_ROWS = 3;

/** The simulator's screen: the chat (static, above), then events, plugins and log panes, the status line and the keys. */
export function SimulatorApp({ store, controls, columns }: { readonly store: SimStore; readonly controls: SimControls; readonly columns?: number }) {
  const state = useSyncExternalStore(store.subscribe, store.getState);
  // the mode lives in a ref so keys typed faster than the screen re-renders (a paste) all count
  const modeRef = useRef<Mode>({ name: 'normal' });
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const setMode = (next: Mode) => {
    modeRef.current = next;
    rerender();
  };
  const mode = modeRef.current;
  const { stdout } = useStdout();
  const width = Math.max(40, (columns ?? stdout.columns ?? 100) - 1);

  useInput((input, key) => {
    const mode = modeRef.current;
    if (key.ctrl && input === 'c') return controls.quit();
    if (mode.name === 'typing') {
      if (key.escape) return setMode({ name: 'normal' });
      if (key.return) {
        const text = mode.text.trim();
        setMode({ name: 'normal' });
        if (text) controls.say(text);
        return;
      }
      if (key.backspace || key.delete) return setMode({ name: 'typing', text: mode.text.slice(0, -1) });
      if (input && !key.ctrl && !key.meta) setMode({ name: 'typing', text: mode.text + input.replace(/[\r\n]/g, ' ') });
      return;
    }
    if (mode.name === 'picking') {
      const users = controls.users;
      const choose = (i: number) => {
        const user = users[i];
        if (user) controls.chooseUser(user);
        setMode({ name: 'normal' });
      };
      if (key.escape) return setMode({ name: 'normal' });
      if (key.return) return choose(mode.selected);
      if (key.upArrow) return setMode({ name: 'picking', selected: (mode.selected + users.length - 1) % users.length });
      if (key.downArrow || input === 'u') return setMode({ name: 'picking', selected: (mode.selected + 1) % users.length });
      if (/^[1-9]$/.test(input)) return choose(Number(input) - 1);
      return;
    }
    switch (input) {
      case ' ':
        return controls.toggle();
      case '+':
      case '=':
        return controls.faster();
      case '-':
      case '_':
        return controls.slower();
      case 's':
        return controls.step();
      case 'i':
        return setMode({ name: 'typing', text: '' });
      case 'u':
        return setMode({ name: 'picking', selected: Math.max(0, controls.users.findIndex((u) => u.id === state.user.id)) });
      case 'r':
        return controls.reload();
      case 'q':
        return controls.quit();
    }
  });

  const side = width >= 110;
  const half = side ? Math.floor(width / 2) : width;
  return (
    <Box flexDirection="column" width={width}>
      <ChatPane items={state.items} generation={state.generation} onPrinted={store.printed} />
      <Box flexDirection={side ? 'row' : 'column'}>
        <FeedPane title="events" lines={state.events} rows={EVENT_ROWS} width={half} empty="nothing yet" />
        <PluginsPane plugins={state.plugins} width={side ? width - half : width} />
      </Box>
      <FeedPane title="log" lines={state.logs} rows={LOG_ROWS} width={width} empty="no log lines yet" />
      <StatusBar player={state.player} now={state.now} position={state.position} total={state.total} ended={state.ended} user={state.user} />
      {mode.name === 'typing' ? <Prompt user={state.user} text={mode.text} /> : null}
      {mode.name === 'picking' ? <UserPicker users={controls.users} selected={mode.selected} /> : null}
      <HelpBar keys={mode.name === 'typing' ? TYPING_KEYS : mode.name === 'picking' ? PICKING_KEYS : undefined} />
    </Box>
  );
}
