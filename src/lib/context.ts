import path from 'node:path'
import {packageRoot} from './engine/paths.js'

/**
 * The typed dependencies library functions take as their first parameter, instead of reaching
 * for `process` or module globals. Commands build one with {@link createContext}; tests pass
 * fakes (see {@link createCaptureStream} and {@link createFakeClock}).
 */
export interface Context {
  /** Directory relative paths are resolved against (the user's working directory). */
  cwd: string
  /** Root of this tool's own files (the package directory: engine/, templates/, schemas/). */
  toolRoot: string
  /** Environment variables, read-only by convention. */
  env: Readonly<Record<string, string | undefined>>
  /** Results go here. */
  stdout: OutputStream
  /** Progress and diagnostics go here. */
  stderr: OutputStream
  /** Leveled logger writing to `stderr`. */
  logger: Logger
  clock: Clock
  /** Whether output may use ANSI colours. */
  color: boolean
}

/** The part of a writable stream the toolchain needs. */
export interface OutputStream {
  write(chunk: string): unknown
  isTTY?: boolean
  columns?: number
}

export interface Clock {
  /** Wall-clock time in milliseconds since the epoch. */
  now(): number
  /** Monotonic time in milliseconds, for measuring durations. */
  monotonic(): number
}

export type LogLevel = 'silent' | 'error' | 'warn' | 'info' | 'debug'

export interface Logger {
  readonly level: LogLevel
  error(message: string): void
  warn(message: string): void
  info(message: string): void
  debug(message: string): void
}

const LEVELS: Record<LogLevel, number> = {silent: 0, error: 1, warn: 2, info: 3, debug: 4}

/** A logger that writes one line per message to `stream`, dropping messages above `level`. */
export function createLogger(stream: OutputStream, level: LogLevel = 'info', color = false): Logger {
  const paint = (code: string, text: string) => (color ? `\u001B[${code}m${text}\u001B[0m` : text)
  const emit = (at: LogLevel, prefix: string, message: string) => {
    if (LEVELS[at] <= LEVELS[level]) stream.write(`${prefix}${message}\n`)
  }
  return {
    level,
    error: (m) => emit('error', paint('31', 'error: '), m),
    warn: (m) => emit('warn', paint('33', 'warning: '), m),
    info: (m) => emit('info', '', m),
    debug: (m) => emit('debug', paint('2', 'debug: '), m),
  }
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
}

/** A clock that only moves when told to, for tests. */
export function createFakeClock(start = 0): Clock & {advance(ms: number): void} {
  let t = start
  return {now: () => t, monotonic: () => t, advance: (ms) => void (t += ms)}
}

/** A stream that keeps what is written, for tests: `text()` returns everything so far. */
export function createCaptureStream(): OutputStream & {text(): string} {
  const chunks: string[] = []
  return {
    write: (chunk: string) => {
      chunks.push(chunk)
      return true
    },
    isTTY: false,
    text: () => chunks.join(''),
  }
}

/** Where this package is installed (the CLI bundle's chunks sit deeper than lib/lib/context.js). */
export function defaultToolRoot(): string {
  return packageRoot()
}

function parseLogLevel(value: string | undefined): LogLevel | undefined {
  return value && value in LEVELS ? (value as LogLevel) : undefined
}

export interface CreateContextOptions extends Partial<Omit<Context, 'logger'>> {
  logLevel?: LogLevel
}

/**
 * Builds a context from the real process, with any part overridden. The log level comes from
 * `logLevel`, else `OWNCAST_PLUGIN_LOG` (`silent|error|warn|info|debug`), else `info`.
 * Colour is on when stderr is a TTY and neither `NO_COLOR` nor `FORCE_COLOR=0` is set.
 */
export function createContext(options: CreateContextOptions = {}): Context {
  const env = options.env ?? process.env
  const stdout = options.stdout ?? process.stdout
  const stderr = options.stderr ?? process.stderr
  const color =
    options.color ?? (Boolean(stderr.isTTY) && env.NO_COLOR === undefined && env.FORCE_COLOR !== '0')
  const level = options.logLevel ?? parseLogLevel(env.OWNCAST_PLUGIN_LOG) ?? 'info'
  return {
    cwd: options.cwd ?? process.cwd(),
    toolRoot: options.toolRoot ?? defaultToolRoot(),
    env,
    stdout,
    stderr,
    logger: createLogger(stderr, level, color),
    clock: options.clock ?? systemClock,
    color,
  }
}
