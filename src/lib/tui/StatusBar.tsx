import { Box, Text } from 'ink';

import { formatClock } from '../simulate/duration.js';
import type { PlayerState } from '../simulate/player.js';
import type { ScriptUser } from '../simulate/script.js';

/** Play state, speed, the simulated clock, how far into the script, and who you type as. */
export function StatusBar({
  player,
  now,
  position,
  total,
  ended,
  user,
}: {
  readonly player: PlayerState;
  readonly now: number;
  readonly position: number;
  readonly total: number;
  readonly ended: boolean;
  readonly user: ScriptUser;
}) {
  return (
    <Box>
      <Text wrap="truncate-end">
        {player.paused ? <Text color="yellow">⏸ paused</Text> : <Text color="green">▶ playing</Text>}
        <Text> {player.speed}x</Text>
        <Text dimColor> · </Text>
        <Text>{formatClock(now)}</Text>
        <Text dimColor> · </Text>
        <Text>{ended ? 'script finished' : `script ${position}/${total}`}</Text>
        <Text dimColor> · </Text>
        <Text>
          typing as <Text bold>{user.displayName}</Text> ({user.role})
        </Text>
      </Text>
    </Box>
  );
}
