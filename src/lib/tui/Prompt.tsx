import { Text } from 'ink';

import type { ScriptUser } from '../simulate/script.js';

/** The line being typed, as the chosen user. */
export function Prompt({ user, text }: { readonly user: ScriptUser; readonly text: string }) {
  return (
    <Text>
      <Text color="cyan" bold>
        {user.displayName}&gt;
      </Text>{' '}
      {text}
      <Text inverse> </Text>
    </Text>
  );
}
