// Reading what on_filter answered (production FilterResult {action, payload?, reason?}).

export const MAX_FILTER_OUTPUT_BYTES = 1024 * 1024;

export interface FilterAnswer {
  /** 'pass', 'modify', 'drop', '' (pass) or anything else (logged, treated as pass). */
  action: string;
  /** For modify: the new payload; null when the plugin left it out. */
  payload: unknown;
  payloadJson: string;
  reason: string;
}

/** Parses on_filter's output; throws (a plugin failure: fail-open and a strike) when it is unusable. */
export function parseFilterOutput(out: string): FilterAnswer {
  // a cheap bound first: a UTF-16 length a third of the cap cannot exceed it in UTF-8
  if (out.length * 3 > MAX_FILTER_OUTPUT_BYTES) {
    const bytes = Buffer.byteLength(out);
    if (bytes > MAX_FILTER_OUTPUT_BYTES) {
      throw new Error(`on_filter output too large: ${bytes} bytes (max ${MAX_FILTER_OUTPUT_BYTES})`);
    }
  }
  // no output at all: the plugin had nothing to say about this event, as LoadedPlugin.filter reads it
  if (out === '') return { action: 'pass', payload: null, payloadJson: 'null', reason: '' };
  let raw: unknown;
  try {
    raw = JSON.parse(out);
  } catch (err) {
    throw new Error(`parse on_filter result: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (raw === null) return { action: '', payload: null, payloadJson: 'null', reason: '' };
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new Error('parse on_filter result: not a JSON object');
  const r = raw as Record<string, unknown>;
  const action = r.action ?? '';
  if (typeof action !== 'string') throw new Error('parse on_filter result: "action" is not a string');
  const reason = r.reason ?? '';
  if (typeof reason !== 'string') throw new Error('parse on_filter result: "reason" is not a string');
  const payload = r.payload ?? null;
  return { action, payload, payloadJson: action === 'modify' ? JSON.stringify(payload) : 'null', reason };
}
