import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { LOG_TRUNCATION_SUFFIX, MAX_PLUGIN_LOG_MESSAGE_BYTES, sanitizePluginLogMessage } from '../../../src/lib/host/functions/index.js';
import { decode, encodeStruct, WIRE } from '../../../src/lib/host/functions/wire.js';

const conformanceFile = fileURLToPath(new URL('../../../../shared/conformance/plugin-logs.json', import.meta.url));

interface Repeat {
  repeat: string;
  count: number;
  then?: string;
}
interface LogExample {
  from: string;
  input?: string | Repeat;
  inputHex?: string;
  expected?: string | Repeat;
  expectedBytes?: number;
  expectedEndsWith?: string;
}

const expand = (v: string | Repeat) => (typeof v === 'string' ? v : v.repeat.repeat(v.count) + (v.then ?? ''));

describe('sanitizePluginLogMessage (production sanitizePluginLogMessage)', () => {
  it.skipIf(!existsSync(conformanceFile))('passes every example of conformance/plugin-logs.json', () => {
    const spec = JSON.parse(readFileSync(conformanceFile, 'utf8')) as {
      maxMessageBytes: number;
      truncationSuffix: string;
      examples: LogExample[];
    };
    expect(MAX_PLUGIN_LOG_MESSAGE_BYTES).toBe(spec.maxMessageBytes);
    expect(LOG_TRUNCATION_SUFFIX).toBe(spec.truncationSuffix);
    expect(spec.examples.length).toBeGreaterThan(0);
    for (const ex of spec.examples) {
      const input = ex.inputHex !== undefined ? new Uint8Array(Buffer.from(ex.inputHex, 'hex')) : expand(ex.input!);
      const out = sanitizePluginLogMessage(input);
      if (ex.expected !== undefined) expect(out, ex.from).toBe(expand(ex.expected));
      if (ex.expectedBytes !== undefined) expect(Buffer.byteLength(out), ex.from).toBe(ex.expectedBytes);
      if (ex.expectedEndsWith !== undefined) expect(out.endsWith(ex.expectedEndsWith), ex.from).toBe(true);
    }
  });

  it('deletes invalid UTF-8 outright (no U+FFFD) and keeps a real U+FFFD', () => {
    expect(sanitizePluginLogMessage(new Uint8Array(Buffer.from('6c696e650aff74776f', 'hex')))).toBe('line two');
    expect(sanitizePluginLogMessage(new Uint8Array([0x61, 0xed, 0xa0, 0x80, 0x62]))).toBe('ab'); // a surrogate is invalid
    expect(sanitizePluginLogMessage(new Uint8Array([0x61, 0xc0, 0xaf, 0x62]))).toBe('ab'); // overlong
    expect(sanitizePluginLogMessage(new Uint8Array([0xf4, 0x90, 0x80, 0x80]))).toBe(''); // past U+10FFFF
    expect(sanitizePluginLogMessage('\ufffd ok')).toBe('\ufffd ok');
  });

  it('bounds work before normalisation: 4 Mi newlines become 4084 spaces and the suffix', () => {
    const out = sanitizePluginLogMessage(new Uint8Array(4 * 1024 * 1024).fill(0x0a));
    expect(out).toBe(' '.repeat(4084) + ' [truncated]');
  });

  it('a C1 control (2 bytes) becomes a 1-byte space, so a cut message can come out shorter', () => {
    const out = sanitizePluginLogMessage('\u0085'.repeat(3000));
    expect(out).toBe(' '.repeat(2042) + ' [truncated]');
  });
});

describe('wire encoding (Go json.Marshal of the production structs)', () => {
  it('keeps Go field order, omits empty omitempty fields, keeps the others at their zero value', () => {
    expect(encodeStruct(WIRE.StreamInfo, { viewers: 3, online: true, title: '' })).toBe('{"online":true,"viewers":3}');
    expect(encodeStruct(WIRE.StreamInfo, {})).toBe('{"online":false,"viewers":0}');
    expect(encodeStruct(WIRE.HostChatClient, { messageCount: 2, id: 2n ** 63n + 5n })).toBe('{"id":9223372036854775813,"messageCount":2}');
    expect(encodeStruct(WIRE.HostChatMessage, { id: 'm', body: 'b', timestamp: 't', user: null })).toBe('{"id":"m","body":"b","timestamp":"t"}');
    expect(encodeStruct(WIRE.HostChatMessage, { id: 'm', user: { displayName: 'a', id: 'u', isBot: false }, body: '', timestamp: '' })).toBe(
      '{"id":"m","user":{"id":"u","displayName":"a"},"body":"","timestamp":""}',
    );
  });

  it('decodes like Go: case-insensitive keys, unknown keys ignored, null leaves the field, wrong types fail', () => {
    expect(decode('{"AUTHID":"a","extra":1,"displayName":null}', { struct: WIRE.UserRegisterRequest })).toEqual({ ok: true, value: { authId: 'a' } });
    expect(decode('{"authId":"a","authId":null}', { struct: WIRE.UserRegisterRequest })).toEqual({ ok: true, value: { authId: 'a' } });
    expect(decode('[]', { struct: WIRE.UserRegisterRequest })).toEqual({
      ok: false,
      error: 'json: cannot unmarshal array into Go value of type plugins.UserRegisterRequest',
    });
    expect(decode('{"scopes":"MODERATOR"}', { struct: WIRE.UserRegisterRequest })).toEqual({
      ok: false,
      error: 'json: cannot unmarshal string into Go struct field UserRegisterRequest.scopes of type []string',
    });
    expect(decode('{"ttl":1e3}', { struct: WIRE.GrantSessionRequest })).toEqual({
      ok: false,
      error: 'json: cannot unmarshal number 1e3 into Go struct field GrantSessionRequest.ttl of type int64',
    });
    expect(decode('', { struct: WIRE.GrantSessionRequest })).toEqual({ ok: false, error: 'unexpected end of JSON input' });
    expect(decode('{} x', { struct: WIRE.GrantSessionRequest })).toEqual({ ok: false, error: "invalid character 'x' after top-level value" });
  });

  it('folds keys as Go does (simple case folding): ſ (U+017F) is an s and K (U+212A, Kelvin) a k, and nothing else folds into a field', () => {
    expect(decode('{"\u017fcope\u017f":["MODERATOR"],"authId":"a"}', { struct: WIRE.UserRegisterRequest })).toEqual({
      ok: true,
      value: { scopes: ['MODERATOR'], authId: 'a' },
    });
    expect(decode('{"AUTHID":"x","\u017fCOPES":["A"]}', { struct: WIRE.UserRegisterRequest })).toEqual({ ok: true, value: { authId: 'x', scopes: ['A'] } });
    expect(decode('{"type":"t","body":"b","LIN\u212a":"https://x"}', { struct: WIRE.FediversePayload })).toEqual({
      ok: true,
      value: { type: 't', body: 'b', link: 'https://x' },
    });
    // the type error names the field the folded key matched
    expect(decode('{"ttl":1,"u\u017ferId":5}', { struct: WIRE.GrantSessionRequest })).toEqual({
      ok: false,
      error: 'json: cannot unmarshal number into Go struct field GrantSessionRequest.userId of type string',
    });
    // look-alikes that fold to no ASCII letter are other keys: ignored
    expect(decode('{"\u0455copes":["A"],"aut\u04bbId":"a","\u0130d":"x"}', { struct: WIRE.UserRegisterRequest })).toEqual({ ok: true, value: {} });
  });
});
