// Where a watch's human output goes: a status line and blocks printed above it. On a terminal
// the status line is one line rewritten in place, and anything else written (an error with its
// code frame, a plugin's log line) is printed above it and the line drawn again; off a
// terminal every status is a plain line. In the simulator's terminal UI both become lines of
// its log pane.

import type { OutputStream } from '../context.js';

export interface WatchScreen {
  /** Replaces the status line. */
  status(text: string): void;
  /** Prints text (one or more lines) above the status line. */
  print(text: string): void;
  /** A stream for others (the dev server's plugin logs): what they write is printed above the status line. */
  readonly stream: OutputStream;
  /** Writes to `other` (stdout on the same terminal) above the status line. */
  above(other: OutputStream): OutputStream;
  /** Stops drawing: the status line stays (ended with a newline) or, with `clear`, is removed. */
  close(opts?: { clear?: boolean }): void;
}

const CLEAR_LINE = '\r\u001B[2K';

/** The status line on `out` (stderr): rewritten in place when `out` is a terminal. */
export function terminalScreen(out: OutputStream): WatchScreen {
  const tty = Boolean(out.isTTY);
  let current = '';
  let shown = false;
  let closed = false;
  const fit = (text: string) => {
    const width = out.columns ?? 0;
    // the line must not wrap, or the next rewrite leaves its first part behind
    return width > 1 && visibleLength(text) > width - 1 ? `${sliceVisible(text, width - 2)}…` : text;
  };
  const printTo = (stream: OutputStream, text: string) => {
    if (text === '') return;
    const block = text.endsWith('\n') ? text : `${text}\n`;
    if (!tty) {
      stream.write(block);
      return;
    }
    if (stream === out) {
      out.write(`${shown ? CLEAR_LINE : ''}${block}${current && !closed ? fit(current) : ''}`);
    } else {
      if (shown) out.write(CLEAR_LINE);
      stream.write(block);
      if (current && !closed) out.write(fit(current));
    }
    shown = current !== '' && !closed;
  };
  const print = (text: string) => printTo(out, text);
  return {
    status(text) {
      if (closed || text === current) return;
      current = text;
      if (tty) {
        out.write(`${shown ? CLEAR_LINE : ''}${fit(text)}`);
        shown = true;
      } else {
        out.write(`${text}\n`);
      }
    },
    print,
    stream: { write: (chunk: string) => print(chunk), isTTY: false },
    above: (other) => ({ write: (chunk: string) => printTo(other, chunk), isTTY: other.isTTY }),
    close(opts) {
      if (closed) return;
      closed = true;
      if (tty && shown) out.write(opts?.clear ? CLEAR_LINE : '\n');
    },
  };
}

/** Every status and printed line as a log line (the simulator's log pane); repeated statuses are dropped. */
export function logScreen(log: (line: string) => void): WatchScreen {
  let current = '';
  const print = (text: string) => {
    for (const line of text.replace(/\n$/, '').split('\n')) if (line.trim() !== '') log(stripAnsi(line));
  };
  return {
    status(text) {
      if (text === current) return;
      current = text;
      print(text);
    },
    print,
    stream: { write: (chunk: string) => print(chunk), isTTY: false },
    above: () => ({ write: (chunk: string) => print(chunk), isTTY: false }),
    close() {},
  };
}

const ANSI = /\u001B\[[0-9;]*m/g;

function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

function visibleLength(text: string): number {
  return stripAnsi(text).length;
}

/** The first `n` visible characters of `text`, keeping its escape codes (and resetting them after). */
function sliceVisible(text: string, n: number): string {
  let out = '';
  let seen = 0;
  for (let i = 0; i < text.length && seen < n; ) {
    const m = text.startsWith('\u001B[', i) ? /^\u001B\[[0-9;]*m/.exec(text.slice(i)) : null;
    if (m) {
      out += m[0];
      i += m[0].length;
      continue;
    }
    out += text[i];
    i++;
    seen++;
  }
  return out.includes('\u001B[') ? `${out}\u001B[0m` : out;
}
