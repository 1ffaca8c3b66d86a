// JSON helpers shared by the properties: whether a finding's pointer names a value of the
// document as written, and where a 1-based line:column falls in the text.
import type { JsonNode } from '../../../src/lib/manifest/json.js';

/**
 * Whether an RFC 6901 pointer names a value of the document as written: with duplicate keys,
 * any member of that name may be the one meant (the tree is the project's own parser's, which
 * test/fuzz/manifest.test.ts checks against JSON.parse).
 */
export function pointerExists(node: JsonNode | undefined, pointer: string): boolean {
  if (node === undefined) return false;
  if (pointer === '') return true;
  const slash = pointer.indexOf('/', 1);
  const raw = slash < 0 ? pointer.slice(1) : pointer.slice(1, slash);
  const rest = slash < 0 ? '' : pointer.slice(slash);
  const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
  if (node.type === 'array') return /^\d+$/.test(token) && pointerExists(node.items[Number(token)], rest);
  if (node.type === 'object') return node.members.some((m) => m.key === token && pointerExists(m.value, rest));
  return false;
}

/** The offset of a 1-based line and column in `text`. */
export function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) offset = text.indexOf('\n', offset) + 1;
  return offset + column - 1;
}

/** First characters a JSON value (or an object key) can start with. */
export const VALUE_START = new Set([...'{["-0123456789tfn']);
