/**
 * Silences Node's "WASI is an experimental feature" warning, which the first plugin instance
 * (Extism runs the engine under node:wasi) would print to stderr in the middle of the command's
 * output. Every other warning still goes through. Returns a function that restores the original.
 */
export function muteWasiWarning(proc: NodeJS.Process = process): () => void {
  const original = proc.emitWarning
  const filtered = function (this: unknown, warning: string | Error, ...rest: unknown[]) {
    const text = typeof warning === 'string' ? warning : warning?.message
    if (typeof text === 'string' && text.startsWith('WASI is an experimental feature')) return
    return (original as (...args: unknown[]) => void).call(proc, warning, ...rest)
  }
  proc.emitWarning = filtered as typeof proc.emitWarning
  return () => {
    if (proc.emitWarning === filtered) proc.emitWarning = original
  }
}
