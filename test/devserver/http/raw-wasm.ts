// A self-contained plugin.wasm as another toolchain might produce one, whose on_http_request
// answers a fixed output: the only way to put on the wire what our SDK never writes (output
// that is not JSON, both body and bodyBase64, status 0). Its imports are Extism's kernel only
// (alloc, store_u8, output_set). Assembled byte by byte, as test/host's stuck plugin is.

import { I32, I64, uleb, sleb, name, vec, section, funcType } from '../../helpers/wasm-bytes.js';

/** A plugin.wasm whose register() answers `registration` and whose on_http_request() outputs `output` verbatim. */
export function fixedOutputPluginWasm(registration: { slug: string; name: string; version: string }, output: string): Uint8Array {
  const json = [...Buffer.from(JSON.stringify(registration))];
  const answer = [...Buffer.from(output)];
  const len = json.length;

  const types = section(
    1,
    vec([
      funcType([I64], [I64]), // 0 alloc
      funcType([I64, I32], []), // 1 store_u8
      funcType([I64, I64], []), // 2 output_set
      funcType([I32, I32], [I64]), // 3 block(offset, length)
      funcType([], [I32]), // 4 an export
    ]),
  );
  const kernel = (fn: string, type: number) => [...name('extism:host/env'), ...name(fn), 0x00, type];
  // imported functions 0-2
  const imports = section(2, vec([kernel('alloc', 0), kernel('store_u8', 1), kernel('output_set', 2)]));
  // defined functions: 3 block, 4 register, 5 on_http_request
  const functions = section(3, vec([[3], [4], [4]]));
  const memory = section(5, vec([[0x00, 1]]));
  const exports = section(
    7,
    vec([
      [...name('memory'), 0x02, 0],
      [...name('register'), 0x00, 4],
      [...name('on_http_request'), 0x00, 5],
    ]),
  );
  // block(offset, length): copies linear memory into a new Extism block and returns its address.
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
  // output_set(block(offset, length), length); return 0
  const emit = (offset: number, length: number) => [
    ...vec([]),
    0x41, ...sleb(offset), 0x41, ...sleb(length), 0x10, 3, 0x42, ...sleb(length), 0x10, 2, 0x41, 0, 0x0b,
  ];
  const body = (code: number[]) => [...uleb(code.length), ...code];
  const code = section(10, vec([body(block), body(emit(0, len)), body(emit(len, answer.length))]));
  const data = section(11, vec([[0x00, 0x41, 0, 0x0b, ...uleb(len + answer.length), ...json, ...answer]]));

  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...types, ...imports, ...functions, ...memory, ...exports, ...code, ...data]);
}
