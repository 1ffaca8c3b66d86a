import { Box, Text } from 'ink';

import type { ScriptUser } from '../simulate/script.js';

/** Who to type as: the script's cast and a viewer, a moderator and an anonymous user of your own. */
export function UserPicker({ users, selected }: { readonly users: readonly ScriptUser[]; readonly selected: number }) {
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="cyan" paddingX={1}>
      <Text bold>type as…</Text>
      {users.map((u, i) => (
        <Text key={u.id} inverse={i === selected}>
          {i < 9 ? `${i + 1}` : ' '} {u.displayName} <Text dimColor>({u.role}{u.scopes.length > 0 ? `: ${u.scopes.join(', ')}` : ''})</Text>
        </Text>
      ))}
    </Box>
  );
}
