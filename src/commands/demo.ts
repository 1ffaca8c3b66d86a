import {Flags} from '@oclif/core'
import {BaseCommand} from '../lib/cli/base-command.js'
import type {DemoTranscript} from '../lib/demo/index.js'

export default class Demo extends BaseCommand {
  static override summary = 'Replay a scripted chat stream through the example plugins.'
  static override description = `Builds examples/echo-bot and examples/profanity-filter with the real compiler (into a temporary directory), loads both into one plugin host and replays a short chat stream through them in production order: the filter chain first (pass, modify or drop; a failing filter fails open), then the chat.message.received notifications with the filtered message. Prints each message, every filter decision, the resulting chat line and the bots' replies, then a summary. Timing goes to stderr.

Exit codes: 0 the demo ran (plugin failures are part of the transcript); 1 an example does not build or load; 2 usage errors.`

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --target wasm', '<%= config.bin %> <%= command.id %> --json']

  static override enableJsonFlag = true

  static override flags = {
    target: Flags.string({
      description: 'run the plugins as plugin.js on the shared engine (js) or as self-contained plugin.wasm (wasm)',
      options: ['js', 'wasm'],
      default: 'js',
    }),
  }

  async run(): Promise<DemoTranscript> {
    const {flags} = await this.parse(Demo)
    // The host and the compiler pull in Extism and esbuild: load them only when the demo runs.
    const {renderDemoTranscript, runDemo} = await import('../lib/demo/index.js')
    const transcript = await runDemo(this.ctx, {target: flags.target as 'js' | 'wasm'})
    if (!this.jsonEnabled()) {
      this.ctx.stdout.write(renderDemoTranscript(transcript, {color: this.ctx.color && Boolean(this.ctx.stdout.isTTY)}))
    }
    return transcript
  }
}
