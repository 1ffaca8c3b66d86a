// ParseSQLRequest: the checks production runs on every storage.sql request, in its order
// (size, JSON, trailing data, empty statement, deny list, maxRows, parameter count,
// parameter types), with its messages, before anything reaches SQLite.

import { goFoldKey } from '../../../manifest/json.js';
import { deniedSqlReason } from './deny.js';
import { decodeFirstGoJson, goTrimSpace, GoJsonSyntaxError, hasTrailingData, wellFormed, type GoJson } from './go-json.js';
import { MAX_SQL_PARAMS, MAX_SQL_REQUEST_BYTES, MAX_SQL_ROWS } from './limits.js';

/**
 * A bound value. Integral JSON numbers are int64 and stay exact as bigint (a JS number would
 * round past 2^53 and bind as REAL); other numbers are float64.
 */
export type SqlParam = null | boolean | number | bigint | string;

export interface SqlRequest {
  /** Trimmed, non-empty, passed the deny list. */
  sql: string;
  params: SqlParam[];
  /** 0 = no caller limit (more than 10 000 rows is an error); 1..10000 = at most that many. */
  maxRows: number;
}

export type ParsedSqlRequest = { ok: true; request: SqlRequest } | { ok: false; error: string };

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** json.Number.Int64: only integer syntax, only in range. */
function int64(raw: string): bigint | null {
  if (!/^-?\d+$/.test(raw)) return null;
  const v = BigInt(raw);
  return v < INT64_MIN || v > INT64_MAX ? null : v;
}

const GO_KIND: Record<GoJson['kind'], string> = {
  object: 'object',
  array: 'array',
  string: 'string',
  number: 'number',
  bool: 'bool',
  null: 'null',
};

// The request struct's fields as Go's decoder matches them: exact key first, then folded.
const FIELDS = ['sql', 'params', 'maxRows'] as const;
type Field = (typeof FIELDS)[number];
function fieldFor(key: string): Field | null {
  for (const f of FIELDS) if (key === f) return f;
  const folded = goFoldKey(key);
  for (const f of FIELDS) if (folded === f.toLowerCase()) return f;
  return null;
}

class UnmarshalError extends Error {}

const typeError = (value: string, field: Field | null, type: string) =>
  new UnmarshalError(
    field
      ? `json: cannot unmarshal ${value} into Go struct field SQLRequest.${field} of type ${type}`
      : `json: cannot unmarshal ${value} into Go value of type ${type}`,
  );

interface Decoded {
  sql: string;
  params: GoJson[];
  maxRows: number;
}

/** json.Unmarshal into SQLRequest: unknown keys ignored, null keeps the zero value, last key wins, first type error reported. */
function unmarshal(root: GoJson): Decoded {
  const out: Decoded = { sql: '', params: [], maxRows: 0 };
  if (root.kind === 'null') return out;
  if (root.kind !== 'object') throw typeError(GO_KIND[root.kind], null, 'plugins.SQLRequest');
  let first: UnmarshalError | null = null;
  const save = (e: UnmarshalError) => void (first ??= e);
  for (const [key, value] of root.entries) {
    const field = fieldFor(key);
    if (!field || value.kind === 'null') {
      if (field === 'params') out.params = [];
      continue;
    }
    if (field === 'sql') {
      if (value.kind === 'string') out.sql = value.value;
      else save(typeError(GO_KIND[value.kind], field, 'string'));
    } else if (field === 'params') {
      if (value.kind === 'array') out.params = value.items;
      else save(typeError(GO_KIND[value.kind], field, '[]interface {}'));
    } else if (value.kind === 'number') {
      const n = int64(value.raw);
      if (n === null) save(typeError(`number ${value.raw}`, field, 'int'));
      else out.maxRows = Number(n);
    } else save(typeError(GO_KIND[value.kind], field, 'int'));
  }
  if (first) throw first;
  return out;
}

function paramValue(v: GoJson): SqlParam | { error: string } {
  switch (v.kind) {
    case 'null':
      return null;
    case 'bool':
    case 'string':
      return v.value;
    case 'number': {
      const n = int64(v.raw);
      if (n !== null) return n;
      const f = Number(v.raw);
      // Go's ParseFloat fails on overflow; underflow is 0 in both.
      if (!Number.isFinite(f)) return { error: `SQL parameter ${JSON.stringify(v.raw)} is not a representable number` };
      return f;
    }
    default:
      return { error: 'SQL parameters must be null, boolean, number, or string' };
  }
}

/** Decodes and validates a plugin's SQL request JSON; errors are the text production returns. */
export function parseSqlRequest(raw: string): ParsedSqlRequest {
  // Counted as UTF-8, an unpaired surrogate as the 3 bytes of U+FFFD, before any other work.
  if (Buffer.byteLength(raw, 'utf8') > MAX_SQL_REQUEST_BYTES) {
    return { ok: false, error: `SQL request exceeds ${MAX_SQL_REQUEST_BYTES} bytes` };
  }
  const text = wellFormed(raw);
  let decoded: Decoded;
  try {
    const { value, end } = decodeFirstGoJson(text);
    decoded = unmarshal(value);
    if (hasTrailingData(text, end)) return { ok: false, error: 'invalid SQL request: trailing data' };
  } catch (err) {
    if (err instanceof GoJsonSyntaxError || err instanceof UnmarshalError) {
      return { ok: false, error: `invalid SQL request: ${err.message}` };
    }
    throw err;
  }
  const sql = goTrimSpace(decoded.sql);
  if (sql === '') return { ok: false, error: 'SQL statement is empty' };
  const denied = deniedSqlReason(sql);
  if (denied) return { ok: false, error: denied };
  if (decoded.maxRows < 0 || decoded.maxRows > MAX_SQL_ROWS) {
    return { ok: false, error: `SQL maxRows must be between 0 and ${MAX_SQL_ROWS}` };
  }
  if (decoded.params.length > MAX_SQL_PARAMS) {
    return { ok: false, error: `SQL request has more than ${MAX_SQL_PARAMS} parameters` };
  }
  const params: SqlParam[] = [];
  for (const p of decoded.params) {
    const v = paramValue(p);
    if (v !== null && typeof v === 'object') return { ok: false, error: v.error };
    params.push(v);
  }
  return { ok: true, request: { sql, params, maxRows: decoded.maxRows } };
}
