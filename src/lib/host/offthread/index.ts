// Work the host must be able to cut off, run off the calling thread but called
// synchronously (host functions under @extism/extism 1.0.3 return values, not promises):
// storage.sql (2 s per call, enforced by killing the process that runs SQLite) and
// outbound HTTP for network.fetch (the caller's deadline, allowedHosts on every hop).

export { createSyncWorker, type SyncCallResult, type SyncFailure, type SyncWorker, type SyncWorkerOptions } from './sync-worker.js';
export { registerHelperPid, serveSync, syncWorkerData, Transfer } from './sync-serve.js';
export { libModule, siblingEntry, startWorker, type ModuleEntry } from './entry.js';
export * from './sql/index.js';
export * from './http/index.js';
