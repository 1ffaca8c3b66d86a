// A self-contained plugin.wasm as another toolchain might produce one: no QuickJS, no
// interrupt handler, nothing the engine's deadline can reach. Its register() answers the
// registration JSON through Extism's kernel (alloc, store_u8, output_set, log_info: its only
// imports), and its on_http_request() says so in the log and then runs `loop { }`. Only
// ending its thread stops it.
//
// Assembled here byte by byte: binaryen would do it from text, but importing binaryen.js
// costs tens of seconds on a loaded two-core machine.

import { I32, I64, uleb, sleb, name, vec, section, funcType } from '../../helpers/wasm-bytes.js';

/** What on_http_request logs (info) just before it starts spinning. */
export const SPINNING = 'spinning now';

/**
 * A plugin.wasm whose register() returns `registration` and whose on_http_request() logs
 * SPINNING and never returns.
 */
export function stuckPluginWasm(registration: { slug: string; name: string; version: string }): Uint8Array {
  const json = [...Buffer.from(JSON.stringify(registration))];
  const spinning = [...Buffer.from(SPINNING)];
  const len = json.length;

  const types = section(
    1,
    vec([
      funcType([I64], [I64]), // 0 alloc
      funcType([I64, I32], []), // 1 store_u8
      funcType([I64, I64], []), // 2 output_set
      funcType([I64], []), // 3 log_info
      funcType([I32, I32], [I64]), // 4 block(offset, length)
      funcType([], [I32]), // 5 an export
    ]),
  );
  const kernel = (fn: string, type: number) => [...name('extism:host/env'), ...name(fn), 0x00, type];
  // imported functions 0-3
  const imports = section(2, vec([kernel('alloc', 0), kernel('store_u8', 1), kernel('output_set', 2), kernel('log_info', 3)]));
  // defined functions: 4 block, 5 register, 6 on_http_request
  const functions = section(3, vec([[4], [5], [5]]));
  const memory = section(5, vec([[0x00, 1]]));
  const exports = section(
    7,
    vec([
      [...name('memory'), 0x02, 0],
      [...name('register'), 0x00, 5],
      [...name('on_http_request'), 0x00, 6],
    ]),
  );

  // block(offset, length): copies linear memory into a new Extism block and returns its address.
  // params 0 offset, 1 length; locals 2 address (i64), 3 index (i32)
  const block = [
    ...vec([[1, I64], [1, I32]]),
    0x20, 1, 0xad, 0x10, 0, 0x21, 2, // address = alloc(i64(length))
    0x02, 0x40, 0x03, 0x40, // block, loop
    0x20, 3, 0x20, 1, 0x4f, 0x0d, 1, // if (index >= length) break
    0x20, 2, 0x20, 3, 0xad, 0x7c, // address + i64(index)
    0x20, 0, 0x20, 3, 0x6a, 0x2d, 0, 0, // i32.load8_u(offset + index)
    0x10, 1, // store_u8
    0x20, 3, 0x41, 1, 0x6a, 0x21, 3, // index++
    0x0c, 0, 0x0b, 0x0b, // continue; end loop; end block
    0x20, 2, 0x0b, // return address
  ];
  // register: output_set(block(0, len), len); return 0
  const register = [...vec([]), 0x41, 0, 0x41, ...sleb(len), 0x10, 4, 0x42, ...sleb(len), 0x10, 2, 0x41, 0, 0x0b];
  // on_http_request: log_info(block(len, spinning.length)); loop { br 0 } — it never ends
  const spin = [...vec([]), 0x41, ...sleb(len), 0x41, ...sleb(spinning.length), 0x10, 4, 0x10, 3, 0x03, 0x40, 0x0c, 0, 0x0b, 0x00, 0x0b];
  const body = (code: number[]) => [...uleb(code.length), ...code];
  const code = section(10, vec([body(block), body(register), body(spin)]));
  const data = section(11, vec([[0x00, 0x41, 0, 0x0b, ...uleb(len + spinning.length), ...json, ...spinning]]));

  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...types, ...imports, ...functions, ...memory, ...exports, ...code, ...data]);
}
