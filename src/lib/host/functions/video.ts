import type { StreamVariant, VideoConfigUpdate } from '../env/types.js';
import { errorMessage, okResult, type Impls } from './common.js';
import type { HostDeps } from './deps.js';
import { decode, encodeStruct, VIDEO_CONFIG, VIDEO_CONFIG_UPDATE } from './wire.js';

/** Owncast's latency levels (lowest … highest). */
export const MAX_LATENCY_LEVEL = 4;
/** Newer StreamVariant.cpuUsageLevel range. */
export const MAX_CPU_USAGE_LEVEL = 4;

/**
 * Checks a decoded update for values no Owncast accepts; null when it is fine. Only the
 * obviously impossible is refused here, so nothing production takes is turned away; the
 * env (Owncast itself) may refuse more, and its message reaches the plugin the same way.
 */
export function videoConfigUpdateProblem(update: VideoConfigUpdate): string | null {
  if (update.latencyLevel !== undefined && (update.latencyLevel < 0 || update.latencyLevel > MAX_LATENCY_LEVEL)) {
    return `latencyLevel must be between 0 and ${MAX_LATENCY_LEVEL} (got ${update.latencyLevel})`;
  }
  if (update.codec !== undefined && update.codec.trim() === '') return 'codec must not be empty';
  if (update.variants !== undefined) {
    if (update.variants.length === 0) return 'variants must not be empty: Owncast needs at least one output';
    for (const [i, v] of update.variants.entries()) {
      for (const key of ['width', 'height', 'framerate', 'videoBitrate', 'audioBitrate'] as const) {
        if ((v[key] ?? 0) < 0) return `variants[${i}].${key} must not be negative`;
      }
      if (v.cpuUsageLevel !== undefined && (v.cpuUsageLevel < 0 || v.cpuUsageLevel > MAX_CPU_USAGE_LEVEL)) {
        return `variants[${i}].cpuUsageLevel must be between 0 and ${MAX_CPU_USAGE_LEVEL}`;
      }
    }
  }
  return null;
}

function withZeroValues(v: Partial<StreamVariant>): StreamVariant {
  return {
    width: 0,
    height: 0,
    framerate: 0,
    videoBitrate: 0,
    audioBitrate: 0,
    isPassthrough: false,
    ...v,
  };
}

/** videoconfig.read / videoconfig.write. */
export function videoFunctions(deps: HostDeps): Impls {
  return {
    owncast_video_config_read: (c) => {
      const cfg = deps.env.videoConfig.read(c.caller.slug);
      return encodeStruct(VIDEO_CONFIG, { ...cfg, variants: cfg.variants ?? [] });
    },
    owncast_video_config_write: (c) => {
      const slug = c.caller.slug;
      const parsed = decode<VideoConfigUpdate>(c.text(0), { struct: VIDEO_CONFIG_UPDATE });
      if (!parsed.ok) {
        // production: a payload that does not unmarshal answers 0 (the SDK throws)
        deps.log.warn(`owncast_video_config_write from ${slug}: invalid JSON: ${parsed.error}`);
        return null;
      }
      const update: VideoConfigUpdate = { ...parsed.value };
      if (update.variants) update.variants = update.variants.map(withZeroValues);
      const problem = videoConfigUpdateProblem(update);
      if (problem) return okResult(problem);
      if (!deps.env.videoConfig.write) return okResult();
      try {
        deps.env.videoConfig.write(slug, update);
        return okResult();
      } catch (err) {
        return okResult(errorMessage(err));
      }
    },
  };
}
