// Errors across the thread boundary. Structured clone keeps an Error's message and stack but
// drops its class and fields (a PluginError's slug and export), so errors travel as data and
// are re-created on the main thread in the same taxonomy (errors.ts): PluginError naming the
// plugin and export, UserError, and anything else as a BugError.

import { BugError, PluginError, UserError, toKnownError, type Diagnostic } from '../../errors.js';
import type { ChatDispatchReport, DispatchReport } from '../dispatch/index.js';
import type { WireError } from './protocol.js';

export function toWireError(err: unknown): WireError {
  const known = toKnownError(err);
  switch (known.kind) {
    case 'plugin':
      return {
        type: 'plugin',
        name: known.name,
        message: known.message,
        slug: known.slug,
        exportName: known.exportName,
        failure: known.failure,
        pluginStack: known.pluginStack,
        nextSteps: known.nextSteps,
        exitCode: known.exitCode,
      };
    case 'user':
      return {
        type: 'user',
        message: known.message,
        nextSteps: known.nextSteps,
        exitCode: known.exitCode,
        code: known.code,
        diagnostics: known.diagnostics,
      };
    default:
      return { type: 'bug', message: known.message, stack: known.stack };
  }
}

export function fromWireError(wire: WireError): PluginError | UserError | BugError {
  switch (wire.type) {
    case 'plugin': {
      const err = new PluginError(wire.message, {
        slug: wire.slug,
        exportName: wire.exportName,
        failure: wire.failure,
        pluginStack: wire.pluginStack,
        nextSteps: wire.nextSteps,
        exitCode: wire.exitCode,
      });
      // a subclass (AgreementError) keeps its name, which is what renderers and tests read
      err.name = wire.name;
      return err;
    }
    case 'user':
      return new UserError(wire.message, {
        nextSteps: wire.nextSteps,
        exitCode: wire.exitCode,
        code: wire.code,
        diagnostics: wire.diagnostics as Diagnostic[],
      });
    default: {
      const err = new BugError(wire.message);
      // where it happened: the worker's stack, not the place the answer arrived
      if (wire.stack) err.stack = wire.stack;
      return err;
    }
  }
}

/** A dispatch report with every step's error turned into data (payloads are JSON already). */
export function toWireReport<R extends DispatchReport>(report: R): R {
  return mapErrors(report, toWireError);
}

/** The report as the dispatcher returned it, its errors re-created. */
export function fromWireReport<R extends DispatchReport>(report: R): R {
  return mapErrors(report, (e) => fromWireError(e as WireError));
}

function mapErrors<R extends DispatchReport>(report: R, map: (err: unknown) => unknown): R {
  // FilterStep, NotifyStep and CommandDelivery carry their failure in `error`
  const steps = <S extends object>(list: S[]): S[] =>
    list.map((s) => ('error' in s && s.error !== undefined ? { ...s, error: map(s.error) } : s));
  const out: R = { ...report, filters: steps(report.filters), notified: steps(report.notified) };
  const commands = (report as Partial<ChatDispatchReport>).commands;
  if (commands) (out as Partial<ChatDispatchReport>).commands = steps(commands);
  return out;
}
