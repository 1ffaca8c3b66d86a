// The non-interactive runs: the stream as text lines (--plain, or stdout is not a terminal)
// or one JSON event per line (--json), to stdout; host diagnostics to stderr in text mode.

import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import { defaultScript } from './default-script.js';
import type { SimEvent } from './events.js';
import { createPlainRenderer } from './plain.js';
import { Player } from './player.js';
import type { SimScript } from './script.js';
import { Simulation, type SimulationOptions } from './simulation.js';
import { parseScript } from './validate.js';

/** The script a run plays: `--script FILE`, else the built-in one over the tool's examples. */
export async function loadScript(ctx: Context, file?: string): Promise<SimScript> {
  if (file === undefined) return defaultScript(join(ctx.toolRoot, 'examples'));
  const path = resolve(ctx.cwd, file);
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new UserError(`cannot read the script ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`, { code: 'SCRIPT_NOT_FOUND' });
  });
  return parseScript(text, file);
}

export interface StreamRunOptions extends Omit<SimulationOptions, 'onEvent'> {
  format: 'plain' | 'json';
  /** Play in real time at this speed; absent: as fast as the plugins allow. */
  speed?: number;
}

/**
 * Plays the script to its end and prints it. Resolves with the events (for callers that want
 * to check them); plugin failures are part of the output, not errors.
 */
export async function runStream(ctx: Context, opts: StreamRunOptions): Promise<SimEvent[]> {
  const events: SimEvent[] = [];
  const print = createStreamPrinter(ctx, opts.format);
  const sim = await Simulation.create(ctx, {
    ...opts,
    onEvent: (e) => {
      events.push(e);
      print(e);
    },
  });
  try {
    if (opts.speed === undefined) await sim.runToEnd();
    else await new Player(sim, { speed: opts.speed, untilEnd: true }).run();
  } finally {
    await sim.close();
  }
  return events;
}

/**
 * Prints each event as the non-interactive runs do: a JSON line, or the plain text lines on
 * stdout with the host's log on stderr (`watch --simulate` prints its stream with this too).
 */
export function createStreamPrinter(ctx: Context, format: 'plain' | 'json'): (e: SimEvent) => void {
  const render = createPlainRenderer({ color: ctx.color && Boolean(ctx.stdout.isTTY) });
  return (e) => {
    if (format === 'json') {
      ctx.stdout.write(`${JSON.stringify(e)}\n`);
      return;
    }
    if (e.type === 'log' && e.source === 'host') {
      if (e.redundant) return;
      if (e.level === 'warn') ctx.logger.warn(e.message);
      else ctx.logger.info(e.message);
      return;
    }
    const lines = render(e);
    if (lines.length > 0) ctx.stdout.write(`${lines.join('\n')}\n`);
  };
}
