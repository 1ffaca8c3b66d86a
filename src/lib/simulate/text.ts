// Plugin text on a terminal: never escape sequences, never a line longer than is useful.

/** Control characters (ANSI escapes included) become spaces; newlines stay when `multiline`. */
export function cleanText(text: string, opts: { multiline?: boolean; max?: number } = {}): string {
  const pattern = opts.multiline ? /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g : /[\u0000-\u001f\u007f-\u009f]/g;
  const clean = text.replace(/\r\n?/g, '\n').replace(pattern, ' ');
  const max = opts.max ?? 2000;
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
