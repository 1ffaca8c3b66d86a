import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { decodeFirstGoJson, goJsonString, goJsonStringSize, goTrimSpace } from '../../../src/lib/host/offthread/sql/go-json.js';
import { parseSqlRequest } from '../../../src/lib/host/offthread/sql/request.js';

interface Rejected {
  name: string;
  request: string | null;
  requestParts?: { prefix: string; repeat: { text: string; count: number }; suffix: string };
  error?: string;
  errorPrefix?: string;
}
const list = JSON.parse(readFileSync(fileURLToPath(new URL('./fixtures/sql-deny-list.json', import.meta.url)), 'utf8')) as {
  requestRejected: Rejected[];
};

const error = (raw: string) => {
  const r = parseSqlRequest(raw);
  return r.ok ? null : r.error;
};

describe('parseSqlRequest (production ParseSQLRequest)', () => {
  it.each(list.requestRejected.map((r) => [r.name, r]))('rejects %s with the production message', (_name, r) => {
    const raw = r.request ?? `${r.requestParts!.prefix}${r.requestParts!.repeat.text.repeat(r.requestParts!.repeat.count)}${r.requestParts!.suffix}`;
    const got = error(raw);
    if (r.error) expect(got).toBe(r.error);
    else expect(got?.startsWith(r.errorPrefix!)).toBe(true);
  });

  it('keeps integer parameters exact: int64 as bigint, other numbers as float64', () => {
    const r = parseSqlRequest('{"sql":"SELECT ?, ?, ?, ?, ?, ?, ?, ?","params":[1152921504606846977,-5,1.5,"x",null,true,1e2,-0]}');
    expect(r).toEqual({
      ok: true,
      request: { sql: 'SELECT ?, ?, ?, ?, ?, ?, ?, ?', params: [1152921504606846977n, -5n, 1.5, 'x', null, true, 100, 0n], maxRows: 0 },
    });
    // Past int64 it is a float64, as json.Number.Int64 fails and Float64 succeeds.
    const big = parseSqlRequest('{"sql":"SELECT ?","params":[9223372036854775808, -9223372036854775808]}');
    expect(big.ok && big.request.params).toEqual([9223372036854775808, -9223372036854775808n]);
    expect(error('{"sql":"SELECT ?","params":[-1e999]}')).toBe('SQL parameter "-1e999" is not a representable number');
    const tiny = parseSqlRequest('{"sql":"SELECT ?","params":[1e-999]}');
    expect(tiny.ok && tiny.request.params).toEqual([0]);
  });

  it('checks in production order: size, JSON, trailing data, empty, deny list, maxRows, count, types', () => {
    expect(error('{"sql":"PRAGMA x","maxRows":-1}')).toBe('PRAGMA is not available to plugins');
    expect(error('{"sql":"  ","maxRows":-1}')).toBe('SQL statement is empty');
    expect(error(`{"sql":"SELECT 1","maxRows":99999,"params":[${'[],'.repeat(65)}1]}`)).toBe('SQL maxRows must be between 0 and 10000');
    expect(error(`{"sql":"SELECT 1","params":[${'[],'.repeat(65)}1]}`)).toBe('SQL request has more than 64 parameters');
    expect(error('{"sql":"SELECT ?","params":[1e999,[1]]}')).toBe('SQL parameter "1e999" is not a representable number');
    expect(error('{"sql":"SELECT ?","params":[{},1e999]}')).toBe('SQL parameters must be null, boolean, number, or string');
    expect(error('{"sql":5} trailing')).toBe('invalid SQL request: json: cannot unmarshal number into Go struct field SQLRequest.sql of type string');
    // 64 KiB counts UTF-8 bytes, not UTF-16 units.
    expect(error(JSON.stringify({ sql: `SELECT '${'é'.repeat(32760)}'` }))).toBe('SQL request exceeds 65536 bytes');
  });

  it('words JSON failures as Go does', () => {
    expect(error('')).toBe('invalid SQL request: EOF');
    expect(error('  \n')).toBe('invalid SQL request: EOF');
    expect(error('{"sql":')).toBe('invalid SQL request: unexpected EOF');
    expect(error('junk')).toBe("invalid SQL request: invalid character 'j' looking for beginning of value");
    expect(error('{"sql":"a",}')).toBe("invalid SQL request: invalid character '}' looking for beginning of object key string");
    expect(error('{"sql" "a"}')).toBe("invalid SQL request: invalid character '\"' after object key");
    expect(error('{"sql":"a\u0001"}')).toBe("invalid SQL request: invalid character '\\x01' in string literal");
    expect(error('{"sql":"\\q"}')).toBe("invalid SQL request: invalid character 'q' in string escape code");
    expect(error('{"sql":tru}')).toBe("invalid SQL request: invalid character '}' in literal true (expecting 'e')");
    expect(error('{"maxRows":-}')).toBe("invalid SQL request: invalid character '}' in numeric literal");
    expect(error('[1,2]')).toBe('invalid SQL request: json: cannot unmarshal array into Go value of type plugins.SQLRequest');
    expect(error('{"sql":"SELECT 1","maxRows":1.5}')).toBe(
      'invalid SQL request: json: cannot unmarshal number 1.5 into Go struct field SQLRequest.maxRows of type int',
    );
    expect(error('{"sql":"SELECT 1","params":{"a":1}}')).toBe(
      'invalid SQL request: json: cannot unmarshal object into Go struct field SQLRequest.params of type []interface {}',
    );
    expect(error('{"sql":"SELECT 1"} {')).toBe('invalid SQL request: trailing data');
  });

  it('decodes like encoding/json: folded keys, last duplicate wins, null keeps the zero value, unknown keys ignored', () => {
    expect(parseSqlRequest('{"SQL":"SELECT 1","MaxRows":3,"extra":{"deep":[[[]]]}}')).toEqual({
      ok: true,
      request: { sql: 'SELECT 1', params: [], maxRows: 3 },
    });
    expect(parseSqlRequest('{"sql":"SELECT 1","sql":null,"params":[1],"params":[2,3]}')).toEqual({
      ok: true,
      request: { sql: 'SELECT 1', params: [2n, 3n], maxRows: 0 },
    });
    expect(parseSqlRequest('{"ſql":"SELECT 2"}')).toEqual({ ok: true, request: { sql: 'SELECT 2', params: [], maxRows: 0 } });
    expect(error('null')).toBe('SQL statement is empty');
  });

  it('accepts nesting up to Go\'s 10 000 levels without overflowing the stack, and refuses deeper', () => {
    const deep = (d: number) => `{"sql":"SELECT 1","x":${'['.repeat(d)}${']'.repeat(d)}}`;
    expect(parseSqlRequest(deep(9999)).ok).toBe(true);
    expect(error(deep(10000))).toBe("invalid SQL request: invalid character '[' exceeded max depth");
    expect(error(`{"sql":"SELECT ?","params":[${'['.repeat(5000)}${']'.repeat(5000)}]}`)).toBe(
      'SQL parameters must be null, boolean, number, or string',
    );
  });

  it('decodes string escapes, pairing surrogates and replacing lone ones with U+FFFD', () => {
    const s = (json: string) => {
      const v = decodeFirstGoJson(json).value;
      return v.kind === 'string' ? v.value : null;
    };
    expect(s('"\\ud83d\\ude00 \\u00e9\\n\\/"')).toBe('😀 é\n/');
    expect(s('"\\ud800x"')).toBe('\ufffdx');
    expect(s('"\\ud800\\u0041"')).toBe('\ufffdA');
    expect(s('"\\udc00"')).toBe('\ufffd');
  });

  it('trims as Go\'s strings.TrimSpace does', () => {
    expect(goTrimSpace('\u0085\u00a0 SELECT 1 \u3000')).toBe('SELECT 1');
    expect(goTrimSpace('\ufeffSELECT 1')).toBe('\ufeffSELECT 1');
  });

  it('encodes strings as json.Marshal does and counts their size without building them', () => {
    const cases = ['plain', '"\\\b\f\n\r\t', '\u0000\u001f', '<>&', '\u2028\u2029', 'é😀', '\ud800', 'x\udfffy'];
    const go = ['"plain"', '"\\"\\\\\\b\\f\\n\\r\\t"', '"\\u0000\\u001f"', '"\\u003c\\u003e\\u0026"', '"\\u2028\\u2029"', '"é😀"', '"\\ufffd"', '"x\\ufffdy"'];
    cases.forEach((c, i) => {
      expect(goJsonString(c)).toBe(go[i]);
      expect(goJsonStringSize(c)).toBe(Buffer.byteLength(go[i]!, 'utf8'));
    });
  });
});
