import { Box, Text } from 'ink';

import { formatClock } from '../simulate/duration.js';
import { cleanText } from '../simulate/text.js';
import type { FeedLine } from './store.js';
import { Toned } from './Tone.js';

/** A bordered pane with a title and the last `rows` lines of a feed (the events pane, the log pane). */
export function FeedPane({
  title,
  lines,
  rows,
  width,
  empty,
}: {
  readonly title: string;
  readonly lines: readonly FeedLine[];
  readonly rows: number;
  readonly width: number;
  readonly empty: string;
}) {
  const shown = lines.slice(-rows);
  return (
    <Box flexDirection="column" borderStyle="round" borderDimColor width={width} paddingX={1}>
      <Text bold>{title}</Text>
      {shown.length === 0 ? <Text dimColor>{empty}</Text> : null}
      {shown.map((l) => (
        <Text key={l.key} wrap="truncate-end">
          <Text dimColor>{formatClock(l.t)} </Text>
          <Toned tone={l.tone}>{cleanText(l.text, { max: 400 })}</Toned>
        </Text>
      ))}
    </Box>
  );
}
