/**
 * Renders a few lines of source around a position with a caret under the column:
 *
 * ```
 *   2 |   "name": "Echo",
 * > 3 |   "api": "2",
 *     |          ^
 *   4 | }
 * ```
 */
export function codeFrame(
  source: string,
  line: number,
  column: number,
  options: {length?: number; context?: number} = {},
): string {
  const lines = source.split(/\r?\n/)
  // A final newline does not start a line worth showing, unless the position is there (EOF errors).
  if (lines.length > 1 && lines[lines.length - 1] === '' && line < lines.length) lines.pop()
  const context = options.context ?? 2
  if (line < 1 || line > lines.length) return ''
  const first = Math.max(1, line - context)
  const last = Math.min(lines.length, line + context)
  const width = String(last).length
  const out: string[] = []
  for (let n = first; n <= last; n++) {
    const text = (lines[n - 1] ?? '').replace(/\t/g, '  ')
    out.push(`${n === line ? '>' : ' '} ${String(n).padStart(width)} | ${text}`)
    if (n === line) {
      const before = (lines[n - 1] ?? '').slice(0, Math.max(0, column - 1)).replace(/\t/g, '  ')
      const caret = '^'.repeat(Math.max(1, Math.min(options.length ?? 1, 80)))
      out.push(`  ${' '.repeat(width)} | ${' '.repeat(before.length)}${caret}`)
    }
  }
  return out.join('\n')
}
