// `owncast-plugin watch` as a library: the project's watch loop with what the flags ask for
// attached (the dev server, the scenarios, the simulator), its events shown on a status line
// and, with --json, printed one per line on stdout.

import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import type { BuildTarget, ImportsMode } from '../compiler/build.js';
import type { Context, OutputStream } from '../context.js';
import { createLogger } from '../context.js';
import type { DevServer } from '../devserver/server.js';
import { UserError } from '../errors.js';
import { displayPath } from '../manifest/load.js';
import { watchEventJson, type WatchEvent } from './events.js';
import { ProjectWatch, type WatchConsumer } from './project.js';
import { MANIFEST_FILE } from './project-files.js';
import { createWatchRenderer } from './render.js';
import { logScreen, terminalScreen, type WatchScreen } from './screen.js';
import { ServeConsumer, type WatchServeOptions } from './serve.js';
import { SimulateConsumer, type WatchSimulateOptions } from './simulate.js';
import { TestConsumer, type WatchTestOptions } from './tests.js';
import { openBackgroundTypecheck, type BackgroundTypecheck } from './typecheck.js';

export interface WatchRunOptions {
  /** The project directory, relative to ctx.cwd. */
  dir: string;
  target?: BuildTarget;
  imports?: ImportsMode;
  /** Quiet time after the last change. Default 100 ms. */
  debounceMs?: number;
  /** NDJSON outcomes on stdout. */
  json?: boolean;
  /** Type-check in the background after good builds (when the checker is available). Default true. */
  typecheck?: boolean;
  serve?: WatchServeOptions;
  test?: WatchTestOptions;
  simulate?: Omit<WatchSimulateOptions, 'onScreen'>;
  /** Told every event (tests, benchmarks). */
  onEvent?(event: WatchEvent): void;
}

export interface WatchRun {
  readonly watch: ProjectWatch;
  /** The dev server with --serve. */
  readonly server: DevServer | null;
  readonly simulator: SimulateConsumer | null;
  /** Resolves when the simulator's terminal UI is left (q); never otherwise. */
  readonly quit: Promise<void>;
  /** Prints above the status line (or into the simulator's log pane). */
  print(text: string): void;
  /** Where results go: stdout, through the status line when both are the same terminal. */
  readonly stdout: OutputStream;
  /** Stops watching and closes everything it started. */
  close(): Promise<void>;
}

/** Starts watching `opts.dir`: the first build, then whatever was asked for. Usage problems throw (exit 2). */
export async function startWatch(ctx: Context, opts: WatchRunOptions): Promise<WatchRun> {
  const dir = resolve(ctx.cwd, opts.dir);
  await requireProject(ctx, dir, opts.dir);

  // the status line and everything printed above it; the simulator's UI takes them over once up
  const terminal = terminalScreen(ctx.stderr);
  let screen: WatchScreen = terminal;
  const through: WatchScreen = {
    status: (t) => screen.status(t),
    print: (t) => screen.print(t),
    stream: { write: (chunk: string) => screen.stream.write(chunk), isTTY: false },
    above: (other) => ({ write: (chunk: string) => screen.above(other).write(chunk), isTTY: other.isTTY }),
    close: (o) => screen.close(o),
  };
  const tty = Boolean(ctx.stderr.isTTY);
  let render = createWatchRenderer(through, { color: ctx.color, plain: !tty });
  // what the dev server, the builds and the scenario runner log goes above the status line too;
  // a stdout on the same terminal (the simulator's text stream) does as well
  const stdout: OutputStream = tty && ctx.stdout.isTTY ? through.above(ctx.stdout) : ctx.stdout;
  const inner: Context = { ...ctx, stdout, stderr: through.stream, logger: createLogger(through.stream, ctx.logger.level, ctx.color) };

  const consumers: WatchConsumer[] = [];
  const serve = opts.serve ? new ServeConsumer(inner, dir, opts.serve) : null;
  if (serve) consumers.push(serve);
  const simulator = opts.simulate
    ? new SimulateConsumer(inner, dir, {
        ...opts.simulate,
        onScreen: (sim) => {
          // the terminal is the simulator's now: the status line leaves it
          terminal.close({ clear: true });
          screen = logScreen((line) => sim.log('info', line));
          render = createWatchRenderer(through, { color: false, plain: true, compact: true });
        },
      })
    : null;
  if (simulator) consumers.push(simulator);
  if (opts.test) consumers.push(new TestConsumer(inner, dir, opts.test));

  const typecheck: BackgroundTypecheck | null = opts.typecheck === false ? null : await openBackgroundTypecheck(inner, dir);
  let watch: ProjectWatch;
  try {
    watch = await ProjectWatch.start(inner, {
      dir,
      ...(opts.target ? { target: opts.target } : {}),
      ...(opts.imports ? { imports: opts.imports } : {}),
      ...(opts.debounceMs !== undefined ? { debounceMs: opts.debounceMs } : {}),
      tests: Boolean(opts.test),
      consumers,
      typecheck,
      onEvent: (e) => {
        opts.onEvent?.(e);
        render(e);
        if (opts.json) {
          const line = watchEventJson(e);
          if (line) ctx.stdout.write(`${JSON.stringify(line)}\n`);
        }
      },
    });
  } catch (err) {
    // the watch closed what it had opened, the type checker included
    terminal.close();
    throw err;
  }

  return {
    watch,
    server: serve?.server ?? null,
    simulator,
    quit: simulator?.quit ?? new Promise<void>(() => undefined),
    print: (text) => through.print(text),
    stdout,
    async close() {
      await watch.close();
      terminal.close();
    },
  };
}

async function requireProject(ctx: Context, dir: string, given: string): Promise<void> {
  const st = await stat(dir).catch(() => null);
  if (!st?.isDirectory()) {
    throw new UserError(`${given} is not a directory`, { code: 'NOT_A_PROJECT', nextSteps: ['Pass a plugin project directory (one with plugin.manifest.json)'] });
  }
  if (!(await stat(join(dir, MANIFEST_FILE)).catch(() => null))?.isFile()) {
    throw new UserError(`${displayPath(ctx, dir) || '.'} is not a plugin project: there is no ${MANIFEST_FILE}`, {
      code: 'NOT_A_PROJECT',
      nextSteps: ['Run watch in a plugin project, or pass its directory: owncast-plugin watch my-plugin', 'Start one with: owncast-plugin new my-plugin'],
    });
  }
}
