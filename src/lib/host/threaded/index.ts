// serve's execution model: a PluginHost in a worker thread, watched from the main thread
// (DESIGN §2.1). threaded-host.ts is the main thread's side, host-worker.ts the worker's.

export {
  CLOSE_WAIT_MS,
  OVERRUN_GRACE_MS,
  ThreadedHost,
  WATCHDOG_INTERVAL_MS,
  type ThreadedHostEvent,
  type ThreadedHostOptions,
  type ThreadedPlugin,
} from './threaded-host.js';
export {
  CALLABLE_EXPORTS,
  type CallableExport,
  type CallResult,
  type HostLogLine,
  type PluginSummary,
  type SessionAction,
  type WorkerEnvSpec,
} from './protocol.js';
