import type { Impls } from './common.js';
import type { HostDeps } from './deps.js';
import { encode, encodeList, encodeStruct, WIRE } from './wire.js';

/** server.read: what Owncast says about itself and the stream. Lists are never null. */
export function serverFunctions(deps: HostDeps): Impls {
  return {
    owncast_stream_current: (c) => encodeStruct(WIRE.StreamInfo, deps.env.stream.current(c.caller.slug)),
    owncast_stream_broadcaster: (c) => encodeStruct(WIRE.StreamBroadcaster, deps.env.stream.broadcaster(c.caller.slug)),
    owncast_server_info: (c) => encodeStruct(WIRE.ServerInfo, deps.env.server.info(c.caller.slug)),
    owncast_server_socials: (c) => encodeList(WIRE.SocialHandle, deps.env.server.socials(c.caller.slug)),
    owncast_server_emotes: (c) => encodeList(WIRE.Emote, deps.env.server.emotes(c.caller.slug)),
    owncast_server_federation: (c) => encodeStruct(WIRE.FederationInfo, deps.env.server.federation(c.caller.slug)),
    owncast_server_tags: (c) => encode({ slice: 'string' }, deps.env.server.tags(c.caller.slug) ?? []),
  };
}
