// Formatting, apart from the host API so it can be unit-tested.

/** "1h 2m 3s", "5m 0s", "42s"; negative or unknown durations read as 0s. */
export function duration(ms: number): string {
  const total = Number.isFinite(ms) && ms > 0 ? Math.floor(ms / 1000) : 0
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  if (h > 0) return `${h}h ${m}m ${s}s`
  if (m > 0) return `${m}m ${s}s`
  return `${s}s`
}

/** The names for !who: sorted (case-insensitively), at most `max`, then "and N more". */
export function nameList(names: string[], max = 20): string {
  const sorted = [...names].sort((a, b) => a.localeCompare(b, 'en', {sensitivity: 'base'}) || (a < b ? -1 : a > b ? 1 : 0))
  const shown = sorted.slice(0, max).join(', ')
  return sorted.length > max ? `${shown} and ${sorted.length - max} more` : shown
}
