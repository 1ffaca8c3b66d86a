import {definePlugin, owncast} from '@owncast/plugin-sdk'
import {QUOTES, answerFor, target} from './replies'

/** Which quote !quote gives next (in memory: a reload starts again at the first). */
let nextQuote = 0

const RULES = 'Chat rules: be kind, no spam, no spoilers. Moderators have the last word.'

// The host matches "!<name or alias> args..." at the start of a message (case-insensitive),
// enforces modOnly and cooldownMs before calling run, and answers !help (and !commands) itself
// from these definitions: nothing here handles !help.
definePlugin({
  commands: {
    hello: {
      description: 'Say hello to the bot',
      aliases: ['hi', 'hey'],
      run(ctx) {
        ctx.reply(`Hello, ${ctx.user?.displayName ?? 'stranger'}!`)
      },
    },
    hug: {
      description: 'Hug someone (or everyone)',
      usage: '!hug [name]',
      run(ctx) {
        const who = ctx.user?.displayName ?? 'Someone'
        ctx.reply(`${who} hugs ${target(ctx.args[0]) ?? 'everyone'}!`)
      },
    },
    so: {
      description: 'Shout out another streamer',
      usage: '!so <name>',
      aliases: ['shoutout'],
      modOnly: true,
      run(ctx) {
        const name = target(ctx.args[0])
        ctx.reply(name ? `Go give ${name} a follow! They are great.` : 'Usage: !so <name>')
      },
    },
    quote: {
      description: 'A quote (one per viewer every 30 seconds)',
      cooldownMs: 30_000,
      run(ctx) {
        const n = nextQuote
        nextQuote = (nextQuote + 1) % QUOTES.length
        ctx.reply(`Quote #${n + 1}: ${QUOTES[n]}`)
      },
    },
    ask: {
      description: 'Ask the magic 8-ball a question',
      usage: '!ask <question>',
      aliases: ['8ball'],
      run(ctx) {
        ctx.reply(ctx.argString === '' ? 'Ask me a question: !ask <question>' : `"${ctx.argString}": ${answerFor(ctx.argString)}`)
      },
    },
    rules: {
      description: 'The chat rules, sent to you privately',
      run(ctx) {
        // a whisper to the sender's connection; in public when the connection is unknown
        ctx.replyPrivately(RULES)
      },
    },
  },
})
