import { SourceMapConsumer, type RawSourceMap } from 'source-map-js';

// The engine evaluates plugin.js inside "(function (module, exports, require) {" on
// the script's first line (engine/src/glue.c, js_eval_script), shifting columns there.
const WRAPPER_PREFIX = '(function (module, exports, require) {'.length;

/** Maps positions in the built plugin.js back to the author's sources. */
export class StackMapper {
  readonly #consumer: SourceMapConsumer;
  readonly #file: string;
  readonly #resolveSource: (source: string) => string;

  /**
   * @param opts.file the built file's name as it appears in stacks
   * @param opts.resolveSource turns a map's source entry (relative to the map) into the path to show
   */
  constructor(rawMap: string | RawSourceMap, opts: { file?: string; resolveSource?: (source: string) => string } = {}) {
    this.#consumer = new SourceMapConsumer(typeof rawMap === 'string' ? (JSON.parse(rawMap) as RawSourceMap) : rawMap);
    this.#file = opts.file ?? 'plugin.js';
    this.#resolveSource = opts.resolveSource ?? ((s) => s);
  }

  /** The original position of a 1-based line and column in the built file, if the map knows it. */
  original(line: number, column: number): { source: string; line: number; column: number; name?: string } | null {
    const col0 = Math.max(0, column - 1 - (line === 1 ? WRAPPER_PREFIX : 0));
    const pos = this.#consumer.originalPositionFor({ line, column: col0, bias: SourceMapConsumer.GREATEST_LOWER_BOUND });
    if (!pos.source || pos.line == null) return null;
    return { source: this.#resolveSource(pos.source), line: pos.line, column: (pos.column ?? 0) + 1, name: pos.name ?? undefined };
  }

  /** Rewrites every "plugin.js:L:C" frame of a QuickJS stack to the original file:line:column. */
  mapStack(stack: string): string {
    const re = new RegExp(`\\(?${escape(this.#file)}:(\\d+):(\\d+)\\)?`, 'g');
    return stack.replace(re, (whole, l: string, c: string) => {
      const pos = this.original(Number(l), Number(c));
      if (!pos) return whole;
      const where = `${pos.source}:${pos.line}:${pos.column}`;
      return whole.startsWith('(') ? `(${where})` : where;
    });
  }
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
