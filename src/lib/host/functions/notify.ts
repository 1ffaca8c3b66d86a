import type { BrowserPushPayload, FediversePayload } from '../env/types.js';
import { errorMessage, type Impls } from './common.js';
import type { HostDeps } from './deps.js';
import { decode, encodeStruct, WIRE } from './wire.js';

export const FEDIVERSE_POSTS_PER_HOUR = 5;
const HOUR_MS = 60 * 60 * 1000;

/** Successful fediverse posts per plugin (ms timestamps), shared by every build over one HostDeps. */
export type PostLog = Map<string, number[]>;

/** notifications.send and fediverse.post. */
export function notifyFunctions(deps: HostDeps, posts: PostLog): Impls {
  const warn = (fn: string, slug: string, message: string) => deps.log.warn(`${fn} from ${slug}: ${message}`);

  return {
    owncast_notify_discord: (c) => deps.env.notifications.discord(c.caller.slug, c.text(0)),
    owncast_notify_browser_push: (c) => {
      const p = decode<Partial<BrowserPushPayload>>(c.text(0), { struct: WIRE.BrowserPushPayload });
      if (!p.ok) return warn('owncast_notify_browser_push', c.caller.slug, `invalid JSON: ${p.error}`);
      deps.env.notifications.browserPush(c.caller.slug, { title: '', ...p.value });
    },
    owncast_notify_fediverse: (c) => {
      const p = decode<Partial<FediversePayload>>(c.text(0), { struct: WIRE.FediversePayload });
      if (!p.ok) return warn('owncast_notify_fediverse', c.caller.slug, `invalid JSON: ${p.error}`);
      deps.env.notifications.fediverse(c.caller.slug, { type: '', body: '', ...p.value });
    },

    owncast_fediverse_post: (c) => {
      const slug = c.caller.slug;
      const fediverse = deps.env.fediverse;
      if (!fediverse) return null;
      if (deps.fediverse?.postingEnabled?.() === false) {
        warn('owncast_fediverse_post', slug, 'posting to the fediverse is turned off for plugins by the admin; dropped');
        return null;
      }
      const now = (deps.clock ?? { now: Date.now }).now();
      const max = deps.fediverse?.maxPostsPerHour ?? FEDIVERSE_POSTS_PER_HOUR;
      const recent = (posts.get(slug) ?? []).filter((t) => now - t < HOUR_MS);
      posts.set(slug, recent);
      if (recent.length >= max) {
        warn('owncast_fediverse_post', slug, `rate limit of ${max} posts per hour reached; dropped`);
        return null;
      }
      let url: string;
      try {
        url = fediverse.post(slug, c.text(0));
      } catch (err) {
        warn('owncast_fediverse_post', slug, errorMessage(err));
        return null;
      }
      recent.push(now);
      return encodeStruct(WIRE.UploadResult, { url });
    },
  };
}
