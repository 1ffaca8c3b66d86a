import type createPlugin from '@extism/extism'

let loading: Promise<typeof createPlugin> | undefined

/**
 * Imports @extism/extism once, without the "WASI is an experimental feature" warning
 * that importing node:wasi prints: it would land in the middle of every command's
 * output. Any other warning still goes through.
 */
export function loadExtism(proc: NodeJS.Process = process): Promise<typeof createPlugin> {
  loading ??= (async () => {
    const original = proc.emitWarning
    const filtered = function (this: unknown, warning: string | Error, ...rest: unknown[]) {
      const text = typeof warning === 'string' ? warning : warning?.message
      if (typeof text === 'string' && text.startsWith('WASI is an experimental feature')) return
      return (original as (...args: unknown[]) => void).call(proc, warning, ...rest)
    }
    proc.emitWarning = filtered as typeof proc.emitWarning
    try {
      return (await import('@extism/extism')).default
    } finally {
      if (proc.emitWarning === filtered) proc.emitWarning = original
    }
  })()
  return loading
}
