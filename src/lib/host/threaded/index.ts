// serve's execution model: a PluginHost in a worker thread, watched from the main thread
// (DESIGN §2.1), each plugin in a thread of its own under it (../executor/). threaded-host.ts
// is the main thread's side, host-worker.ts the worker's.

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
export {
  FILES_INSPECT_MAX_ENTRIES,
  KV_INSPECT_MAX_ENTRIES,
  KV_INSPECT_VALUE_MAX,
  READ_FILE_MAX_BYTES,
  SQL_ROWS_DEFAULT_LIMIT,
  type ChatLog,
  type ChatRecord,
  type FileContent,
  type FileListing,
  type KvEntry,
  type KvListing,
  type SqlRowsPage,
  type SqlTableInfo,
  type SqlTablesListing,
  type WorldView,
} from './inspection.js';
export { ACTIVITY_BATCH_SIZE, ACTIVITY_BATCHES_IN_FLIGHT, MAX_PENDING_ACTIVITY, MAX_PENDING_ACTIVITY_CHARS } from './activity-queue.js';
export type { ActivityType, EmitDrop, HostActivity } from '../activity.js';
export { MAX_INSPECT_ROWS } from '../offthread/sql/index.js';
