// What every hostile test asserts in the same way: the well-behaved three still answer
// correctly, keep most of their throughput, and each hostile call ended within its ceiling.
import { expect } from 'vitest';

import { compareRates, wellBehavedRound, type Arena, type WellBehavedResult } from './harness.js';
import type { Attempt } from './episodes.js';

// Ceilings, not budgets: the budgets are 50 ms (filter), 500 ms (notification) and 5 s (HTTP);
// these only prove the call ended, on a machine two test files share.
export const CEILING_MS = { filter: 2_000, notification: 5_000, http: 15_000 } as const;

/** Chat throughput beside a contained hostile plugin must stay at least this share of the clean rate. */
export const MIN_THROUGHPUT_SHARE = 0.3;

export async function expectWellBehaved(a: Arena, tag: string): Promise<WellBehavedResult> {
  const result = await wellBehavedRound(a.host, a.rec, tag);
  expect(result).toEqual({ masked: `**** it ${tag}`, counted: 3, replies: [`pong ${tag}`], failures: [] });
  return result;
}

/** Measures the three alone (on `clean`) and beside the hostile plugin, and bounds the loss. */
export async function expectThroughputKept(clean: Arena, beside: Arena): Promise<{ clean: number; beside: number }> {
  const rates = await compareRates(clean.host, beside.host, { messages: 150, rounds: 3 });
  expect(rates.beside).toBeGreaterThanOrEqual(rates.clean * MIN_THROUGHPUT_SHARE);
  return rates;
}

/** Every attempt failed, within the ceiling, with a PluginError naming the plugin and the export. */
export function expectFailedNamed(attempts: Attempt[], slug: string, exportName: string, ceilingMs: number): void {
  expect(attempts.length).toBeGreaterThan(0);
  for (const attempt of attempts) {
    expect(attempt.ok, attempt.label).toBe(false);
    expect(attempt.ms, attempt.label).toBeLessThan(ceilingMs);
    expect(attempt.error, attempt.label).toMatchObject({ name: 'PluginError', slug, exportName });
  }
}

/** The failure kinds of the attempts, in order ('deadline', 'out-of-memory', 'error', 'trap'). */
export const failures = (attempts: Attempt[]) => attempts.map((a) => (a.error as { failure?: string } | undefined)?.failure);

/** Both auto-disable reports (the dispatcher's and the host's), naming the plugin. */
export function expectDisabledReported(a: Arena, slug: string, path: string): void {
  expect(a.host.dispatcher.isDisabled(slug)).toBe(true);
  const disabled = a.rec.warnings.filter((w) => w.includes('auto-disabled'));
  expect(disabled).toEqual([
    expect.stringMatching(new RegExp(`^plugin ${slug}: auto-disabled: 5 consecutive failures; the last, on the ${path} path: `)),
    expect.stringMatching(new RegExp(`^plugin "${slug}" auto-disabled after 5 consecutive failures`)),
  ]);
  expect(a.host.dispatcher.live().map((p) => p.slug)).not.toContain(slug);
}
