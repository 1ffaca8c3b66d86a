// The background type checker, as the watch loop uses it: the compiler's off-thread checker
// (src/lib/compiler/typecheck-worker.ts: one incremental TypeScript program on a worker
// thread) checks the project after each good build, and its errors are shown beside the
// build's outcome without holding the reload back.

import type { Context } from '../context.js';
import type { Diagnostic } from '../errors.js';

export interface BackgroundTypecheck {
  /** Checks the project as it is on disk now: its type errors, ready to print. */
  check(): Promise<{ diagnostics: Diagnostic[]; durationMs: number }>;
  close(): Promise<void>;
}

/**
 * Starts the checker for a TypeScript project (an entry in .ts, or a tsconfig.json asking for
 * `checkJs`); null for a JavaScript one, or one without an entry yet. The compiler loads on
 * its thread while the first build runs.
 */
export async function openBackgroundTypecheck(ctx: Context, dir: string): Promise<BackgroundTypecheck | null> {
  const { findEntry } = await import('../compiler/entry.js');
  const { isTypeScriptSource, mentionsCheckJs, typecheckDiagnostics } = await import('../compiler/typecheck.js');
  const entry = await findEntry(ctx, dir).catch(() => null);
  if (!entry || !(isTypeScriptSource(entry) || mentionsCheckJs(dir))) return null;
  const { createBackgroundTypechecker } = await import('../compiler/typecheck-worker.js');
  const checker = createBackgroundTypechecker({ dir });
  return {
    async check() {
      const result = await checker.check();
      const errors = result.checked ? result.diagnostics.filter((d) => d.category === 'error') : [];
      return { diagnostics: typecheckDiagnostics(ctx, errors), durationMs: result.durationMs };
    },
    close: () => checker.close(),
  };
}
