/**
 * Resolves when the user stops a long-running command (Ctrl-C, or SIGTERM from a supervisor),
 * so the command can close what it started instead of dying mid-write.
 */
export function untilInterrupted(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolve()
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
}
