import {definePlugin, filter, owncast} from '@owncast/plugin-sdk'
import {allocate, flood, huge, recurse, spin, timerBomb} from './stress'
import {trigger} from './trigger'

// A plugin that misbehaves on purpose, for the host's hostile tests, the simulator and anyone
// checking what a host does with a plugin gone wrong. Triggers are exact chat messages
// ("stress filter spin", "stress notify flood", ...) and HTTP paths (/spin, /huge, ...); everything
// else takes the harmless path: filters pass unchanged, notifications do nothing, GET / says "ok".

const MiB = 1024 * 1024

definePlugin({
  filterChatMessage(msg) {
    const t = trigger(msg.body)
    if (!t || t.where !== 'filter') return filter.pass()
    switch (t.what) {
      case 'spin':
        return spin()
      case 'throw':
        throw new Error('stress: a filter that throws')
      case 'alloc':
        return filter.modify({...msg, body: String(allocate())})
      case 'huge':
        // a verdict over the host's 1 MiB filter output cap
        return filter.modify({...msg, body: huge(MiB + 1024)})
      case 'recurse':
        return filter.modify({...msg, body: String(recurse(0))})
      default:
        return filter.pass()
    }
  },

  onChatMessage(msg) {
    const t = trigger(msg.body)
    if (!t || t.where !== 'notify') return
    switch (t.what) {
      case 'spin':
        spin()
        break
      case 'throw':
        throw new Error('stress: a notification that throws')
      case 'alloc':
        allocate()
        break
      case 'recurse':
        recurse(0)
        break
      case 'flood': {
        const count = owncast.config.get<number>('floodCount', 1000)
        flood(typeof count === 'number' && count > 0 ? Math.min(Math.floor(count), 100_000) : 1000)
        break
      }
      case 'timers':
        timerBomb()
        break
      case 'huge':
        // a notification has no output to cap: log 1 MiB instead (the host cuts log entries at 4 KiB)
        owncast.log.info(huge(MiB))
        break
    }
  },

  onHttpRequest(req) {
    switch (req.path) {
      case '/':
        return {status: 200, headers: {'Content-Type': 'text/plain'}, body: 'ok'}
      case '/spin':
        return spin()
      case '/throw':
        throw new Error('stress: an HTTP handler that throws')
      case '/alloc':
        return {status: 200, body: String(allocate())}
      case '/huge':
        // 13 MiB: past the host's 12 MiB handler output cap
        return {status: 200, headers: {'Content-Type': 'text/plain'}, body: huge(13 * MiB)}
      default:
        return {status: 404, body: 'not found'}
    }
  },
})
