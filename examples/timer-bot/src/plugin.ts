import {definePlugin, owncast} from '@owncast/plugin-sdk'
import {ANNOUNCED, parseReminder, parseSeconds, secondsLeft} from './countdown'

// There is no global setTimeout in a plugin: owncast.timer asks the host, which calls back into
// the plugin when the time comes (at least 100 ms, at most 24 h; 64 pending per plugin). Timers
// live in memory: a reload or a restart cancels them all.

const FOLLOW_REMINDER = 'Enjoying the stream? Follow to hear when it goes live again.'
const MAX_REMINDERS_PER_VIEWER = 3

let reminderInterval: number | null = null
const pendingReminders = new Map<string, number>()
/** A running countdown: when it ends (ms since the epoch), and what it has already said. */
let countdown: {endsAt: number; said: Set<number>} | null = null

function stopFollowReminders(): void {
  if (reminderInterval !== null) owncast.timer.clear(reminderInterval)
  reminderInterval = null
}

definePlugin({
  onStreamStarted() {
    stopFollowReminders() // a second start must not double the reminders
    const minutes = owncast.config.get<number>('reminderMinutes', 15)
    const ms = (typeof minutes === 'number' && minutes >= 1 ? minutes : 15) * 60_000
    // an interval is armed again only after the callback returns: a slow callback never piles up
    reminderInterval = owncast.timer.setInterval(() => owncast.chat.send(FOLLOW_REMINDER), ms)
  },

  onStreamStopped() {
    stopFollowReminders()
  },

  // About once a second, for plugins that define it. `now` is the host's clock.
  onTick({now}) {
    if (!countdown) return
    const left = secondsLeft(countdown.endsAt, now)
    if (left === 0) {
      countdown = null
      owncast.chat.send('Go!')
      return
    }
    if (ANNOUNCED.has(left) && !countdown.said.has(left)) {
      countdown.said.add(left)
      owncast.chat.send(`${left}…`)
    }
  },

  commands: {
    remind: {
      description: 'Remind me of something later',
      usage: '!remind <minutes> <text>',
      run(ctx) {
        const reminder = parseReminder(ctx.args, ctx.argString)
        if (!reminder) return ctx.reply('Usage: !remind <1-120 minutes> <text>')
        const name = ctx.user?.displayName ?? 'someone'
        const key = ctx.user?.id ?? name
        const pending = pendingReminders.get(key) ?? 0
        if (pending >= MAX_REMINDERS_PER_VIEWER) return ctx.reply(`${name}, you already have ${pending} reminders waiting.`)
        try {
          owncast.timer.setTimeout(() => {
            pendingReminders.set(key, (pendingReminders.get(key) ?? 1) - 1)
            owncast.chat.send(`${name}, reminder: ${reminder.text}`)
          }, reminder.minutes * 60_000)
        } catch {
          // the host's limit: 64 pending timers per plugin
          return ctx.reply(`Sorry ${name}, too many reminders are waiting; try again later.`)
        }
        pendingReminders.set(key, pending + 1)
        ctx.reply(`Okay ${name}, I will remind you in ${reminder.minutes} ${reminder.minutes === 1 ? 'minute' : 'minutes'}.`)
      },
    },
    countdown: {
      description: 'Count down in chat (moderators)',
      usage: '!countdown <seconds>',
      modOnly: true,
      run(ctx) {
        const seconds = parseSeconds(ctx.args[0])
        const start = Date.parse(ctx.msg.timestamp)
        if (seconds === null || Number.isNaN(start)) return ctx.reply('Usage: !countdown <1-600 seconds>')
        countdown = {endsAt: start + seconds * 1000, said: new Set([seconds])}
        ctx.reply(`Countdown: ${seconds} ${seconds === 1 ? 'second' : 'seconds'}!`)
      },
    },
  },
})
