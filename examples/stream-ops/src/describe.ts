// What the commands say, apart from the host API so it can be unit-tested.
import type {StreamBroadcaster, StreamVariant, VideoConfig} from '@owncast/plugin-sdk'

/** The incoming stream, or null when nobody is broadcasting (the host answers an empty object). */
export function describeBroadcaster(b: StreamBroadcaster): string | null {
  if (!b.resolution && !(b.codecs ?? []).length) return null
  const parts = [`Incoming: ${b.resolution || 'unknown size'}`]
  if (b.framerate) parts.push(`at ${b.framerate} fps`)
  let text = parts.join(' ')
  if (b.codecs?.length) text += `, ${b.codecs.join('/')}`
  const kbps = (b.bitrates ?? []).reduce((sum, n) => sum + n, 0)
  if (kbps > 0) text += `, ${kbps} kbps`
  return `${text}.`
}

function describeVariant(v: StreamVariant): string {
  if (v.isPassthrough) return 'passthrough'
  return `${v.width}x${v.height}@${v.framerate} ${v.videoBitrate} kbps`
}

export function describeVideoConfig(c: VideoConfig): string {
  const head = `Latency level ${c.latencyLevel}, codec ${c.codec || 'default'}`
  if (c.variants.length === 0) return `${head}; no outputs configured.`
  const n = c.variants.length
  return `${head}; ${n} ${n === 1 ? 'output' : 'outputs'}: ${c.variants.map(describeVariant).join(', ')}.`
}

/** Owncast's latency levels: 0 (lowest latency) to 4 (most buffering). */
export const MAX_LATENCY = 4

/** The level in "!latency <n>", or null unless it is a whole number from 0 to 4. */
export function parseLatency(arg: string | undefined): number | null {
  if (arg === undefined || !/^\d$/.test(arg)) return null
  const n = Number(arg)
  return n <= MAX_LATENCY ? n : null
}
