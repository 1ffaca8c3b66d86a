// Writing small wasm modules byte by byte: LEB128 numbers, names, vectors, sections, function
// types. For the hand-assembled plugin.wasm files tests need (binaryen would do it from
// text, but importing binaryen.js costs tens of seconds on a loaded two-core machine).

export const I32 = 0x7f;
export const I64 = 0x7e;

import { uleb128 as uleb } from '../../src/lib/engine/wasm-sections.js';

export { uleb };

export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

export const name = (text: string): number[] => {
  const bytes = [...Buffer.from(text)];
  return [...uleb(bytes.length), ...bytes];
};
export const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
export const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
export const funcType = (params: number[], results: number[]): number[] => [0x60, ...uleb(params.length), ...params, ...uleb(results.length), ...results];
