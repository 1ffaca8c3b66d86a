// A chat filter with deliberate bugs, in plain JavaScript, to show what the host does when a
// filter fails. A filter that throws (or runs past its 50 ms budget) "fails open": the message
// goes on through the chain as if this filter had passed it, and the failure is a strike. Five
// consecutive failures auto-disable the plugin until it is reloaded; any success resets the count.
import {definePlugin, filter} from '@owncast/plugin-sdk'

definePlugin({
  /** @param {import('@owncast/plugin-sdk').ChatMessage} msg */
  filterChatMessage(msg) {
    // Bug 1: assumes every message has a user. One without throws a TypeError here.
    const name = msg.user.displayName

    // Bug 2: a code path nobody tested. Any message with the word "boom" throws.
    if (/\bboom\b/i.test(msg.body)) throw new Error(`unexpected input from ${name}`)

    // Everything else passes unchanged.
    return filter.pass()
  },
})
