// The SQL a plugin may never run, decided on the text before it reaches SQLite. Production
// refuses the same statements in every host with the same words (sqldenied.go; the tests
// check every entry of the shared conformance file sql-deny-list.json), so a plugin whose
// tests pass locally is not refused on a real server. It is a parity check, not the boundary: the
// runner also configures SQLite so that what better-sqlite3 lets us close stays closed.

import { goToLower, goTrimSpace } from './go-json.js';

const TRANSACTION_CONTROL = 'transaction control is not available to plugins';
const TEMP_OBJECTS = 'temporary tables, indexes, views, and triggers are not available to plugins';
const TEMP_SCHEMA = 'the temp schema is not available to plugins';

/** Keywords a statement may not begin with (after an optional EXPLAIN [QUERY PLAN]). */
const DENIED_HEADS: ReadonlyMap<string, string> = new Map([
  ['pragma', 'PRAGMA is not available to plugins'],
  ['attach', 'ATTACH is not available to plugins'],
  ['detach', 'DETACH is not available to plugins'],
  ['vacuum', 'VACUUM is not available to plugins'],
  // The host owns every call's commit or rollback.
  ['begin', TRANSACTION_CONTROL],
  ['commit', TRANSACTION_CONTROL],
  ['end', TRANSACTION_CONTROL],
  ['rollback', TRANSACTION_CONTROL],
  ['savepoint', TRANSACTION_CONTROL],
  ['release', TRANSACTION_CONTROL],
]);

/** Names of the temp schema that need no TEMP keyword. */
const DENIED_IDENTIFIERS: ReadonlyMap<string, string> = new Map([
  ['sqlite_temp_master', TEMP_SCHEMA],
  ['sqlite_temp_schema', TEMP_SCHEMA],
]);

/** Functions that may not be called (a name followed by an opening parenthesis). */
const DENIED_FUNCTIONS: ReadonlyMap<string, string> = new Map([['load_extension', 'load_extension is not available to plugins']]);

/** One word of SQL as the rules see it; comments and string literals never become tokens. */
export interface SqlToken {
  /** Lower-cased keyword or identifier (delimited identifiers without their quotes). */
  text: string;
  /** A `;`. */
  terminator: boolean;
  /** Followed by `.`: a schema or table qualifier. */
  qualifier: boolean;
  /** Followed by `(`: a function call. */
  call: boolean;
  /** Written as "x", [x] or `x`. */
  quoted: boolean;
  /** Code-point offsets of the token in the statement (for splitting). */
  start: number;
  end: number;
}

const isWordChar = (c: string) =>
  c === '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');

function skipLineComment(cps: string[], i: number): number {
  while (i < cps.length && cps[i] !== '\n') i++;
  return i;
}

function skipBlockComment(cps: string[], i: number): number {
  for (i += 2; i + 1 < cps.length; i++) {
    if (cps[i] === '*' && cps[i + 1] === '/') return i + 2;
  }
  return cps.length;
}

/** Index just past a delimited run opened at `start`; a doubled closer is an escaped one. */
function skipDelimited(cps: string[], start: number, closer: string): number {
  for (let i = start + 1; i < cps.length; i++) {
    if (cps[i] !== closer) continue;
    if (cps[i + 1] === closer) {
      i++;
      continue;
    }
    return i + 1;
  }
  return cps.length;
}

/** The next character that is not whitespace or inside a comment (SQLite treats comments as space). */
function nextSignificant(cps: string[], i: number): string {
  while (i < cps.length) {
    const c = cps[i]!;
    if (c === '-' && cps[i + 1] === '-') i = skipLineComment(cps, i);
    else if (c === '/' && cps[i + 1] === '*') i = skipBlockComment(cps, i);
    else if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') i++;
    else return c;
  }
  return '';
}

/**
 * The words of `statement` that the rules look at, in order. Not a SQL parser: it knows
 * comments, string literals, delimited identifiers and semicolons, and skips the rest.
 * Works on code points (Go iterates runes), so offsets are code-point offsets.
 */
export function scanSqlTokens(statement: string | string[]): SqlToken[] {
  const cps = typeof statement === 'string' ? Array.from(statement) : statement;
  const tokens: SqlToken[] = [];
  const token = (text: string, start: number, end: number, quoted: boolean): SqlToken => {
    const next = nextSignificant(cps, end);
    return { text, terminator: false, qualifier: next === '.', call: next === '(', quoted, start, end };
  };
  for (let i = 0; i < cps.length; ) {
    const c = cps[i]!;
    if (c === '-' && cps[i + 1] === '-') i = skipLineComment(cps, i);
    else if (c === '/' && cps[i + 1] === '*') i = skipBlockComment(cps, i);
    else if (c === "'") i = skipDelimited(cps, i, "'");
    else if (c === '"' || c === '[' || c === '`') {
      const end = skipDelimited(cps, i, c === '[' ? ']' : c);
      // "temp" and [temp] must read as temp.
      const inner = cps.slice(i + 1, Math.max(end - 1, i + 1)).join('');
      tokens.push(token(goToLower(goTrimSpace(inner)), i, end, true));
      i = end;
    } else if (c === ';') {
      tokens.push({ text: '', terminator: true, qualifier: false, call: false, quoted: false, start: i, end: i + 1 });
      i++;
    } else if (isWordChar(c)) {
      const start = i;
      while (i < cps.length && isWordChar(cps[i]!)) i++;
      tokens.push(token(cps.slice(start, i).join('').toLowerCase(), start, i, false));
    } else i++;
  }
  return tokens;
}

/**
 * Tells a semicolon inside a CREATE TRIGGER body from one that ends the statement. CASE has
 * its own END, so CASE nesting must be back to zero before END closes the body.
 */
export class TriggerTracker {
  #inTrigger = false;
  #body = false;
  #ended = false;
  #caseDepth = 0;

  observe(previous: string, token: SqlToken): void {
    if (token.quoted) return;
    if (previous === 'create' && token.text === 'trigger') this.#inTrigger = true;
    if (!this.#inTrigger) return;
    if (token.text === 'begin') this.#body = true;
    else if (token.text === 'case') {
      if (this.#body) this.#caseDepth++;
    } else if (token.text === 'end') {
      if (this.#caseDepth > 0) this.#caseDepth--;
      else if (this.#body) this.#ended = true;
    }
  }

  /** At a semicolon: true when it ends the statement (and resets the tracker). */
  endsStatement(): boolean {
    if (this.#inTrigger && !this.#ended) return false;
    this.#inTrigger = this.#body = this.#ended = false;
    this.#caseDepth = 0;
    return true;
  }
}

function tokenReason(previous: string, token: SqlToken): string {
  const identifier = DENIED_IDENTIFIERS.get(token.text);
  if (identifier) return identifier;
  if (token.call) {
    const fn = DENIED_FUNCTIONS.get(token.text);
    if (fn) return fn;
  }
  if (token.qualifier && token.text === 'temp') return TEMP_OBJECTS;
  if ((previous === 'create' || previous === 'drop') && (token.text === 'temp' || token.text === 'temporary')) return TEMP_OBJECTS;
  return '';
}

/**
 * Why `statement` may not run, or '' when nothing in it is refused. The text is what the
 * plugin sees, so it names what is unavailable rather than which rule tripped.
 */
export function deniedSqlReason(statement: string): string {
  let previous = '';
  // 0 none, 1 after EXPLAIN, 2 after EXPLAIN QUERY, 3 after EXPLAIN QUERY PLAN
  let explain = 0;
  let atStart = true;
  const trigger = new TriggerTracker();
  for (const token of scanSqlTokens(statement)) {
    if (token.terminator) {
      if (!trigger.endsStatement()) continue;
      atStart = true;
      previous = '';
      explain = 0;
      continue;
    }
    if (atStart) {
      // The EXPLAIN prefix is skipped so the statement it explains is judged.
      if (explain === 0 && token.text === 'explain') {
        explain = 1;
        continue;
      }
      if (explain === 1 && token.text === 'query') {
        explain = 2;
        continue;
      }
      if (explain === 2 && token.text === 'plan') {
        explain = 3;
        continue;
      }
      const head = DENIED_HEADS.get(token.text);
      if (head) return head;
      atStart = false;
      explain = 0;
    }
    trigger.observe(previous, token);
    const reason = tokenReason(previous, token);
    if (reason) return reason;
    previous = token.text;
  }
  return '';
}
