import { Static } from 'ink';
import { useLayoutEffect } from 'react';

import { ChatItemView } from './ChatItemView.js';
import type { ChatItem } from './store.js';

/**
 * The chat as Owncast would show it, each message with its path through the filters. Items
 * are finished when they arrive, so they go into <Static>: printed once above the live panes
 * and never re-rendered, however long the stream runs.
 */
export function ChatPane({
  items,
  generation,
  onPrinted,
}: {
  readonly items: readonly ChatItem[];
  readonly generation: number;
  readonly onPrinted?: (generation: number, count: number) => void;
}) {
  useLayoutEffect(() => onPrinted?.(generation, items.length), [onPrinted, generation, items.length]);
  return (
    <Static key={generation} items={items as ChatItem[]}>
      {(item) => <ChatItemView key={item.key} item={item} />}
    </Static>
  );
}
