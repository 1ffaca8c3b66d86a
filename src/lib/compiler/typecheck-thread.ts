// The worker thread behind createBackgroundTypechecker (typecheck-worker.ts): one incremental
// checker for one project, which checks whenever it is asked and answers with plain data.
import {parentPort, workerData} from 'node:worker_threads'
import {createTypechecker, loadTypescript, type TypecheckerOptions} from './typecheck.js'
import type {CheckReply, CheckRequest} from './typecheck-worker.js'

const port = parentPort
if (!port) throw new Error('typecheck-thread runs as a worker thread')
// The compiler loads while the first build bundles.
const checker = loadTypescript().then((ts) => createTypechecker(ts, workerData as TypecheckerOptions))

port.on('message', async (request: CheckRequest) => {
  let reply: CheckReply
  try {
    reply = {id: request.id, result: (await checker).check()}
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error))
    reply = {id: request.id, error: {message: err.message, ...(err.stack ? {stack: err.stack} : {})}}
  }
  port.postMessage(reply)
})
