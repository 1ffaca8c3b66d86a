// The smallest useful plugin, in plain JavaScript. It needs no permission: the plugin log
// (owncast.log) is always available, and shows up in the Owncast admin under the plugin's name.
import {definePlugin, owncast} from '@owncast/plugin-sdk'

definePlugin({
  /** @param {import('@owncast/plugin-sdk').StreamLifecycleEvent} info */
  onStreamStarted(info) {
    owncast.log.info(info.title ? `Hello, world! "${info.title}" is live.` : 'Hello, world! The stream is live.')
  },

  /** @param {import('@owncast/plugin-sdk').ChatUser} user */
  onChatUserJoined(user) {
    if (user.isBot) return
    owncast.log.info(`Hello, ${user.displayName}!`)
  },
})
