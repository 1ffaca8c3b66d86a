import {definePlugin, owncast} from '@owncast/plugin-sdk'
import {MAX_LATENCY, describeBroadcaster, describeVideoConfig, parseLatency} from './describe'

definePlugin({
  commands: {
    broadcaster: {
      description: 'The incoming stream: size, frame rate, codecs, bitrate',
      aliases: ['bc'],
      run(ctx) {
        ctx.reply(describeBroadcaster(owncast.stream.broadcaster()) ?? 'Nobody is broadcasting right now.')
      },
    },
    videoconfig: {
      description: 'The output settings: latency level, codec, variants',
      aliases: ['vc'],
      run(ctx) {
        ctx.reply(describeVideoConfig(owncast.videoConfig.read()))
      },
    },
    latency: {
      description: `Set the latency level (0 lowest, ${MAX_LATENCY} most buffering)`,
      usage: `!latency <0-${MAX_LATENCY}>`,
      // the host refuses the command to anyone without the MODERATOR scope (and hides it in !help)
      modOnly: true,
      run(ctx) {
        const level = parseLatency(ctx.args[0])
        if (level === null || ctx.args.length > 1) return ctx.reply(`Usage: !latency <0-${MAX_LATENCY}>`)
        const was = owncast.videoConfig.read().latencyLevel
        if (was === level) return ctx.reply(`The latency level is already ${level}.`)
        try {
          // a partial update: only the latency level changes, the codec and variants stay
          owncast.videoConfig.write({latencyLevel: level})
        } catch (err) {
          owncast.log.error(`latency change refused: ${err instanceof Error ? err.message : String(err)}`)
          return ctx.reply('The server refused to change the latency level.')
        }
        owncast.log.info(`${ctx.user?.displayName ?? 'someone'} set the latency level from ${was} to ${level}`)
        ctx.reply(`Latency level set to ${level} (was ${was}).`)
      },
    },
  },
})
