import { Box, Text } from 'ink';

import { STRIKES_TO_DISABLE, type SimPluginStats } from '../simulate/events.js';
import { cleanText } from '../simulate/text.js';

const STATE: Record<SimPluginStats['state'], { glyph: string; color: string }> = {
  running: { glyph: '●', color: 'green' },
  disabled: { glyph: '✖', color: 'red' },
  failed: { glyph: '!', color: 'red' },
};

/** Every plugin: running or auto-disabled, strikes, calls, time spent and its last error. */
export function PluginsPane({ plugins, width }: { readonly plugins: readonly SimPluginStats[]; readonly width: number }) {
  const slugWidth = Math.max(6, ...plugins.map((p) => p.slug.length));
  return (
    <Box flexDirection="column" borderStyle="round" borderDimColor width={width} paddingX={1}>
      <Text bold>plugins</Text>
      <Text dimColor wrap="truncate-end">
        {'  '}
        {'plugin'.padEnd(slugWidth)} {'state'.padEnd(8)} strikes {'calls'.padStart(5)} {'time'.padStart(9)}
      </Text>
      {plugins.map((p, i) => (
        <Box key={`${p.slug}-${i}`} flexDirection="column">
          <Text wrap="truncate-end">
            <Text color={STATE[p.state].color}>{STATE[p.state].glyph} </Text>
            {(p.slug || '?').padEnd(slugWidth)} <Text color={STATE[p.state].color}>{p.state.padEnd(8)}</Text>{' '}
            <Text color={p.strikes > 0 ? 'yellow' : undefined}>{`${p.strikes}/${STRIKES_TO_DISABLE}`.padStart(7)}</Text> {String(p.calls).padStart(5)}{' '}
            {formatMs(p.timeMs).padStart(9)}
          </Text>
          {p.lastError ? (
            <Text color="red" wrap="truncate-end">
              {'  ↳ '}
              {cleanText(p.lastError, { max: 300 })}
            </Text>
          ) : null}
        </Box>
      ))}
    </Box>
  );
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`;
}
