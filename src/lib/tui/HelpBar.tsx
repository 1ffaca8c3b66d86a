import { Text } from 'ink';

const KEYS: [string, string][] = [
  ['space', 'pause/resume'],
  ['+/-', 'speed'],
  ['s', 'step'],
  ['i', 'type'],
  ['u', 'user'],
  ['r', 'reload'],
  ['q', 'quit'],
];

/** The keys, always on screen. */
export function HelpBar({ keys = KEYS }: { readonly keys?: readonly [string, string][] }) {
  return (
    <Text wrap="truncate-end">
      {keys.map(([key, what], i) => (
        <Text key={key}>
          {i > 0 ? <Text dimColor> · </Text> : null}
          <Text bold>{key}</Text> <Text dimColor>{what}</Text>
        </Text>
      ))}
    </Text>
  );
}

export const TYPING_KEYS: [string, string][] = [
  ['enter', 'send'],
  ['esc', 'cancel'],
];

export const PICKING_KEYS: [string, string][] = [
  ['↑/↓', 'move'],
  ['enter', 'choose'],
  ['1-9', 'pick'],
  ['esc', 'cancel'],
];
