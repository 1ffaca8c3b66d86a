import {definePlugin, owncast} from '@owncast/plugin-sdk'
import {IP_SERVICE, parseAddress} from './lookup'

const UNREACHABLE = "Sorry, I couldn't reach the IP service right now."

/** The chat answer to !ip. Every failure becomes a polite answer (and a log line), never a throw. */
function lookUp(): string {
  let res
  try {
    // Synchronous: the host performs the request while the plugin waits, within the command's
    // 500 ms budget (a slow service times out rather than holding chat up). It throws when the
    // request cannot be made: network down, host not in allowedHosts, timeout.
    res = owncast.http.fetch(IP_SERVICE, {headers: {Accept: 'application/json'}})
  } catch (err) {
    owncast.log.warning(`IP lookup failed: ${err instanceof Error ? err.message : String(err)}`)
    return UNREACHABLE
  }
  // Status 0: a host that reports a request it could not make (network down, host not allowed,
  // timeout) as an answer rather than by throwing; it logs the reason itself.
  if (res.status === 0) {
    owncast.log.warning('IP lookup failed: no response')
    return UNREACHABLE
  }
  if (res.status !== 200) return `Sorry, the IP service answered HTTP ${res.status}.`
  const ip = parseAddress(res.body)
  if (ip === null) {
    owncast.log.warning(`IP lookup: unexpected answer ${JSON.stringify(res.body.slice(0, 100))}`)
    return 'Sorry, the IP service sent an answer I could not read.'
  }
  return `This server's public IP address is ${ip}.`
}

definePlugin({
  commands: {
    ip: {
      description: "Shows this server's public IP address",
      aliases: ['myip'],
      // per viewer: one lookup every 30 s, so chat cannot hammer the service
      cooldownMs: 30_000,
      run(ctx) {
        ctx.reply(lookUp())
      },
    },
  },
})
