// How a plugin call failed, whatever threw it.

import { isPluginError } from '../../errors.js';
import { EngineCallError } from '../instance.js';

/** The engine's classification ('error', 'deadline', 'missing-export', ...), else 'error'. */
export function failureKind(err: unknown): string {
  if (isPluginError(err)) return err.failure ?? 'error';
  if (err instanceof EngineCallError) return err.kind;
  return 'error';
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
