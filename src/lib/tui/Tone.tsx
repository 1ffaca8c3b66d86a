import { Text, type TextProps } from 'ink';
import type { ReactNode } from 'react';

import type { Tone } from './describe.js';

const STYLE: Record<Tone, TextProps> = {
  normal: {},
  dim: { dimColor: true },
  good: { color: 'green' },
  warn: { color: 'yellow' },
  error: { color: 'red' },
  accent: { color: 'cyan' },
};

/** Text in a semantic tone: the components say what a line is, this says how it looks. */
export function Toned({ tone, children, wrap }: { readonly tone: Tone; readonly children: ReactNode; readonly wrap?: TextProps['wrap'] }) {
  return (
    <Text {...STYLE[tone]} wrap={wrap}>
      {children}
    </Text>
  );
}
