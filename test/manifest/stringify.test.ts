// stringifyJson (src/lib/manifest/json.ts): JSON.stringify's text at any depth, the one writer for
// values that may nest as deep as JSON allows (the dispatcher's payloads, scenario http bodies).
// The iterative walk is checked against the native JSON.stringify itself, on generated values
// that include what JSON.stringify treats specially.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { parseJson, stringifyJson, stringifyJsonIteratively, toPlainValue } from '../../src/lib/manifest/json.js';

/** Values with everything JSON.stringify handles specially, nested a few levels. */
const awkward = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(
      fc.string({ unit: 'binary' }), // lone surrogates, controls, quotes
      fc.double(), // NaN, ±Infinity, -0
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
      fc.constant(() => 1),
      fc.constant(Symbol('s')),
      fc.date({ noInvalidDate: false }), // toJSON, and an invalid date's null
      fc.string().map((s) => new String(s)),
      fc.double().map((n) => new Number(n)),
      fc.boolean().map((b) => new Boolean(b)),
    ),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.sparseArray(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.string({ unit: 'binary', maxLength: 4 }), tie('value'), { maxKeys: 5 }),
    tie('value').map((v) => ({ toJSON: (key: string) => ({ key, v }) })),
    fc.dictionary(fc.constantFrom('0', '1', '10', 'a', '__proto__', 'b'), tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('stringifyJson', () => {
  it('writes what JSON.stringify writes, for any value (iteratively)', () => {
    fc.assert(
      fc.property(awkward, (value) => {
        expect(stringifyJsonIteratively(value)).toBe(JSON.stringify(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('throws where JSON.stringify throws: a BigInt, a cycle (also one reached through toJSON)', () => {
    const cyclic: Record<string, unknown> = { a: [1] };
    (cyclic.a as unknown[]).push(cyclic);
    const viaToJson = { toJSON: () => viaToJson2 };
    const viaToJson2: Record<string, unknown> = { x: 1 };
    viaToJson2.self = viaToJson;
    for (const v of [{ n: 1n }, [2n], cyclic, viaToJson]) {
      expect(() => JSON.stringify(v)).toThrow(TypeError);
      expect(() => stringifyJsonIteratively(v)).toThrow(TypeError);
      expect(() => stringifyJson(v)).toThrow(TypeError);
    }
    // the same object twice, not inside itself, is no cycle
    const shared = { s: 1 };
    expect(stringifyJsonIteratively({ a: shared, b: [shared, shared] })).toBe('{"a":{"s":1},"b":[{"s":1},{"s":1}]}');
  });

  it('is undefined where JSON.stringify is, and calls toJSON with the key', () => {
    for (const v of [undefined, () => 1, Symbol('x'), { toJSON: () => undefined }]) expect(stringifyJsonIteratively(v)).toBeUndefined();
    const seen: string[] = [];
    const probe = { toJSON: (key: string) => (seen.push(key), key) };
    expect(stringifyJsonIteratively({ a: probe, b: [probe] })).toBe('{"a":"a","b":["0"]}');
    expect(seen).toEqual(['a', '0']);
  });

  it('writes values nested past the native stack: 9 999 and 100 001 levels', () => {
    for (const depth of [4_999, 50_000]) {
      let value: unknown = ['x', 1.5, null, undefined];
      for (let i = 0; i < depth; i++) value = { a: [value], skipped: undefined };
      expect(() => JSON.stringify(value)).toThrow(RangeError);
      const text = stringifyJson(value)!;
      expect(text).toBe(`${'{"a":['.repeat(depth)}["x",1.5,null,null]${']}'.repeat(depth)}`);
      // and the Go-style parser reads it back (9 999 levels: within its 10 000)
      if (depth === 4_999) expect(toPlainValue(parseJson(text))).toBeTruthy();
    }
  });
});
