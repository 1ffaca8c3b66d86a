import path from 'node:path'
import type {Worker} from 'node:worker_threads'
import {libModule, startWorker} from '../host/offthread/entry.js'
import type {TypecheckResult, TypecheckerOptions} from './typecheck.js'

/** A request to the checker thread. */
export interface CheckRequest {
  id: number
}

/** The checker thread's answer: a result, or why the check itself failed (a bug, not a type error). */
export type CheckReply = {id: number; result: TypecheckResult} | {id: number; error: {message: string; stack?: string}}

export interface BackgroundTypechecker {
  /**
   * Type-checks the project as it is on disk now, off the main thread, reusing the previous
   * check's program. Calls while a check runs share one more check after it (the latest files),
   * rather than queueing one each.
   */
  check(): Promise<TypecheckResult>
  /** Ends the worker thread; pending checks reject. */
  close(): Promise<void>
}

/**
 * Starts a type checker for the plugin project in `dir` on a worker thread (for `watch`: type
 * errors are shown without holding up the reload of a build that bundled). The compiler starts
 * loading at once; the first check parses everything (or starts from `dist/.tsbuildinfo`), later
 * ones only what changed.
 *
 * ```ts
 * const checker = createBackgroundTypechecker({dir})
 * const result = await checker.check() // after each good build
 * if (result.errors > 0) show(typecheckDiagnostics(ctx, result.diagnostics))
 * await checker.close()
 * ```
 */
export function createBackgroundTypechecker(options: TypecheckerOptions): BackgroundTypechecker {
  const data: TypecheckerOptions = {...options, dir: path.resolve(options.dir)}
  let worker: Worker | undefined
  let closed = false
  let nextId = 1
  const pending = new Map<number, {resolve: (r: TypecheckResult) => void; reject: (e: Error) => void}>()
  let running: Promise<TypecheckResult> | undefined
  let queued: Promise<TypecheckResult> | undefined

  const failAll = (error: Error) => {
    for (const p of pending.values()) p.reject(error)
    pending.clear()
  }

  const thread = (): Worker => {
    if (worker) return worker
    const w = startWorker(libModule('compiler/typecheck-thread'), {workerData: data, name: 'owncast-plugin typecheck'})
    w.unref()
    w.on('message', (reply: CheckReply) => {
      const p = pending.get(reply.id)
      if (!p) return
      pending.delete(reply.id)
      if (pending.size === 0) w.unref()
      if ('result' in reply) {
        p.resolve(reply.result)
      } else {
        const error = new Error(`type check failed: ${reply.error.message}`)
        if (reply.error.stack) error.stack = reply.error.stack
        p.reject(error)
      }
    })
    w.on('error', (error) => {
      if (worker === w) worker = undefined
      failAll(error)
    })
    w.on('exit', (code) => {
      if (worker === w) worker = undefined
      if (pending.size > 0) failAll(new Error(`the type checker thread exited (code ${code})`))
    })
    worker = w
    return w
  }

  const run = (): Promise<TypecheckResult> => {
    const id = nextId++
    const p = new Promise<TypecheckResult>((resolve, reject) => {
      if (closed) return reject(new Error('the type checker is closed'))
      pending.set(id, {resolve, reject})
      const w = thread()
      w.ref() // a check in flight keeps the process alive
      w.postMessage({id} satisfies CheckRequest)
    })
    running = p
    const clear = () => {
      if (running === p) running = undefined
    }
    p.then(clear, clear)
    return p
  }

  // The compiler loads while the caller does its first build.
  thread()

  return {
    check() {
      if (closed) return Promise.reject(new Error('the type checker is closed'))
      if (queued) return queued
      if (!running) return run()
      const after = running.then(
        () => undefined,
        () => undefined,
      )
      queued = after.then(() => {
        queued = undefined
        return run()
      })
      return queued
    },
    async close() {
      if (closed) return
      closed = true
      const w = worker
      worker = undefined
      failAll(new Error('the type checker is closed'))
      if (w) await w.terminate()
    },
  }
}
