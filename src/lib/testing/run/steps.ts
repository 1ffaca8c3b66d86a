// Running one step on a harness, with the checks filter and http steps carry inline (J.3,
// J.4). A step's failures do not stop the scenario: errors accumulate as `step <n>: …`, as
// the reference reports them.

import type { DispatchReport } from '../../host/dispatch/index.js';
import type { HttpStepReply } from '../harness/http-client.js';
import type { ScenarioHarness } from '../harness/harness.js';
import { matcherText } from '../match/strings.js';
import { describeValue, exactMismatch, partialMismatch } from '../match/values.js';
import type { Failure } from '../results.js';
import type { FilterStep, HttpStep, Step } from '../scenario.js';
import { stringMismatch } from './lists.js';

export const stepLabel = (step: Step) => `step ${step.index + 1} (${step.type})`;

export async function runStep(harness: ScenarioHarness, step: Step): Promise<Failure[]> {
  switch (step.type) {
    case 'event':
      await harness.event(step.event, step.payload);
      return [];
    case 'emit':
      await harness.emit(step.emit, step.payload);
      return [];
    case 'command':
      await harness.command(step.command, { user: step.user ?? undefined, message: step.message });
      return [];
    case 'advance':
      await harness.advance(step.ms);
      return [];
    case 'filter':
      return checkFilter(step, await harness.filter(step.filter, step.payload));
    case 'http': {
      const reply = await harness.http(
        { method: step.method, path: step.path, headers: step.headers, body: step.body, authenticated: step.authenticated, user: step.user },
        step.plugin ?? undefined,
      );
      return checkHttp(step, reply);
    }
  }
}

/** What the chain did, as the reference words it: "pass", "modify" or "drop (reason=…)". */
function outcome(report: DispatchReport): string {
  if (report.dropped) return `drop (reason=${JSON.stringify(report.dropped.reason)})`;
  return report.modified ? 'modify' : 'pass';
}

function checkFilter(step: FilterStep, report: DispatchReport): Failure[] {
  const expect = step.expect;
  if (!expect) return [];
  const fail = (message: string, at = '/action', expected?: unknown, actual?: unknown): Failure[] => [
    { key: stepLabel(step), pointer: `${expect.pointer}${at}`, message, ...(expected !== undefined ? { expected, actual } : {}) },
  ];
  const got = { action: report.dropped ? 'drop' : report.modified ? 'modify' : 'pass', payload: report.payload, reason: report.dropped?.reason ?? '' };
  switch (expect.action) {
    case 'pass': {
      if (report.dropped) return fail(`expected pass, got ${outcome(report)}`, '/action', { action: 'pass' }, got);
      const m = exactMismatch(step.payload, report.payload);
      return m ? fail(`expected pass with payload unchanged, got ${describeValue(report.payload)} (${m.at || '/'}: ${m.message})`, '/action', step.payload, report.payload) : [];
    }
    case 'modify': {
      if (report.dropped) return fail(`expected modify, got ${outcome(report)}`, '/action', { action: 'modify' }, got);
      if (expect.payload === undefined) return [];
      const m = partialMismatch(expect.payload, report.payload);
      return m ? fail(`payload mismatch at ${m.at || '/'}: ${m.message}`, `/payload${m.at}`, expect.payload, report.payload) : [];
    }
    case 'drop': {
      if (!report.dropped) return fail(`expected drop, got ${outcome(report)}`, '/action', { action: 'drop' }, got);
      if (!expect.reason) return [];
      const m = stringMismatch(expect.reason, report.dropped.reason);
      return m ? fail(`drop reason: ${m.message}`, '/reason', matcherText(expect.reason), report.dropped.reason) : [];
    }
  }
}

/** Header.Get: the first value under the name, case-insensitively; "" when absent. */
function headerValue(reply: HttpStepReply, name: string): string {
  const v = reply.headers[name.toLowerCase()];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
}

function checkHttp(step: HttpStep, reply: HttpStepReply): Failure[] {
  const expect = step.expect;
  if (!expect) return [];
  const failures: Failure[] = [];
  const add = (at: string, message: string, expected: unknown, actual: unknown) =>
    failures.push({ key: stepLabel(step), pointer: `${expect.pointer}${at}`, message, expected, actual });
  if (expect.status !== undefined && reply.status !== expect.status) {
    add('/status', `http status: want ${expect.status} got ${reply.status} (body=${JSON.stringify(reply.body.slice(0, 200))})`, expect.status, reply.status);
  }
  for (const [name, matcher] of Object.entries(expect.headers ?? {})) {
    const got = headerValue(reply, name);
    const m = stringMismatch(matcher, got);
    if (m) add(`/headers/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`, `header ${name}: ${m.message}`, matcherText(matcher), got);
  }
  if (expect.body) {
    const m = stringMismatch(expect.body, reply.body);
    if (m) add('/body', `http body: ${m.message}`, matcherText(expect.body), reply.body);
  }
  return failures;
}
