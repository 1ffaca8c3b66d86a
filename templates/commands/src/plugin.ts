import {definePlugin, owncast, type CommandContext} from '@owncast/plugin-sdk'

// Chat commands. Owncast matches "!<name or alias> args..." at the start of a message (any case),
// enforces modOnly and cooldownMs before calling run, and answers !help itself from these
// definitions: add a command here and it is listed there.

/** "@bo" or "bo" → "bo"; undefined for nothing. */
export const target = (arg: string | undefined): string | undefined => arg?.replace(/^@+/, '') || undefined

/** The answer to !roll with the given argument: a die of 2 to 1000 sides, 6 by default. */
export function roll(who: string, arg: string | undefined, random: () => number = Math.random): string {
  const sides = arg === undefined ? 6 : Number(arg)
  if (!Number.isInteger(sides) || sides < 2 || sides > 1000) return 'Usage: !roll [sides], with 2 to 1000 sides'
  return `${who} rolls a ${sides}-sided die: ${1 + Math.floor(random() * sides)}`
}

const nameOf = (ctx: CommandContext): string => ctx.user?.displayName ?? 'Someone'

definePlugin({
  commands: {
    hello: {
      description: 'Say hello to the bot',
      aliases: ['hi', 'hey'],
      run(ctx) {
        ctx.reply(`Hello, ${nameOf(ctx)}!`)
      },
    },
    roll: {
      description: 'Roll a die (once every 10 seconds each)',
      usage: '!roll [sides]',
      aliases: ['dice'],
      cooldownMs: 10_000,
      run(ctx) {
        ctx.reply(roll(nameOf(ctx), ctx.args[0]))
      },
    },
    links: {
      description: 'Where else to find the stream',
      aliases: ['socials'],
      run(ctx) {
        const links = owncast.config.get<string>('links', '').trim()
        ctx.reply(links === '' ? 'No links yet: the streamer can add them in the plugin settings.' : links)
      },
    },
    so: {
      description: 'Shout out another streamer',
      usage: '!so <name>',
      aliases: ['shoutout'],
      modOnly: true,
      run(ctx) {
        const name = target(ctx.args[0])
        ctx.reply(name === undefined ? 'Usage: !so <name>' : `Go give ${name} a follow, they are great!`)
      },
    },
  },
})
