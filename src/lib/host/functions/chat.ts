import type { ChatSendKind } from '../env/types.js';
import { u64Arg, type Impl, type Impls } from './common.js';
import type { HostDeps } from './deps.js';
import { encodeList, WIRE } from './wire.js';

export const CHAT_HISTORY_DEFAULT = 50;

export function chatFunctions(deps: HostDeps): Impls {
  // Every kind posts under the plugin's own bot: the slug routes to the bot user and the
  // display name is what viewers see. A plugin cannot choose another identity.
  const send =
    (kind: ChatSendKind): Impl =>
    (c) =>
      deps.env.chat.send({ slug: c.caller.slug, botDisplayName: c.caller.botDisplayName, kind, text: c.text(0) });

  return {
    owncast_send_chat: send('bot'),
    owncast_send_chat_action: send('action'),
    owncast_send_chat_system: send('system'),
    owncast_send_chat_to: (c) => deps.env.chat.sendTo(c.caller.slug, u64Arg(c, 0), c.text(1)),
    owncast_chat_history: (c) => {
      // production: int(int32(limit)), and ≤ 0 means the default
      let limit = Number(BigInt.asIntN(32, c.args[0] as bigint));
      if (limit <= 0) limit = CHAT_HISTORY_DEFAULT;
      return encodeList(WIRE.HostChatMessage, deps.env.chat.history(c.caller.slug, limit).slice(-limit));
    },
    owncast_chat_clients: (c) => encodeList(WIRE.HostChatClient, deps.env.chat.clients(c.caller.slug)),
    owncast_delete_message: (c) => deps.env.chat.deleteMessage(c.caller.slug, c.text(0)),
    owncast_kick_client: (c) => deps.env.chat.kick(c.caller.slug, u64Arg(c, 0)),
  };
}
