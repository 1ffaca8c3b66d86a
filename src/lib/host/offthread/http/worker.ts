// The HTTP worker thread: undici needs an event loop, which the host thread blocked in a
// plugin call does not have.

import { serveSync, Transfer } from '../sync-serve.js';
import { performRequest } from './fetch.js';
import type { HttpWorkerRequest } from './protocol.js';

void serveSync<HttpWorkerRequest>(async (req) => {
  const result = await performRequest(req);
  // The body was assembled into its own buffer: move it rather than copy it.
  return 'body' in result ? new Transfer(result, [result.body.buffer as ArrayBuffer]) : result;
});
