// A line diff of expected vs actual, both shown as indented JSON: what the pretty reporter
// prints under a failure so the difference is visible at a glance.

import type { Painter } from '../../cli/format.js';
import { roundTrip } from '../match/values.js';

export type DiffLine = { kind: 'same' | 'expected' | 'actual'; text: string };

/** Lines compared at most; beyond this the diff shows both sides whole (LCS is quadratic). */
const MAX_LINES = 400;

export function jsonLines(value: unknown): string[] {
  if (value === undefined) return ['(nothing)'];
  return (JSON.stringify(roundTrip(value), null, 2) ?? 'null').split('\n');
}

/** The longest-common-subsequence diff of two line lists, in order. */
export function diffLines(expected: string[], actual: string[]): DiffLine[] {
  if (expected.length > MAX_LINES || actual.length > MAX_LINES) {
    return [...expected.map((text) => ({ kind: 'expected' as const, text })), ...actual.map((text) => ({ kind: 'actual' as const, text }))];
  }
  const n = expected.length;
  const m = actual.length;
  // lcs[i][j]: common lines of expected[i..] and actual[j..]
  const lcs = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = expected[i] === actual[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && expected[i] === actual[j]) {
      out.push({ kind: 'same', text: expected[i++]! });
      j++;
    } else if (j < m && (i === n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      out.push({ kind: 'actual', text: actual[j++]! });
    } else {
      out.push({ kind: 'expected', text: expected[i++]! });
    }
  }
  // expected before actual within each changed run reads best ("- want / + got")
  return reorderRuns(out);
}

function reorderRuns(lines: DiffLine[]): DiffLine[] {
  const out: DiffLine[] = [];
  let run: DiffLine[] = [];
  const flush = () => {
    out.push(...run.filter((l) => l.kind === 'expected'), ...run.filter((l) => l.kind === 'actual'));
    run = [];
  };
  for (const line of lines) {
    if (line.kind === 'same') {
      flush();
      out.push(line);
    } else run.push(line);
  }
  flush();
  return out;
}

/**
 * The diff for a terminal: a legend, then `- ` expected lines in red, `+ ` actual lines in
 * green and unchanged lines dimmed, each prefixed with `indent`.
 */
export function renderDiff(expected: unknown, actual: unknown, paint: Painter, indent: string): string[] {
  const lines = diffLines(jsonLines(expected), jsonLines(actual));
  return [
    `${indent}${paint.red('- expected')}  ${paint.green('+ actual')}`,
    ...lines.map((l) => `${indent}${l.kind === 'expected' ? paint.red(`- ${l.text}`) : l.kind === 'actual' ? paint.green(`+ ${l.text}`) : paint.dim(`  ${l.text}`)}`),
  ];
}
