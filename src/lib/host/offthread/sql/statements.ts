// Splitting a plugin's SQL into statements and numbering their parameters, because
// better-sqlite3 prepares one statement at a time and binds `?` from an array but named
// parameters only from an object. Production's Go driver runs a multi-statement string one
// statement after another, each taking as many of the positional params as it has
// parameters (sqlite3_bind_parameter_count), bound by index whatever their names; this
// reproduces that.

import { scanSqlTokens, TriggerTracker } from './deny.js';

/** How one parameter index of a statement is bound in better-sqlite3. */
export interface ParamSlot {
  /** 1-based SQLite parameter index. */
  index: number;
  /** better-sqlite3's key for a named parameter (":x" → "x", "?3" → "3"); null for a plain `?`. */
  key: string | null;
}

export interface SqlStatement {
  text: string;
  /** Distinct parameters in index order. */
  slots: ParamSlot[];
  /** sqlite3_bind_parameter_count: the highest index used. */
  count: number;
}

// SQLite's IdChar: letters, digits, '_', '$' and every non-ASCII character.
const isIdChar = (c: string) => c === '_' || c === '$' || /[0-9A-Za-z]/.test(c) || c.codePointAt(0)! >= 0x80;

/** Numbers the parameters of one statement as sqlite3ExprAssignVarNumber does. */
export function statementParams(cps: string[]): { slots: ParamSlot[]; count: number } {
  const byName = new Map<string, number>();
  const slots = new Map<number, ParamSlot>();
  let count = 0;
  for (let i = 0; i < cps.length; ) {
    const c = cps[i]!;
    if (c === '-' && cps[i + 1] === '-') {
      while (i < cps.length && cps[i] !== '\n') i++;
    } else if (c === '/' && cps[i + 1] === '*') {
      i += 2;
      while (i < cps.length && !(cps[i] === '*' && cps[i + 1] === '/')) i++;
      i += 2;
    } else if (c === "'" || c === '"' || c === '`' || c === '[') {
      const close = c === '[' ? ']' : c;
      for (i++; i < cps.length; i++) {
        if (cps[i] === close) {
          if (close !== ']' && cps[i + 1] === close) i++;
          else break;
        }
      }
      i++;
    } else if (c === '?') {
      let j = i + 1;
      while (j < cps.length && /[0-9]/.test(cps[j]!)) j++;
      if (j === i + 1) {
        count++;
        slots.set(count, { index: count, key: null });
      } else {
        const digits = cps.slice(i + 1, j).join('');
        const index = Number(digits);
        const name = `?${digits}`;
        if (!byName.has(name)) byName.set(name, index);
        slots.set(index, { index, key: digits });
        count = Math.max(count, index);
      }
      i = j;
    } else if (c === ':' || c === '@' || c === '$' || c === '#') {
      let j = i + 1;
      while (j < cps.length && isIdChar(cps[j]!)) j++;
      if (j > i + 1) {
        const name = cps.slice(i, j).join('');
        let index = byName.get(name);
        if (index === undefined) {
          index = ++count;
          byName.set(name, index);
          slots.set(index, { index, key: name.slice(1) });
        }
      }
      i = Math.max(j, i + 1);
    } else if (isIdChar(c)) {
      // A word (which may contain '$'), never the start of a parameter.
      while (i < cps.length && isIdChar(cps[i]!)) i++;
    } else i++;
  }
  return { slots: [...slots.values()].sort((a, b) => a.index - b.index), count };
}

/** Whether a piece of SQL holds nothing but whitespace, semicolons and comments. */
function isBlank(cps: string[]): boolean {
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i]!;
    if (c === '-' && cps[i + 1] === '-') {
      while (i < cps.length && cps[i] !== '\n') i++;
    } else if (c === '/' && cps[i + 1] === '*') {
      i += 2;
      while (i < cps.length && !(cps[i] === '*' && cps[i + 1] === '/')) i++;
      i++;
    } else if (!/[\s;]/.test(c)) return false;
  }
  return true;
}

/**
 * The statements of `sql` in order, each with its terminating semicolon. A semicolon inside
 * a CREATE TRIGGER body does not end the statement (the same tracking as the deny list).
 * Empty statements (only `;`, whitespace or comments) are dropped, as SQLite skips them.
 */
export function splitSqlStatements(sql: string): SqlStatement[] {
  const cps = Array.from(sql);
  // The common case, one statement and no semicolon anywhere, needs no tokenizing.
  if (!sql.includes(';')) return isBlank(cps) ? [] : [{ text: sql, ...statementParams(cps) }];
  const out: SqlStatement[] = [];
  const trigger = new TriggerTracker();
  let start = 0;
  let previous = '';
  const emit = (end: number) => {
    const piece = cps.slice(start, end);
    start = end;
    if (isBlank(piece)) return;
    out.push({ text: piece.join(''), ...statementParams(piece) });
  };
  for (const token of scanSqlTokens(cps)) {
    if (token.terminator) {
      if (!trigger.endsStatement()) continue;
      emit(token.end);
      previous = '';
      continue;
    }
    trigger.observe(previous, token);
    previous = token.text;
  }
  emit(cps.length);
  return out;
}
